"""Aggregates: percentiles, windows, availability, and what never counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.models import SpeedDaily, SpeedSummary, SpeedTestRun
from benchmarks.speed.services import speed_aggregates_recompute
from benchmarks.speed.stats import percentile
from tests import factories

from .conftest import recorded_run

pytestmark = pytest.mark.django_db


def days_ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def ok(latency_ms: float, *, at: dt.datetime | None = None, **extra: float) -> dict[str, object]:
    return {"started_at": at or days_ago(1), "latency_ms": latency_ms, **extra}


def failed(status: str = "server_error", *, at: dt.datetime | None = None) -> dict[str, object]:
    return {"started_at": at or days_ago(1), "status": status, "error": "HTTP 500: oops"}


# --- the percentile definition ------------------------------------------------------------


def test_percentiles_interpolate_linearly_between_closest_ranks() -> None:
    values = [10.0, 20.0, 30.0, 40.0]

    assert percentile(values, 0.5) == 25.0
    assert percentile(values, 0.95) == pytest.approx(38.5)
    assert percentile([7.0], 0.95) == 7.0
    assert percentile([], 0.5) is None


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=50))
def test_a_percentile_lies_between_the_smallest_and_largest_value(values: list[float]) -> None:
    p50 = percentile(values, 0.5)
    p95 = percentile(values, 0.95)
    assert p50 is not None and p95 is not None
    assert min(values) <= p50 <= p95 <= max(values) + 1e-9


# --- the summary -------------------------------------------------------------------------


def test_the_summary_has_p50_and_p95_over_30_days_and_all_time_with_counts() -> None:
    model = factories.model()
    recorded_run(model, [ok(v, at=days_ago(60)) for v in (5000.0, 6000.0)])
    recorded_run(model, [ok(v, at=days_ago(2)) for v in (100.0, 200.0, 300.0, 400.0)] + [failed()])

    summary = SpeedSummary.objects.get(model=model)

    assert summary.samples_30d == 5
    assert summary.ok_30d == 4
    assert summary.p50_latency_ms_30d == 250.0
    assert summary.p95_latency_ms_30d == pytest.approx(385.0)
    assert summary.p50_ttft_ms_30d == 62.5
    assert summary.samples_total == 7
    assert summary.errors_total == 1
    assert summary.ok_total == 6
    assert summary.p50_latency_ms == 350.0
    assert summary.p95_latency_ms == pytest.approx(5750.0)
    assert summary.window_end == timezone.now().date()
    assert summary.is_simulated is False


def test_the_last_test_reports_its_percentiles_and_errors_out_of_its_samples() -> None:
    model = factories.model()
    recorded_run(model, [ok(900.0, at=days_ago(8))])
    run = recorded_run(model, [ok(100.0, at=days_ago(1)), ok(300.0, at=days_ago(1)), failed()])

    summary = SpeedSummary.objects.get(model=model)

    assert summary.last_run_id == run.pk
    assert summary.last_run_p50_latency_ms == 200.0
    assert summary.last_run_errors == 1
    assert summary.last_run_samples == 3


def test_decode_speed_is_kept_per_day_for_the_chart() -> None:
    model = factories.model()
    recorded_run(model, [ok(100.0, at=days_ago(3), decode_tokens_per_second=50.0)])
    recorded_run(
        model,
        [
            ok(100.0, at=days_ago(1), decode_tokens_per_second=70.0),
            ok(100.0, at=days_ago(1), decode_tokens_per_second=90.0),
        ],
    )

    days = list(SpeedDaily.objects.filter(model=model, region="all").order_by("day"))

    assert [d.median_decode_tps for d in days] == [50.0, 80.0]
    assert SpeedSummary.objects.get(model=model).median_decode_tps == 70.0


def test_recomputing_twice_changes_nothing() -> None:
    model = factories.model()
    recorded_run(model, [ok(100.0), failed()])
    before = list(SpeedDaily.objects.filter(model=model).values())
    summary_before = SpeedSummary.objects.filter(model=model).values().get()

    speed_aggregates_recompute(model_id=model.pk, now=summary_before["computed_at"])

    assert list(SpeedDaily.objects.filter(model=model).values("day", "ok_samples")) == [
        {"day": row["day"], "ok_samples": row["ok_samples"]} for row in before
    ]
    summary_after = SpeedSummary.objects.filter(model=model).values().get()
    assert summary_after == summary_before


def test_real_measurements_are_never_mixed_with_simulated_ones() -> None:
    model = factories.model()
    recorded_run(model, [ok(10.0)], is_simulated=True)
    assert SpeedSummary.objects.get(model=model).is_simulated is True

    recorded_run(model, [ok(1000.0)], is_simulated=False)

    summary = SpeedSummary.objects.get(model=model)
    assert summary.is_simulated is False
    assert summary.p50_latency_ms == 1000.0
    assert summary.samples_total == 1
    assert not SpeedDaily.objects.filter(model=model, is_simulated=True).exists()


def test_testbench_samples_count_for_availability_but_not_for_speed() -> None:
    model = factories.model()
    recorded_run(model, [ok(100.0)])
    recorded_run(model, [ok(99999.0), failed()], source="testbench")

    summary = SpeedSummary.objects.get(model=model)

    assert summary.samples_total == 1
    assert summary.p95_latency_ms == 100.0
    assert summary.availability_30d == pytest.approx(2 / 3)


def test_samples_of_unfinished_or_failed_runs_never_reach_an_aggregate() -> None:
    model = factories.model()
    recorded_run(model, [ok(100.0)])
    recorded_run(model, [ok(5000.0)], status="running")
    recorded_run(model, [ok(5000.0)], status="failed")

    assert SpeedSummary.objects.get(model=model).samples_total == 1


# --- availability -------------------------------------------------------------------------


def test_availability_is_ok_over_ok_plus_failed_per_day_and_over_7_and_30_days() -> None:
    model = factories.model()
    recorded_run(model, [ok(100.0, at=days_ago(20)), failed(at=days_ago(20))])
    recorded_run(model, [ok(100.0, at=days_ago(2)), ok(100.0, at=days_ago(2))])

    summary = SpeedSummary.objects.get(model=model)
    days = {d.day: d.availability for d in SpeedDaily.objects.filter(model=model)}

    assert summary.availability_7d == 1.0
    assert summary.availability_30d == 0.75
    assert sorted(v for v in days.values() if v is not None) == [0.5, 1.0]
    assert None not in days.values()


def test_skipped_runs_do_not_count_toward_availability() -> None:
    model = factories.model()
    recorded_run(model, [ok(100.0), ok(100.0)])
    for _ in range(3):
        recorded_run(model, [], status="skipped")

    summary = SpeedSummary.objects.get(model=model)

    assert summary.availability_30d == 1.0
    assert summary.availability_samples_30d == 2
    assert SpeedTestRun.objects.filter(model=model, status="skipped").count() == 3


def test_a_model_without_samples_has_no_summary() -> None:
    model = factories.model()
    recorded_run(model, [], status="skipped")

    assert not SpeedSummary.objects.filter(model=model).exists()
    assert not SpeedDaily.objects.filter(model=model).exists()


def test_the_rebuild_command_gives_copied_figures_their_intervals() -> None:
    from io import StringIO

    from django.core.management import call_command

    from benchmarks.models import SpeedBreakdown

    model = factories.model(slug="rebuilt")
    recorded_run(model, [ok(100.0), ok(200.0), ok(300.0)])
    # As the migration left figures from before intervals existed.
    SpeedBreakdown.objects.filter(model=model).update(intervals={})
    SpeedSummary.objects.filter(model=model).update(intervals={})
    out = StringIO()

    call_command("rebuild_speed_aggregates", "--model", "rebuilt", stdout=out)

    assert "Rebuilt the speed figures of 1 model(s)." in out.getvalue()
    summary = SpeedSummary.objects.get(model=model)
    assert summary.estimate("p50_latency_ms_30d").n == 3
    headline = SpeedBreakdown.objects.get(model=model, region="all", offering__isnull=True)
    assert headline.intervals == summary.intervals
