"""Speed tests: what to test (targets), each test (runs), each request (samples).

The figures derived from them (SpeedDaily, SpeedSummary, SpeedBreakdown) are in figures.py:
rebuilt, in the same transaction that stores a finished run's samples, by
aggregates.speed_aggregates_recompute, so a page reads a fixed, small number of rows
whatever the history.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from models_catalog.models import Model, Offering

from .presets import HostPreset
from .prompts import PromptSet
from .regions import DEFAULT_REGION
from .streaming import SampleResult, SampleStatus
from .workloads import DEFAULT_WORKLOAD, WORKLOADS, WorkloadCode

MAX_SAMPLES_PER_TEST = 50
MAX_OUTPUT_TOKENS = 8192

env_var_name_validator = RegexValidator(
    r"^[A-Z_][A-Z0-9_]*\Z",
    _("The NAME of an environment variable (capitals, digits, underscores), never the key."),
)


def validate_endpoint_url(value: str) -> None:
    """Credentials never go in a URL: it is stored, logged and shown in the admin."""
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError(_("Use an http:// or https:// URL."))
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValidationError(
            _("No user, password, query or fragment: keys come from an environment variable.")
        )


def default_workloads() -> list[str]:
    return [DEFAULT_WORKLOAD]


def validate_workloads(value: object) -> None:
    if (
        not isinstance(value, list)
        or not value
        or any(code not in WORKLOADS for code in value)
        or len(set(value)) != len(value)
    ):
        raise ValidationError(
            _("Pick one or more of: %(codes)s."), params={"codes": ", ".join(WORKLOADS)}
        )


class OutputLimit(models.TextChoices):
    MAX_TOKENS = "max_tokens", "max_tokens"
    MAX_COMPLETION_TOKENS = "max_completion_tokens", "max_completion_tokens"


class SampleSource(models.TextChoices):
    """Why a request was made. Speed statistics use SPEED_SOURCES; availability uses all."""

    SCHEDULED = "scheduled", _("Scheduled test")
    MANUAL = "manual", _("Manual test (run_speedtests)")
    TESTBENCH = "testbench", _("Reader's testbench request")


SPEED_SOURCES: tuple[str, ...] = (SampleSource.SCHEDULED, SampleSource.MANUAL)


class SampleStatusChoices(models.TextChoices):
    """The statuses of benchmarks.streaming.SampleStatus, for the database and forms."""

    OK = SampleStatus.OK.value, _("OK")
    TIMEOUT = SampleStatus.TIMEOUT.value, _("Timeout")
    RATE_LIMITED = SampleStatus.RATE_LIMITED.value, _("Rate limited")
    SERVER_ERROR = SampleStatus.SERVER_ERROR.value, _("Server error")
    AUTH_ERROR = SampleStatus.AUTH_ERROR.value, _("Authentication error")
    BAD_RESPONSE = SampleStatus.BAD_RESPONSE.value, _("Bad response")
    CONNECTION_ERROR = SampleStatus.CONNECTION_ERROR.value, _("Connection error")


class SpeedTarget(models.Model):
    """An offering's OpenAI-compatible endpoint, tested on the schedule."""

    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, related_name="speed_targets", verbose_name=_("offering")
    )
    preset = models.CharField(
        _("host preset"),
        max_length=20,
        choices=HostPreset.choices,
        blank=True,
        help_text=_("Fills the base URL and key variable when they are left empty."),
    )
    base_url = models.CharField(
        _("base URL"),
        max_length=300,
        blank=True,
        validators=[validate_endpoint_url],
        help_text=_("The OpenAI-compatible API root, e.g. https://api.openai.com/v1"),
    )
    api_model = models.CharField(
        _("API model name"), max_length=200, help_text=_("The model name the API expects.")
    )
    api_key_env = models.CharField(
        _("API key variable"),
        max_length=100,
        blank=True,
        validators=[env_var_name_validator],
        help_text=_(
            "The NAME of the environment variable holding the key (e.g. OPENAI_API_KEY); "
            "empty when the server needs no key. A target whose variable is unset is skipped."
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    samples_per_test = models.PositiveSmallIntegerField(
        _("samples per test"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SAMPLES_PER_TEST)],
    )
    max_output_tokens = models.PositiveIntegerField(
        _("maximum output tokens"),
        default=200,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OUTPUT_TOKENS)],
    )
    prompt_set = models.CharField(
        _("prompt set"),
        max_length=20,
        choices=PromptSet.choices,
        default=PromptSet.STANDARD,
        help_text=_("The prompt of the standard workload."),
    )
    workloads = models.JSONField(
        _("workloads"),
        default=default_workloads,
        validators=[validate_workloads],
        help_text=_(
            "Each is tested SPEEDTEST_RUNS_PER_DAY times a day from every region; the standard "
            "workload is what listings show."
        ),
    )
    output_limit_param = models.CharField(
        _("output limit parameter"),
        max_length=24,
        choices=OutputLimit.choices,
        default=OutputLimit.MAX_TOKENS,
        help_text=_("OpenAI's reasoning models accept only max_completion_tokens."),
    )
    is_simulated = models.BooleanField(
        _("simulated"),
        default=False,
        help_text=_("The endpoint is the Tokonomix simulator: pages label its figures simulated."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["offering__source_key", "api_model"]
        verbose_name = _("speed-test target")
        verbose_name_plural = _("speed-test targets")
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "base_url", "api_model"], name="one_target_per_endpoint_model"
            ),
            models.CheckConstraint(
                condition=Q(samples_per_test__gte=1, samples_per_test__lte=MAX_SAMPLES_PER_TEST),
                name="speed_target_samples_in_range",
            ),
            models.CheckConstraint(
                condition=Q(max_output_tokens__gte=1, max_output_tokens__lte=MAX_OUTPUT_TOKENS),
                name="speed_target_max_output_in_range",
            ),
            models.CheckConstraint(condition=~Q(base_url=""), name="speed_target_has_base_url"),
        ]

    def __str__(self) -> str:
        return f"{self.api_model} @ {self.base_url}"


class SpeedTestRun(models.Model):
    """One test: a warm-up, then N streamed requests one after another."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    target = models.ForeignKey(
        SpeedTarget,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
        help_text=_("Empty for a one-off test of an endpoint (run_speedtests --base-url)."),
    )
    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="speed_runs")
    # The target's offering when the run was made (a target may later change offering).
    offering = models.ForeignKey(
        Offering, on_delete=models.SET_NULL, null=True, blank=True, related_name="speed_runs"
    )
    source = models.CharField(
        max_length=16, choices=SampleSource.choices, default=SampleSource.SCHEDULED
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    queued_for = models.CharField(
        _("queued for region"),
        max_length=40,
        blank=True,
        help_text=_(
            "The prober region whose queue (speedtests.<region>) the run was sent to; empty: "
            "the default queue, for whichever prober takes it."
        ),
    )
    region = models.CharField(
        _("prober region"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("Where it was measured from: the region of the worker that took it."),
    )
    workload = models.CharField(
        max_length=20,
        choices=WorkloadCode.choices,
        default=DEFAULT_WORKLOAD,
        blank=True,
        help_text=_("Empty for a reader's testbench request (their own prompt)."),
    )
    scheduled_for = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("The jittered time the schedule chose; empty when manual."),
    )
    cost_usd = models.DecimalField(
        _("cost (USD)"),
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_(
            "What it may cost while it runs, then what it cost: counted against its key's "
            "monthly budget."
        ),
    )
    # What was measured, copied at creation so a run stays traceable if the target changes.
    base_url = models.CharField(_("measured against"), max_length=300)
    api_model = models.CharField(_("API model name"), max_length=200)
    api_key_env = models.CharField(_("API key variable"), max_length=100, blank=True)
    is_simulated = models.BooleanField(_("simulated"), default=False)
    samples_requested = models.PositiveSmallIntegerField(default=6)
    max_output_tokens = models.PositiveIntegerField(default=200)
    prompt_set = models.CharField(max_length=20, choices=PromptSet.choices)
    output_limit_param = models.CharField(
        max_length=24, choices=OutputLimit.choices, default=OutputLimit.MAX_TOKENS
    )
    attempt = models.PositiveSmallIntegerField(default=0, help_text=_("Starts counted from 1."))
    reason = models.TextField(_("skip or failure reason"), blank=True)
    ok_samples = models.PositiveSmallIntegerField(default=0)
    error_samples = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("speed-test run")
        verbose_name_plural = _("speed-test runs")
        indexes = [
            models.Index(fields=["status", "created_at"], name="speedrun_status_created"),
            models.Index(fields=["api_key_env", "started_at"], name="speedrun_key_started"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="skipped") | ~Q(reason=""), name="skipped_run_has_reason"
            ),
            # Once per target, region, workload and scheduled time, however often it is sent.
            models.UniqueConstraint(
                fields=["target", "queued_for", "workload", "scheduled_for"],
                condition=Q(scheduled_for__isnull=False),
                name="one_scheduled_run_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running"]) | Q(finished_at__isnull=False),
                name="finished_run_has_finish_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.api_model} {self.created_at:%Y-%m-%d %H:%M} {self.status}"


class SpeedSampleQuerySet(models.QuerySet["SpeedSample"]):
    def for_speed(self) -> SpeedSampleQuerySet:
        """Samples that count toward the speed statistics (not the testbench)."""
        return self.filter(source__in=SPEED_SOURCES)


class SpeedSample(models.Model):
    """One timed request. Figures are only set on ok samples (a DB constraint says so)."""

    run = models.ForeignKey(SpeedTestRun, on_delete=models.CASCADE, related_name="samples")
    # Denormalised from the run, for the per-model queries.
    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="speed_samples")
    source = models.CharField(max_length=16, choices=SampleSource.choices)
    is_simulated = models.BooleanField(default=False)
    region = models.CharField(_("prober region"), max_length=40, default=DEFAULT_REGION)
    workload = models.CharField(max_length=20, default=DEFAULT_WORKLOAD, blank=True)
    index = models.PositiveSmallIntegerField(help_text=_("Position in its run, from 0."))
    started_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=SampleStatusChoices.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    ttft_ms = models.FloatField(_("time to first token (ms)"), null=True, blank=True)
    ttfat_ms = models.FloatField(_("time to first answer token (ms)"), null=True, blank=True)
    latency_ms = models.FloatField(_("end-to-end latency (ms)"), null=True, blank=True)
    output_tokens = models.PositiveIntegerField(null=True, blank=True)
    reasoning_tokens = models.PositiveIntegerField(null=True, blank=True)
    input_tokens = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The prompt's tokens, as the usage report says.")
    )
    cached_input_tokens = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Of those, served from the provider's cache.")
    )
    decode_tokens_per_second = models.FloatField(null=True, blank=True)
    e2e_tokens_per_second = models.FloatField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    objects = SpeedSampleQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("speed sample")
        verbose_name_plural = _("speed samples")
        indexes = [
            models.Index(fields=["model", "started_at"], name="speedsample_model_started"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="one_sample_per_run_position"),
            models.CheckConstraint(
                condition=(
                    Q(
                        status="ok",
                        latency_ms__isnull=False,
                        ttft_ms__isnull=False,
                        output_tokens__isnull=False,
                    )
                    | (~Q(status="ok") & Q(latency_ms__isnull=True, ttft_ms__isnull=True))
                ),
                name="only_ok_samples_have_figures",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.index} {self.status}"

    @property
    def ok(self) -> bool:
        return self.status == SampleStatus.OK

    @classmethod
    def from_result(
        cls, run: SpeedTestRun, *, index: int, result: SampleResult, is_simulated: bool
    ) -> SpeedSample:
        """The row of one measured request, for scheduled tests and the testbench alike."""
        return cls(
            run=run,
            model_id=run.model_id,
            source=run.source,
            is_simulated=is_simulated,
            region=run.region or DEFAULT_REGION,
            workload=run.workload,
            index=index,
            started_at=result.started_at,
            status=result.status.value,
            http_status=result.http_status,
            ttft_ms=result.ttft_ms,
            ttfat_ms=result.ttfat_ms,
            latency_ms=result.latency_ms,
            output_tokens=result.output_tokens,
            reasoning_tokens=result.reasoning_tokens,
            input_tokens=result.input_tokens,
            cached_input_tokens=result.cached_input_tokens,
            decode_tokens_per_second=result.decode_tokens_per_second,
            e2e_tokens_per_second=result.e2e_tokens_per_second,
            # Already scrubbed by the measuring code; the field's length is the limit.
            error=result.error[:300],
        )


# The figures derived from the samples live in figures.py; imported here so the app's
# models are all found through this module.
from .figures import SpeedBreakdown, SpeedDaily, SpeedFigures, SpeedSummary, WithIntervals  # noqa: E402

__all__ = [
    "MAX_OUTPUT_TOKENS",
    "MAX_SAMPLES_PER_TEST",
    "SPEED_SOURCES",
    "OutputLimit",
    "SampleSource",
    "SampleStatusChoices",
    "SpeedBreakdown",
    "SpeedDaily",
    "SpeedFigures",
    "SpeedSample",
    "SpeedSummary",
    "SpeedTarget",
    "SpeedTestRun",
    "WithIntervals",
    "default_workloads",
    "env_var_name_validator",
    "validate_endpoint_url",
    "validate_workloads",
]
