"""The figures on the o4-mini page are the figures the API serves."""

import datetime as dt
from decimal import Decimal

import pytest

from benchmarks.speed.demo import speed_demo_load
from pricing.services import prices_sync
from tokonomix.site.management.commands.load_demo import PRICE_MAP

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    prices_sync(path=PRICE_MAP, as_of=dt.date(2026, 11, 16))
    speed_demo_load(live_run=False)


def test_prices_on_the_page_agree_with_the_prices_api(client, demo):
    page = client.get("/en/models/o4-mini/")
    current = page.context["pricing"].reference.current

    api = client.get("/api/v1/models/o4-mini/prices", {"as_of": dt.date.today().isoformat()})
    row = next(r for r in api.json() if r["offering"] == current.offering.source_key)

    assert Decimal(row["input_per_million"]) == current.input_per_million == Decimal("1.1")
    assert Decimal(row["output_per_million"]) == current.output_per_million == Decimal("4.4")
    assert row["effective_from"] == current.effective_from.isoformat()


def test_speed_figures_on_the_page_agree_with_the_speed_api(client, demo):
    page = client.get("/en/models/o4-mini/")
    summary = page.context["speed"].summary

    api = client.get("/api/v1/models/o4-mini/speed").json()

    assert api["samples_total"] == summary.samples_total
    assert api["errors_total"] == summary.errors_total
    assert api["p50_latency_ms"] == pytest.approx(summary.p50_latency_ms)
    assert api["p95_ttft_ms"] == pytest.approx(summary.p95_ttft_ms)
    assert api["availability_30d"] == pytest.approx(summary.availability_30d)
    html = page.content.decode()
    assert f"{round(summary.p50_latency_ms):,} ms" in html
