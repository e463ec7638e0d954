"""Dated verdicts on a model and published evaluation scores, each reviewed on its own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from models_catalog.models import Model
from tokonomix.core.workflow.reviewable import Reviewable, published_has_a_revision

from ..claims import Text
from ..evidence import AboutAModel, ChecksClaims


def _plain(value: Decimal | int | float) -> str:
    """The same number whether it came from a form or the database (81.5 vs 81.5000)."""
    return format(Decimal(value).normalize(), "f")


class Verdict(ChecksClaims, AboutAModel, Reviewable):
    """Our dated judgement of a model, with the evidence it relied on pinned at approval."""

    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="verdicts")
    date = models.DateField(_("date"))
    headline = models.CharField(_("headline"), max_length=200)
    body = models.TextField(_("body (Markdown)"), blank=True)
    highlights = models.TextField(
        _("highlights"),
        blank=True,
        help_text=_('Short tags, one per line, e.g. "Vision and PDF input added".'),
    )
    quality_score = models.DecimalField(
        _("quality score (0-10)"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    auto_draft_key = models.CharField(
        max_length=80,
        blank=True,
        editable=False,
        help_text=_("Set on drafts a sync opened, so a second run opens no second draft."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "benchmarks_verdict"
        ordering = ["-date", "-pk"]
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")
        constraints = [
            models.UniqueConstraint(
                fields=["auto_draft_key"],
                condition=~Q(auto_draft_key=""),
                name="one_auto_draft_per_change",
            ),
            models.CheckConstraint(
                condition=Q(quality_score__isnull=True)
                | Q(quality_score__gte=0, quality_score__lte=10),
                name="verdict_quality_score_0_to_10",
            ),
            published_has_a_revision("verdict_published_has_a_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.model}: {self.headline}"

    def workflow_name(self) -> str:
        return f"the verdict “{self.headline}” on {self.model.name}"

    def opened_by_sync(self) -> list[str]:
        return self.highlight_list() if self.auto_draft_key else []

    def highlight_list(self) -> list[str]:
        return [line.strip() for line in self.highlights.splitlines() if line.strip()]

    def revision_data(self) -> dict[str, Any]:
        return {
            "model": self.model.slug,
            "date": self.date.isoformat(),
            "headline": self.headline,
            "body": self.body,
            "highlights": self.highlight_list(),
            "quality_score": None if self.quality_score is None else _plain(self.quality_score),
        }

    def claim_texts(self, data: dict[str, Any]) -> list[Text]:
        subject = data["model"]
        return [
            Text(where="headline", text=data["headline"], subject=subject),
            *(Text(where="highlights", text=line, subject=subject) for line in data["highlights"]),
            Text(where="body", text=data["body"], subject=subject),
        ]

    def apply_revision_data(self, data: dict[str, Any]) -> None:
        self.date = dt.date.fromisoformat(data["date"])
        self.headline = data["headline"]
        self.body = data["body"]
        self.highlights = "\n".join(data["highlights"])
        self.quality_score = (
            None if data["quality_score"] is None else Decimal(data["quality_score"])
        )
        self.save()


class EvaluationScore(Reviewable):
    """One published evaluation result (suite, metric, value), entered and reviewed by editors."""

    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="scores")
    suite = models.CharField(_("suite"), max_length=120, help_text=_("e.g. MMLU-Pro, SWE-bench"))
    metric = models.CharField(_("metric"), max_length=80, help_text=_("e.g. accuracy, pass@1"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("e.g. %"))
    language = models.CharField(
        _("language"), max_length=20, blank=True, help_text=_("For per-language suites.")
    )
    date = models.DateField(_("date measured or reported"))
    source_url = models.URLField(_("source"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        db_table = "benchmarks_evaluationscore"
        ordering = ["suite", "metric", "language", "-date"]
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        constraints = [published_has_a_revision("evaluationscore_published_has_a_revision")]

    def __str__(self) -> str:
        language = f" ({self.language})" if self.language else ""
        return f"{self.model} {self.suite}{language} {self.metric}: {self.value}{self.unit}"

    def workflow_name(self) -> str:
        language = f" ({self.language})" if self.language else ""
        return f"the {self.suite}{language} {self.metric} score of {self.model.name}"

    def revision_data(self) -> dict[str, Any]:
        return {
            "model": self.model.slug,
            "suite": self.suite,
            "metric": self.metric,
            "value": _plain(self.value),
            "unit": self.unit,
            "language": self.language,
            "date": self.date.isoformat(),
            "source_url": self.source_url,
            "notes": self.notes,
        }

    def apply_revision_data(self, data: dict[str, Any]) -> None:
        for name in ("suite", "metric", "unit", "language", "source_url", "notes"):
            setattr(self, name, data[name])
        self.value = Decimal(data["value"])
        self.date = dt.date.fromisoformat(data["date"])
        self.save()
