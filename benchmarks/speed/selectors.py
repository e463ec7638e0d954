"""Reads of speed figures for pages, the API and CSV; each function's query count is fixed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from models_catalog.models import Model

from .models import SpeedDaily, SpeedSample, SpeedSummary

# Below this many samples a figure is marked preliminary.
PRELIMINARY_BELOW = 20


@dataclass(frozen=True)
class ModelSpeed:
    summary: SpeedSummary | None
    days: list[SpeedDaily] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return self.summary is not None

    @property
    def is_simulated(self) -> bool:
        return self.summary is not None and self.summary.is_simulated

    @property
    def preliminary_30d(self) -> bool:
        return self.summary is not None and self.summary.ok_30d < PRELIMINARY_BELOW

    @property
    def preliminary_all(self) -> bool:
        return self.summary is not None and self.summary.ok_total < PRELIMINARY_BELOW

    def days_since(self, since: dt.date) -> list[SpeedDaily]:
        return [day for day in self.days if day.day >= since]


# The daily charts and their tables cover this many days up to the last measured day, so
# a page stays the same size however long a model has been tested; the downloads (CSV,
# JSON) hold every sample.
CHART_DAYS = 90


def model_speed(*, model: Model, chart_days: int = CHART_DAYS) -> ModelSpeed:
    """The summary row and its daily rows of the last `chart_days` days: at most 2 queries."""
    summary = SpeedSummary.objects.filter(model=model).select_related("last_run").first()
    if summary is None:
        return ModelSpeed(summary=None)
    since = summary.window_end - dt.timedelta(days=chart_days - 1)
    days = list(
        SpeedDaily.objects.filter(
            model=model, is_simulated=summary.is_simulated, day__gte=since
        ).order_by("day")
    )
    return ModelSpeed(summary=summary, days=days)


def speed_samples(*, model: Model, days: int | None = None) -> list[SpeedSample]:
    """The model's samples of finished runs, oldest first (optionally the last `days` days)."""
    queryset = SpeedSample.objects.filter(model=model, run__status="completed")
    if days is not None:
        queryset = queryset.filter(started_at__gte=timezone.now() - dt.timedelta(days=days))
    return list(queryset.order_by("started_at", "pk"))
