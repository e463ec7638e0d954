"""Reads of speed figures for pages, the API and CSV; each function's query count is fixed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from models_catalog.models import Dispute, Model
from tokonomix.core import flags
from tokonomix.core.flags import PRELIMINARY_BELOW

from .models import SpeedBreakdown, SpeedDaily, SpeedFigures, SpeedSample
from .regions import ALL_REGIONS
from .stats import Estimate
from .workloads import DEFAULT_WORKLOAD

__all__ = ["CHART_DAYS", "PRELIMINARY_BELOW", "ModelSpeed", "model_speed", "speed_badges"]


def speed_badges(summary: SpeedFigures | None, *, window: str = "30d") -> list[flags.Badge]:
    """Figures' flags (the one flags module's rules), for their 30-day or all-time window."""
    if summary is None:
        return []
    ok = summary.ok_30d if window == "30d" else summary.ok_total
    return flags.speed_badges(is_simulated=summary.is_simulated, ok_samples=ok)


@dataclass(frozen=True)
class ModelSpeed:
    """A model's speed figures as one reader asked for them: a prober region (or all) and a
    workload. Every slice the model has is loaded, so choosing another costs nothing."""

    breakdowns: list[SpeedBreakdown] = field(default_factory=list)
    days: list[SpeedDaily] = field(default_factory=list)
    region: str = ALL_REGIONS
    workload: str = DEFAULT_WORKLOAD
    # The reader asked for a region or workload this model was not measured in (the
    # headline is shown instead).
    unavailable: bool = False

    def _slice(self, region: str, workload: str) -> SpeedBreakdown | None:
        return next(
            (
                b
                for b in self.breakdowns
                if b.offering_id is None and b.region == region and b.workload == workload
            ),
            None,
        )

    @cached_property
    def summary(self) -> SpeedFigures | None:
        """The headline: every region, the standard workload (what listings show)."""
        return self._slice(ALL_REGIONS, DEFAULT_WORKLOAD)

    @cached_property
    def figures(self) -> SpeedFigures | None:
        """The chosen region and workload."""
        return self._slice(self.region, self.workload)

    @cached_property
    def offerings(self) -> list[SpeedBreakdown]:
        """Each tested offering in the chosen view, when the model has several."""
        rows = [
            b
            for b in self.breakdowns
            if b.offering_id is not None and b.region == self.region and b.workload == self.workload
        ]
        return sorted(
            rows,
            key=lambda b: (b.offering.host.name, b.offering.source_key) if b.offering else ("", ""),
        )

    @property
    def regions(self) -> list[str]:
        """The prober regions the model was measured from."""
        return sorted({b.region for b in self.breakdowns} - {ALL_REGIONS})

    @property
    def workloads(self) -> list[str]:
        return sorted({b.workload for b in self.breakdowns})

    @property
    def has_data(self) -> bool:
        return self.figures is not None

    @property
    def is_simulated(self) -> bool:
        return self.figures is not None and self.figures.is_simulated

    @property
    def preliminary_30d(self) -> bool:
        return self.figures is not None and flags.is_preliminary(self.figures.ok_30d)

    @property
    def preliminary_all(self) -> bool:
        return self.figures is not None and flags.is_preliminary(self.figures.ok_total)

    @property
    def badges_30d(self) -> list[flags.Badge]:
        return speed_badges(self.figures)

    @property
    def badges_all(self) -> list[flags.Badge]:
        return speed_badges(self.figures, window="all")

    @property
    def last_run_badges(self) -> list[flags.Badge]:
        if self.figures is None:
            return []
        return flags.speed_badges(is_simulated=self.figures.last_run_is_simulated, ok_samples=None)

    @property
    def simulated_badges(self) -> list[flags.Badge]:
        """For figures no sample count makes preliminary (availability, charts)."""
        if self.figures is None:
            return []
        return flags.speed_badges(is_simulated=self.figures.is_simulated, ok_samples=None)

    def days_since(self, since: dt.date) -> list[SpeedDaily]:
        return [day for day in self.days if day.day >= since]


# The daily charts and their tables cover this many days up to the last measured day, so
# a page stays the same size however long a model has been tested; the downloads (CSV,
# JSON) hold every sample.
CHART_DAYS = 90


def model_speed(
    *,
    model: Model,
    region: str = ALL_REGIONS,
    workload: str = DEFAULT_WORKLOAD,
    chart_days: int = CHART_DAYS,
) -> ModelSpeed:
    """Every slice of the model's figures, and the chosen slice's daily rows of the last
    `chart_days` days: at most 2 queries. A slice the model lacks gives the headline's,
    marked `unavailable`."""
    breakdowns = list(
        SpeedBreakdown.objects.filter(model=model).select_related("last_run", "offering__host")
    )
    speed = ModelSpeed(breakdowns=breakdowns, region=region, workload=workload)
    unavailable = False
    if speed.figures is None and (region, workload) != (ALL_REGIONS, DEFAULT_WORKLOAD):
        unavailable = bool(breakdowns)
        region, workload = ALL_REGIONS, DEFAULT_WORKLOAD
        speed = ModelSpeed(
            breakdowns=breakdowns, region=region, workload=workload, unavailable=unavailable
        )
    figures = speed.figures
    if figures is None:
        return speed
    since = figures.window_end - dt.timedelta(days=chart_days - 1)
    days = list(
        SpeedDaily.objects.filter(
            model=model,
            region=region,
            workload=workload,
            is_simulated=figures.is_simulated,
            day__gte=since,
        ).order_by("day")
    )
    return ModelSpeed(
        breakdowns=breakdowns,
        days=days,
        region=region,
        workload=workload,
        unavailable=unavailable,
    )


def speed_samples(
    *,
    model: Model,
    days: int | None = None,
    region: str | None = None,
    workload: str | None = None,
) -> list[SpeedSample]:
    """The model's samples of finished runs, oldest first (optionally the last `days` days,
    one prober region, one workload)."""
    queryset = SpeedSample.objects.filter(model=model, run__status="completed")
    if days is not None:
        queryset = queryset.filter(started_at__gte=timezone.now() - dt.timedelta(days=days))
    if region is not None and region != ALL_REGIONS:
        queryset = queryset.filter(region=region)
    if workload is not None:
        queryset = queryset.filter(workload=workload)
    return list(queryset.order_by("started_at", "pk"))


def latency_samples(*, figures: Sequence[tuple[int, SpeedFigures]]) -> dict[int, list[float]]:
    """The end-to-end latencies behind each model's 30-day figures: its successful speed
    test requests of the standard workload, real or simulated as its figures are, since 30
    days before they were computed (as the aggregates count them); model id -> latencies.
    One query for any number of models."""
    if not figures:
        return {}
    windows = Q()
    for model_id, summary in figures:
        windows |= Q(
            model_id=model_id,
            is_simulated=summary.is_simulated,
            started_at__gte=summary.computed_at - dt.timedelta(days=30),
        )
    rows = (
        SpeedSample.objects.for_speed()
        .filter(windows, run__status="completed", status="ok", workload=DEFAULT_WORKLOAD)
        .exclude(latency_ms=None)
        .values_list("model_id", "latency_ms")
    )
    latencies: dict[int, list[float]] = {}
    for model_id, latency in rows:
        if latency is not None:  # excluded above; the column is nullable for failures
            latencies.setdefault(model_id, []).append(latency)
    return latencies


# sort key -> (column, the best is the largest)
BOARD_SORTS: dict[str, tuple[str, bool]] = {
    "latency": ("p50_latency_ms_30d", False),
    "ttft": ("p50_ttft_ms_30d", False),
    "tps": ("median_decode_tps_30d", True),
    "availability": ("availability_30d", True),
}


@dataclass(frozen=True)
class BoardRow:
    figures: SpeedBreakdown
    # Whether this row's sorted-by figure can be told apart from the row above's.
    distinguishable_from_previous: bool | None = None

    @property
    def model(self) -> Model:
        return self.figures.model

    @property
    def model_badges(self) -> list[flags.Badge]:
        """The same flags the leaderboard shows for the model."""
        model = self.model
        return flags.model_badges(
            deprecation_date=model.deprecation_date,
            deprecated_by_source=model.deprecated_by_source,
            retired_on=model.retired_on,
            is_disputed=bool(getattr(self.figures, "is_disputed", False)),
            today=timezone.localdate(),
        )

    @property
    def speed_badges(self) -> list[flags.Badge]:
        return speed_badges(self.figures)


def ties_with_previous(figures: Sequence[SpeedFigures | None], column: str) -> list[bool]:
    """For rows in their sorted order: whether each one's figure cannot be told apart from
    the row above's (both measured, and their 95% intervals overlap)."""
    ties = []
    previous: Estimate | None = None
    for row in figures:
        current = row.estimate(column) if row is not None else None
        ties.append(
            previous is not None
            and current is not None
            and previous.value is not None
            and current.value is not None
            and not current.distinguishable_from(previous)
        )
        previous = current
    return ties


def board_estimate(figures: SpeedFigures, sort: str) -> Estimate:
    return figures.estimate(BOARD_SORTS[sort][0])


def speed_board(
    *, region: str = ALL_REGIONS, workload: str = DEFAULT_WORKLOAD, sort: str = "latency"
) -> list[BoardRow]:
    """Published models measured in this region and workload, best first on the chosen
    30-day figure (models without it last); each row says whether its interval overlaps the
    row above's. One query."""
    column, descending = BOARD_SORTS[sort]
    order = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    queryset: QuerySet[SpeedBreakdown] = (
        SpeedBreakdown.objects.of_slice(region=region, workload=workload)
        .filter(model__is_published=True)
        .select_related("model__provider")
        .annotate(is_disputed=Exists(Dispute.objects.open().filter(model=OuterRef("model_id"))))
        .order_by(order, "model__name", "model_id")
    )
    rows = list(queryset)
    ties = ties_with_previous(rows, column)
    return [
        BoardRow(figures, distinguishable_from_previous=False if tie else None)
        for figures, tie in zip(rows, ties, strict=True)
    ]
