"""Rebuild a model's speed figures from its samples: per day, per window, per slice.

A slice is a prober region (or all of them), a workload and an offering (or every offering
of the model together; offerings get their own only when a model has several tested).
Every percentile is stored with its bootstrap interval and the number of values behind it
(stats.estimate), in the row's ``intervals``.

The whole rebuild is one transaction under a lock on the model row, so two runs of one
model finishing at once rebuild one after the other. After a run only the days it touched
are rebuilt (a day's figures depend on that day's samples alone); the windows and slices
are rebuilt whole. Rebuilding twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import transaction
from django.utils import timezone

from models_catalog.models import Model
from tokonomix.core.pagecache import pages_invalidate, row_invalidation_deferred

from .models import (
    SPEED_SOURCES,
    SpeedBreakdown,
    SpeedDaily,
    SpeedSample,
    SpeedSummary,
    SpeedTestRun,
)
from .regions import ALL_REGIONS
from .stats import estimate
from .streaming import SampleStatus
from .workloads import DEFAULT_WORKLOAD


@dataclass(frozen=True, slots=True)
class _Row:
    run_id: int
    started_at: dt.datetime
    status: str
    source: str
    is_simulated: bool
    region: str
    workload: str
    offering_id: int | None
    latency_ms: float | None
    ttft_ms: float | None
    ttfat_ms: float | None
    decode_tps: float | None
    e2e_tps: float | None
    reasoning_tokens: int | None
    input_tokens: int | None

    @property
    def ok(self) -> bool:
        return self.status == SampleStatus.OK

    @property
    def counts_for_speed(self) -> bool:
        return self.ok and self.source in SPEED_SOURCES


_COLUMNS = (
    "run_id",
    "started_at",
    "status",
    "source",
    "is_simulated",
    "region",
    "workload",
    "run__offering_id",
    "latency_ms",
    "ttft_ms",
    "ttfat_ms",
    "decode_tokens_per_second",
    "e2e_tokens_per_second",
    "reasoning_tokens",
    "input_tokens",
)

# column -> (sample attribute, percentile): what each kind of row stores.
WINDOW_FIGURES: dict[str, tuple[str, float]] = {
    "p50_latency_ms": ("latency_ms", 0.5),
    "p95_latency_ms": ("latency_ms", 0.95),
    "p50_ttft_ms": ("ttft_ms", 0.5),
    "p95_ttft_ms": ("ttft_ms", 0.95),
    "p50_ttfat_ms": ("ttfat_ms", 0.5),
    "p95_ttfat_ms": ("ttfat_ms", 0.95),
    "median_decode_tps": ("decode_tps", 0.5),
    "median_e2e_tps": ("e2e_tps", 0.5),
    "median_reasoning_tokens": ("reasoning_tokens", 0.5),
    "median_input_tokens": ("input_tokens", 0.5),
}
DAILY_FIGURES: dict[str, tuple[str, float]] = {
    name: WINDOW_FIGURES[name]
    for name in (
        "p50_latency_ms",
        "p95_latency_ms",
        "p50_ttft_ms",
        "p95_ttft_ms",
        "p50_ttfat_ms",
        "median_decode_tps",
        "median_e2e_tps",
        "median_reasoning_tokens",
    )
}
LAST_RUN_FIGURES: dict[str, tuple[str, float]] = {
    "last_run_p50_latency_ms": ("latency_ms", 0.5),
    "last_run_p95_latency_ms": ("latency_ms", 0.95),
    "last_run_p50_ttft_ms": ("ttft_ms", 0.5),
}


def _figures(
    rows: Sequence[_Row], spec: dict[str, tuple[str, float]], suffix: str = ""
) -> tuple[dict[str, float | None], dict[str, list[float | int | None]]]:
    """The figures of `spec` over the rows that count for speed, and their intervals."""
    speed = [r for r in rows if r.counts_for_speed]
    columns: dict[str, list[float]] = {}
    values: dict[str, float | None] = {}
    intervals: dict[str, list[float | int | None]] = {}
    for name, (attribute, fraction) in spec.items():
        if attribute not in columns:
            columns[attribute] = [
                float(v) for r in speed if (v := getattr(r, attribute)) is not None
            ]
        result = estimate(columns[attribute], fraction)
        values[name + suffix] = result.value
        if result.n:
            intervals[name + suffix] = [result.low, result.high, result.n]
    return values, intervals


def _availability(rows: Sequence[_Row]) -> float | None:
    return sum(1 for r in rows if r.ok) / len(rows) if rows else None


def _load(model_id: int) -> list[_Row]:
    return [
        _Row(*values)
        for values in SpeedSample.objects.filter(
            model_id=model_id, run__status=SpeedTestRun.Status.COMPLETED
        )
        .order_by("started_at", "pk")
        .values_list(*_COLUMNS)
    ]


def _day(row: _Row) -> dt.date:
    return row.started_at.astimezone(UTC).date()


def speed_aggregates_recompute(
    *,
    model_id: int,
    now: dt.datetime | None = None,
    days: Iterable[dt.date] | None = None,
) -> SpeedSummary | None:
    """Rebuild a model's daily rows, breakdowns and summary from its finished runs' samples.

    `days`: only these days' daily rows are rebuilt (those a finished run touched); every
    day when None, or when the model's figures switch between simulated and real.
    """
    now = now or timezone.now()
    with transaction.atomic(), row_invalidation_deferred():
        # Serialises recomputes of one model (two targets finishing at once).
        list(Model.objects.select_for_update().filter(pk=model_id).values_list("pk", flat=True))
        # Pages showing this model's speed are dropped (again once this transaction commits).
        pages_invalidate()
        all_rows = _load(model_id)
        # Real measurements win; simulated ones are only used when there are no real ones.
        simulated = not any(not r.is_simulated for r in all_rows)
        rows = [r for r in all_rows if r.is_simulated == simulated]
        if not rows:
            SpeedDaily.objects.filter(model_id=model_id).delete()
            SpeedBreakdown.objects.filter(model_id=model_id).delete()
            SpeedSummary.objects.filter(model_id=model_id).delete()
            return None

        regions = [ALL_REGIONS, *sorted({r.region for r in rows})]
        workloads = sorted({DEFAULT_WORKLOAD} | {r.workload for r in rows if r.workload})
        _rebuild_days(model_id, rows, regions, workloads, simulated=simulated, days=days)

        offerings = sorted({r.offering_id for r in rows if r.offering_id is not None})
        per_offering: list[int | None] = [None, *offerings] if len(offerings) > 1 else [None]
        breakdowns = [
            SpeedBreakdown(
                model_id=model_id,
                offering_id=offering,
                region=region,
                workload=workload,
                **_window_fields(
                    [
                        r
                        for r in rows
                        if (region == ALL_REGIONS or r.region == region)
                        and (offering is None or r.offering_id == offering)
                    ],
                    workload=workload,
                    now=now,
                    simulated=simulated,
                ),
            )
            for offering in per_offering
            for region in regions
            for workload in workloads
        ]
        SpeedBreakdown.objects.filter(model_id=model_id).delete()
        SpeedBreakdown.objects.bulk_create(breakdowns)
        headline = next(
            b
            for b in breakdowns
            if b.offering_id is None and b.region == ALL_REGIONS and b.workload == DEFAULT_WORKLOAD
        )
        defaults = {
            field.attname: getattr(headline, field.attname)
            for field in SpeedSummary._meta.concrete_fields
            if not field.primary_key
        }
        summary, _created = SpeedSummary.objects.update_or_create(
            model_id=model_id, defaults=defaults
        )
        return summary


def _window_fields(
    rows: Sequence[_Row], *, workload: str, now: dt.datetime, simulated: bool
) -> dict[str, Any]:
    """A slice's figures: `rows` are its samples of every workload and source (availability
    counts them all), of which those of `workload` give the speed figures."""
    speed_rows = [r for r in rows if r.workload == workload and r.source in SPEED_SOURCES]
    rows_30d = [r for r in rows if r.started_at >= now - dt.timedelta(days=30)]
    rows_7d = [r for r in rows_30d if r.started_at >= now - dt.timedelta(days=7)]
    speed_30d = [r for r in speed_rows if r.started_at >= now - dt.timedelta(days=30)]
    all_time, intervals = _figures(speed_rows, WINDOW_FIGURES)
    recent, recent_intervals = _figures(speed_30d, WINDOW_FIGURES, suffix="_30d")
    last_run_id = speed_rows[-1].run_id if speed_rows else None
    last = [r for r in speed_rows if r.run_id == last_run_id]
    last_figures, last_intervals = _figures(last, LAST_RUN_FIGURES)
    return {
        "is_simulated": simulated,
        "computed_at": now,
        "window_end": now.astimezone(UTC).date(),
        "first_sample_at": rows[0].started_at if rows else None,
        "last_sample_at": rows[-1].started_at if rows else None,
        "samples_total": len(speed_rows),
        "errors_total": sum(1 for r in speed_rows if not r.ok),
        "ok_total": sum(1 for r in speed_rows if r.ok),
        **all_time,
        "samples_30d": len(speed_30d),
        "ok_30d": sum(1 for r in speed_30d if r.ok),
        **recent,
        "availability_7d": _availability(rows_7d),
        "availability_30d": _availability(rows_30d),
        "availability_samples_30d": len(rows_30d),
        "last_run_id": last_run_id,
        "last_run_at": last[0].started_at if last else None,
        **last_figures,
        "last_run_errors": sum(1 for r in last if not r.ok),
        "last_run_samples": len(last),
        "last_run_is_simulated": simulated,
        "intervals": {**intervals, **recent_intervals, **last_intervals},
    }


def _rebuild_days(
    model_id: int,
    rows: Sequence[_Row],
    regions: Sequence[str],
    workloads: Sequence[str],
    *,
    simulated: bool,
    days: Iterable[dt.date] | None,
) -> None:
    existing = SpeedDaily.objects.filter(model_id=model_id)
    wanted = None if days is None else set(days)
    if wanted is not None and existing.exclude(is_simulated=simulated).exists():
        wanted = None  # the first real sample replaces the simulated days: rebuild them all
    if wanted is None:
        existing.delete()
    else:
        existing.filter(day__in=wanted).delete()
    by_day: dict[dt.date, list[_Row]] = defaultdict(list)
    for row in rows:
        day = _day(row)
        if wanted is None or day in wanted:
            by_day[day].append(row)
    daily = []
    for day, day_rows in sorted(by_day.items()):
        for region in regions:
            in_region = [r for r in day_rows if region == ALL_REGIONS or r.region == region]
            if not in_region:
                continue
            for workload in workloads:
                speed = [r for r in in_region if r.workload == workload]
                values, intervals = _figures(speed, DAILY_FIGURES)
                daily.append(
                    SpeedDaily(
                        model_id=model_id,
                        day=day,
                        region=region,
                        workload=workload,
                        is_simulated=simulated,
                        ok_samples=sum(1 for r in in_region if r.ok),
                        failed_samples=sum(1 for r in in_region if not r.ok),
                        speed_samples=sum(1 for r in speed if r.counts_for_speed),
                        intervals=intervals,
                        **values,
                    )
                )
    SpeedDaily.objects.bulk_create(daily)
