"""The figures derived from a model's samples: per day, and per window and slice (a prober
region or all, a workload, an offering or all), each percentile with its bootstrap
interval. Derived data, rebuilt whole by aggregates.speed_aggregates_recompute."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from models_catalog.models import Model, Offering

from .regions import ALL_REGIONS
from .stats import Estimate
from .workloads import DEFAULT_WORKLOAD


class WithIntervals(models.Model):
    """Figures stored as columns, with their bootstrap intervals beside them.

    ``intervals`` maps a figure's column to [low, high, n]: its 95% interval and the number
    of values behind it (benchmarks.speed.stats).
    """

    intervals = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def estimate(self, name: str) -> Estimate:
        low, high, n = (self.intervals or {}).get(name) or (None, None, 0)
        return Estimate(value=getattr(self, name), low=low, high=high, n=n)


class SpeedDaily(WithIntervals):
    """One model's figures for one UTC day, prober region (or all) and workload."""

    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="speed_days")
    day = models.DateField()
    region = models.CharField(max_length=40, default=ALL_REGIONS)
    workload = models.CharField(max_length=20, default=DEFAULT_WORKLOAD)
    is_simulated = models.BooleanField(default=False)
    # Availability: every sample of a finished run, whatever its source and workload.
    ok_samples = models.PositiveIntegerField(default=0)
    failed_samples = models.PositiveIntegerField(default=0)
    # Speed: ok samples of scheduled and manual tests.
    speed_samples = models.PositiveIntegerField(default=0)
    p50_latency_ms = models.FloatField(null=True)
    p95_latency_ms = models.FloatField(null=True)
    p50_ttft_ms = models.FloatField(null=True)
    p95_ttft_ms = models.FloatField(null=True)
    p50_ttfat_ms = models.FloatField(null=True)
    median_decode_tps = models.FloatField(null=True)
    median_e2e_tps = models.FloatField(null=True)
    median_reasoning_tokens = models.FloatField(null=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("daily speed figures")
        verbose_name_plural = _("daily speed figures")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "region", "workload", "is_simulated", "day"],
                name="one_speed_day_per_slice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_id} {self.day} {self.region} {self.workload}"

    @property
    def availability(self) -> float | None:
        total = self.ok_samples + self.failed_samples
        return self.ok_samples / total if total else None


class SpeedFigures(WithIntervals):
    """The figures of a model (or one slice of it) over 30 days, 7 days and all time.

    When a model has real measurements the figures come from those only; otherwise from
    simulated ones, and ``is_simulated`` says so. Real and simulated are never mixed.
    """

    is_simulated = models.BooleanField(default=False)
    computed_at = models.DateTimeField()
    window_end = models.DateField(help_text=_("The 30- and 7-day windows end on this day."))
    first_sample_at = models.DateTimeField(null=True)
    last_sample_at = models.DateTimeField(null=True)
    # All time.
    samples_total = models.PositiveIntegerField(default=0)
    errors_total = models.PositiveIntegerField(default=0)
    ok_total = models.PositiveIntegerField(default=0)
    p50_latency_ms = models.FloatField(null=True)
    p95_latency_ms = models.FloatField(null=True)
    p50_ttft_ms = models.FloatField(null=True)
    p95_ttft_ms = models.FloatField(null=True)
    p50_ttfat_ms = models.FloatField(null=True)
    p95_ttfat_ms = models.FloatField(null=True)
    median_decode_tps = models.FloatField(null=True)
    median_e2e_tps = models.FloatField(null=True)
    median_reasoning_tokens = models.FloatField(null=True)
    median_input_tokens = models.FloatField(null=True)
    # The last 30 days to window_end.
    samples_30d = models.PositiveIntegerField(default=0)
    ok_30d = models.PositiveIntegerField(default=0)
    p50_latency_ms_30d = models.FloatField(null=True)
    p95_latency_ms_30d = models.FloatField(null=True)
    p50_ttft_ms_30d = models.FloatField(null=True)
    p95_ttft_ms_30d = models.FloatField(null=True)
    p50_ttfat_ms_30d = models.FloatField(null=True)
    p95_ttfat_ms_30d = models.FloatField(null=True)
    median_decode_tps_30d = models.FloatField(null=True)
    median_e2e_tps_30d = models.FloatField(null=True)
    median_reasoning_tokens_30d = models.FloatField(null=True)
    median_input_tokens_30d = models.FloatField(null=True)
    # Availability, ok / (ok + failed) over every finished run's samples (every workload).
    availability_7d = models.FloatField(null=True)
    availability_30d = models.FloatField(null=True)
    availability_samples_30d = models.PositiveIntegerField(default=0)
    # The last completed scheduled or manual test.
    last_run = models.ForeignKey(
        "benchmarks.SpeedTestRun", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_run_at = models.DateTimeField(null=True)
    last_run_p50_latency_ms = models.FloatField(null=True)
    last_run_p95_latency_ms = models.FloatField(null=True)
    last_run_p50_ttft_ms = models.FloatField(null=True)
    last_run_errors = models.PositiveSmallIntegerField(default=0)
    last_run_samples = models.PositiveSmallIntegerField(default=0)
    last_run_is_simulated = models.BooleanField(default=False)

    class Meta:
        abstract = True


class SpeedSummary(SpeedFigures):
    """A model's headline figures: every region, the standard workload, every offering.

    One row per model, joined by the listings (leaderboards, compare, downloads); the same
    figures as its SpeedBreakdown of that slice.
    """

    # What listings of many models (leaderboards, compare, downloads) show of it.
    LISTING_FIELDS = frozenset(
        {
            "is_simulated",
            "computed_at",  # the window's start (compare's latency distributions)
            "window_end",
            "last_sample_at",
            "ok_30d",
            "p50_latency_ms_30d",
            "p95_latency_ms_30d",
            "p50_ttft_ms_30d",
            "p50_ttfat_ms_30d",
            "median_decode_tps_30d",
            "median_reasoning_tokens_30d",
            "availability_30d",
            "intervals",
        }
    )

    model = models.OneToOneField(
        Model, on_delete=models.CASCADE, primary_key=True, related_name="speed_summary"
    )

    class Meta:
        verbose_name = _("speed summary")
        verbose_name_plural = _("speed summaries")

    def __str__(self) -> str:
        return f"{self.model_id} speed summary"


class SpeedBreakdownQuerySet(models.QuerySet["SpeedBreakdown"]):
    def of_slice(self, *, region: str, workload: str) -> SpeedBreakdownQuerySet:
        """Every offering together, for one region (or all) and one workload."""
        return self.filter(offering__isnull=True, region=region, workload=workload)


class SpeedBreakdown(SpeedFigures):
    """A model's figures for one prober region (or all), one workload and one offering (or
    every offering together): the model page's region and workload views, its
    per-provider comparison and the speed leaderboard's region views."""

    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="speed_breakdowns")
    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = models.CharField(max_length=40, default=ALL_REGIONS)
    workload = models.CharField(max_length=20, default=DEFAULT_WORKLOAD)

    objects = SpeedBreakdownQuerySet.as_manager()

    class Meta:
        verbose_name = _("speed breakdown")
        verbose_name_plural = _("speed breakdowns")
        indexes = [
            models.Index(fields=["region", "workload"], name="speedbreakdown_slice"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "region", "workload"],
                condition=Q(offering__isnull=True),
                name="one_breakdown_per_slice",
            ),
            models.UniqueConstraint(
                fields=["model", "offering", "region", "workload"],
                condition=Q(offering__isnull=False),
                name="one_breakdown_per_offering_slice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_id} {self.region} {self.workload} {self.offering_id or 'all'}"
