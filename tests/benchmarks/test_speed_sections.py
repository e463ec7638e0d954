"""The four speed sections of a model page: with data, simulated, and empty."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from benchmarks.models import SpeedTestRun
from benchmarks.speed.sections import speed_context
from models_catalog.models import Model
from tests import factories

from .conftest import recorded_run

pytestmark = pytest.mark.django_db

SECTIONS = ("Speed analysis", "Tokens per second", "Availability", "Last automated test")
CHART_IDS = ("tx-chart-speed-latency", "tx-chart-speed-tps", "tx-chart-speed-availability")


def history(model, *, days: int, simulated: bool = False) -> None:  # type: ignore[no-untyped-def]
    for day in range(days, 0, -1):
        at = timezone.now() - dt.timedelta(days=day)
        recorded_run(
            model,
            [
                {"started_at": at, "latency_ms": 1000.0 + 10 * i, "decode_tokens_per_second": 90.0}
                for i in range(5)
            ]
            + [{"started_at": at, "status": "timeout", "error": "no data for 30 s"}],
            is_simulated=simulated,
        )


def section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', page, re.S)
    assert match, section_id
    return match.group(0)


def test_a_measured_model_shows_all_four_sections_with_dated_figures_and_charts(client) -> None:  # type: ignore[no-untyped-def]
    model = factories.model(slug="o4-mini", name="o4-mini")
    history(model, days=10)

    page = client.get("/en/models/o4-mini/").content.decode()

    for title in SECTIONS:
        assert title in page
    for chart_id in CHART_IDS:
        assert f'data-chart="{chart_id}"' in page
        assert f'id="{chart_id}"' in page
    today = timezone.now().date().isoformat()
    assert f'30 days to <time datetime="{today}">{today}</time>' in page
    assert "1,020 ms" in page  # the 30-day P50 of 1000..1040
    assert "linear interpolation" in page
    assert "(output tokens \N{MINUS SIGN} 1)" in section(page, "tokens-per-second")
    assert "83.3%" in section(page, "availability")
    assert "1 / 6 requests" in section(page, "last-test")
    assert "No measurements yet" not in page
    assert "simulated" not in page.lower().replace("tokonomix simulator", "")


def test_simulated_figures_say_so_in_every_section(client) -> None:  # type: ignore[no-untyped-def]
    model = factories.model(slug="sim-model")
    history(model, days=3, simulated=True)

    page = client.get("/en/models/sim-model/").content.decode()

    for section_id in ("speed", "tokens-per-second", "availability", "last-test"):
        assert "simulated" in section(page, section_id).lower(), section_id
    latency = json.loads(
        re.search(r'id="tx-chart-speed-latency"[^>]*>(.*?)</script>', page, re.S).group(1)  # type: ignore[union-attr]
    )
    assert all("(simulated)" in trace["name"] for trace in latency["data"])


def test_fewer_than_20_samples_are_marked_preliminary(client) -> None:  # type: ignore[no-untyped-def]
    model = factories.model(slug="young-model")
    history(model, days=2)  # 10 successful samples

    page = client.get("/en/models/young-model/").content.decode()

    assert "preliminary" in section(page, "speed")


def test_a_model_without_samples_says_so_once(client) -> None:  # type: ignore[no-untyped-def]
    factories.model(slug="unmeasured")

    page = client.get("/en/models/unmeasured/").content.decode()

    # One notice names the missing speed sections; no empty box each.
    assert page.count("no measurements yet") == 1
    for section_id in ("speed", "tokens-per-second", "availability", "last-test"):
        assert f'<section id="{section_id}"' not in page, section_id
    for chart_id in CHART_IDS:
        assert chart_id not in page


def test_speed_context_takes_the_same_queries_whatever_the_history(
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    short = factories.model()
    long = factories.model()
    history(short, days=1)
    history(long, days=40)

    with django_assert_num_queries(2):
        speed_context(model=short)
    with django_assert_num_queries(2):
        context = speed_context(model=long)
    assert len(context["speed"].days) == 40
    unmeasured = factories.model()
    with django_assert_num_queries(1):
        speed_context(model=unmeasured)


def test_the_daily_charts_and_their_tables_cover_the_last_90_days(client) -> None:  # type: ignore[no-untyped-def]
    factories.model(slug="long-tested")
    history(Model.objects.get(slug="long-tested"), days=95)
    today = timezone.now().date()
    too_old, recent = today - dt.timedelta(days=95), today - dt.timedelta(days=80)

    page = client.get("/en/models/long-tested/").content.decode()

    latency = json.loads(
        re.search(r'id="tx-chart-speed-latency"[^>]*>(.*?)</script>', page, re.S).group(1)  # type: ignore[union-attr]
    )
    charted = latency["data"][0]["x"]
    assert recent.isoformat() in charted and too_old.isoformat() not in charted
    assert len(charted) <= 90
    for section_id in ("speed", "tokens-per-second"):
        table = section(page, section_id)
        assert f"<td>{recent.isoformat()}</td>" in table
        assert f"<td>{too_old.isoformat()}</td>" not in table
    assert "over the last 90 days measured" in section(page, "speed")
    # The summary still counts every sample, and the download still holds them all.
    download = client.get("/api/v1/models/long-tested/speed.csv")
    csv_rows = b"".join(download.streaming_content).decode().splitlines()
    assert len(csv_rows) == 1 + 95 * 6


def test_load_demo_measures_o4_mini_and_leaves_some_models_empty_and_is_idempotent(
    client,  # type: ignore[no-untyped-def]
) -> None:
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    runs = SpeedTestRun.objects.count()
    assert SpeedTestRun.objects.filter(is_simulated=False).count() == 0

    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert SpeedTestRun.objects.count() == runs
    page = client.get("/en/models/o4-mini/").content.decode()
    for title in SECTIONS:
        assert title in page
    for chart_id in CHART_IDS:
        assert f'id="{chart_id}"' in page
    assert "No measurements yet" not in page
    assert "simulated" in section(page, "last-test").lower()
    empty = client.get("/en/models/gpt-5/").content.decode()
    assert empty.count("no measurements yet") == 1
