"""Reads of speed figures for pages, the API and CSV; each function's query count is fixed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from models_catalog.models import Model
from tokonomix.core import flags
from tokonomix.core.flags import PRELIMINARY_BELOW

from .models import SpeedDaily, SpeedSample, SpeedSummary

__all__ = ["CHART_DAYS", "PRELIMINARY_BELOW", "ModelSpeed", "model_speed", "speed_badges"]


def speed_badges(summary: SpeedSummary | None, *, window: str = "30d") -> list[flags.Badge]:
    """A summary's flags (the one flags module's rules), for its 30-day or all-time figures."""
    if summary is None:
        return []
    ok = summary.ok_30d if window == "30d" else summary.ok_total
    return flags.speed_badges(is_simulated=summary.is_simulated, ok_samples=ok)


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
        return self.summary is not None and flags.is_preliminary(self.summary.ok_30d)

    @property
    def preliminary_all(self) -> bool:
        return self.summary is not None and flags.is_preliminary(self.summary.ok_total)

    @property
    def badges_30d(self) -> list[flags.Badge]:
        return speed_badges(self.summary)

    @property
    def badges_all(self) -> list[flags.Badge]:
        return speed_badges(self.summary, window="all")

    @property
    def last_run_badges(self) -> list[flags.Badge]:
        if self.summary is None:
            return []
        return flags.speed_badges(is_simulated=self.summary.last_run_is_simulated, ok_samples=None)

    @property
    def simulated_badges(self) -> list[flags.Badge]:
        """For figures no sample count makes preliminary (availability, charts)."""
        if self.summary is None:
            return []
        return flags.speed_badges(is_simulated=self.summary.is_simulated, ok_samples=None)

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
