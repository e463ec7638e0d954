"""Reads of speed figures for pages, the API and CSV; each function's query count is fixed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from models_catalog.models import Model
from tokonomix.workflow.models import Approval, evidence_collect

from .models import EvaluationScore, SpeedDaily, SpeedSample, SpeedSummary, Verdict

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


def model_speed(*, model: Model) -> ModelSpeed:
    """The summary row and the daily rows it was built with: at most 2 queries."""
    summary = SpeedSummary.objects.filter(model=model).select_related("last_run").first()
    if summary is None:
        return ModelSpeed(summary=None)
    days = list(
        SpeedDaily.objects.filter(model=model, is_simulated=summary.is_simulated).order_by("day")
    )
    return ModelSpeed(summary=summary, days=days)


def speed_samples(*, model: Model, days: int | None = None) -> list[SpeedSample]:
    """The model's samples of finished runs, oldest first (optionally the last `days` days)."""
    queryset = SpeedSample.objects.filter(model=model, run__status="completed")
    if days is not None:
        queryset = queryset.filter(started_at__gte=timezone.now() - dt.timedelta(days=days))
    return list(queryset.order_by("started_at", "pk"))


@dataclass(frozen=True)
class PublishedVerdict:
    """What readers see of a verdict: its published revision, reviewer and drift."""

    verdict: Verdict
    data: dict[str, Any]
    approval: Approval | None
    stale_since: dt.date | None


def published_verdicts(*, model: Model) -> list[PublishedVerdict]:
    """The model's published verdicts, newest first; 2 queries plus one evidence read."""
    verdicts = list(
        Verdict.objects.published()
        .filter(model=model)
        .select_related("published_revision")
        .order_by("-date", "-pk")
    )
    if not verdicts:
        return []
    approvals = {
        a.revision_id: a
        for a in Approval.objects.filter(
            revision_id__in=[v.published_revision_id for v in verdicts]
        ).select_related("reviewer")
    }
    current = evidence_collect(model)
    result = []
    for verdict in verdicts:
        approval = approvals.get(verdict.published_revision_id or 0)
        result.append(
            PublishedVerdict(
                verdict=verdict,
                data=verdict.published_data() or {},
                approval=approval,
                stale_since=verdict.needs_rereview_since(approval=approval, current=current),
            )
        )
    return result


@dataclass(frozen=True)
class ScoreRow:
    suite: str
    metric: str
    language: str
    unit: str
    value: Any
    date: dt.date
    source_url: str
    peers: list[tuple[Model, Any]]


def score_snapshot(*, model: Model) -> list[ScoreRow]:
    """The model's published scores (as reviewed: from their published revision), each beside
    the same suite's published scores of the model's peers; 2 queries."""
    peers = list(model.peers.all()[:4])
    scores = (
        EvaluationScore.objects.published()
        .filter(model__in=[model, *peers])
        .select_related("published_revision")
    )
    latest: dict[tuple[int, str, str, str], dict[str, Any]] = {}
    for score in scores:
        data = score.published_data() or {}
        key = (score.model_id, data["suite"], data["metric"], data["language"])
        if key not in latest or data["date"] > latest[key]["date"]:
            latest[key] = data
    rows = []
    for (model_id, suite, metric, language), data in sorted(latest.items()):
        if model_id != model.pk:
            continue
        beside = [
            (peer, latest[(peer.pk, suite, metric, language)]["value"])
            for peer in peers
            if (peer.pk, suite, metric, language) in latest
        ]
        rows.append(
            ScoreRow(
                suite=suite,
                metric=metric,
                language=language,
                unit=data["unit"],
                value=data["value"],
                date=dt.date.fromisoformat(data["date"]),
                source_url=data["source_url"],
                peers=beside,
            )
        )
    return rows
