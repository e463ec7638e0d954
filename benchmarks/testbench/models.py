"""The live testbench: a reader's prompt sent to two to four models at once, and each
model's answer with its figures and cost."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from models_catalog.models import Model

from ..speed.models import SpeedSample, SpeedTarget

TESTBENCH_MAX_PROMPT_CHARS = 8000
TESTBENCH_MAX_OUTPUT_TOKENS = 1000
TESTBENCH_MIN_MODELS = 2
TESTBENCH_MAX_MODELS = 4
COST_FIELD: dict[str, Any] = {"max_digits": 16, "decimal_places": 10, "null": True, "blank": True}


class TestbenchRun(models.Model):
    """A reader's prompt sent to 2-4 models at once; viewable by anyone with its link."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="testbench_runs",
        help_text=_("Kept empty after the account is deleted, so the day's spend still counts."),
    )
    client_hash = models.CharField(
        _("client address (keyed hash)"), max_length=64, blank=True, editable=False
    )
    system_prompt = models.TextField(_("system prompt"), blank=True)
    prompt = models.TextField(_("prompt"))
    max_output_tokens = models.PositiveIntegerField(
        _("maximum output tokens"),
        validators=[MinValueValidator(1), MaxValueValidator(TESTBENCH_MAX_OUTPUT_TOKENS)],
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempt = models.PositiveSmallIntegerField(default=0)
    reason = models.CharField(_("failure reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("testbench run")
        verbose_name_plural = _("testbench runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_output_tokens__gte=1)
                & Q(max_output_tokens__lte=TESTBENCH_MAX_OUTPUT_TOKENS),
                name="testbench_max_output_in_range",
            ),
            models.CheckConstraint(condition=~Q(prompt=""), name="testbench_prompt_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    Length("prompt") + Length("system_prompt"), TESTBENCH_MAX_PROMPT_CHARS
                ),
                name="testbench_prompt_length",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running"]) | Q(finished_at__isnull=False),
                name="finished_testbench_run_has_finish_time",
            ),
        ]

    def __str__(self) -> str:
        return f"testbench {self.public_id} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.FAILED)


class TestbenchResult(models.Model):
    """One model's answer to a testbench run, with its figures and cost."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        STREAMING = "streaming", _("Streaming")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(TestbenchRun, on_delete=models.CASCADE, related_name="results")
    position = models.PositiveSmallIntegerField(help_text=_("Column on the page, from 0."))
    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="testbench_results")
    target = models.ForeignKey(
        SpeedTarget, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Copied when the run is created, so a result stays traceable if the target changes.
    api_model = models.CharField(_("API model name"), max_length=200)
    is_simulated = models.BooleanField(_("simulated"), default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    answer = models.TextField(_("answer so far"), blank=True)
    ttft_ms = models.FloatField(_("time to first token (ms)"), null=True, blank=True)
    latency_ms = models.FloatField(_("end-to-end latency (ms)"), null=True, blank=True)
    output_tokens = models.PositiveIntegerField(null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(null=True, blank=True)
    tokens_per_second = models.FloatField(
        _("output tokens per second after the first"), null=True, blank=True
    )
    # The reference prices in force when the run was created.
    input_per_million = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    output_per_million = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    prices_from = models.DateField(_("prices in force since"), null=True, blank=True)
    cost_usd = models.DecimalField(_("cost ($)"), **COST_FIELD)
    # What counts toward the daily budget: the worst case until the answer is in, then
    # the cost (nothing when the request was refused before any answer).
    budget_usd = models.DecimalField(
        _("counted toward the daily budget ($)"), max_digits=16, decimal_places=10, default=0
    )
    error = models.CharField(max_length=300, blank=True)
    sample = models.OneToOneField(
        SpeedSample, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("testbench result")
        verbose_name_plural = _("testbench results")
        constraints = [
            # Positions 0-3, one model each: a run can never hold more than four results.
            models.UniqueConstraint(fields=["run", "position"], name="one_result_per_position"),
            models.UniqueConstraint(fields=["run", "model"], name="one_result_per_model"),
            models.CheckConstraint(
                condition=Q(position__lt=TESTBENCH_MAX_MODELS), name="testbench_position_in_range"
            ),
            models.CheckConstraint(
                condition=Q(budget_usd__gte=0), name="testbench_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status="completed") | Q(cost_usd__isnull=True),
                name="only_completed_results_have_cost",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.position} {self.api_model} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.COMPLETED, self.Status.FAILED)
