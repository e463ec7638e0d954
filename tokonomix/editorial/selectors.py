"""Reads of reviewed content for pages, feeds and the API: what readers see of it is
always its published revision, with the approval that let it out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from models_catalog.models import Model
from tokonomix.core import flags
from tokonomix.core.workflow.models import Approval

from .evidence import collect as evidence_collect
from .figures import FigureBook, datas_render
from .models import EvaluationScore, ModelProfile, Verdict


def profile_prefetch() -> Prefetch[Any]:
    """The model's profile with its working copy, and its published revision's approval and
    reviewer, to read with the model (`catalogue.model_header(also=...)`): one query.

    A query of its own: joined to the model's, the eleven tables cost PostgreSQL more to
    plan (about 6 ms) than a second round trip costs."""
    return Prefetch(
        "profile",
        queryset=ModelProfile.objects.select_related(
            "published_revision__approval__reviewer", "current_revision"
        ),
    )


@dataclass(frozen=True)
class PublishedVerdict:
    """What readers see of a verdict: its published revision (live figures written in),
    reviewer, drift, and the claims the data no longer bears out."""

    verdict: Verdict
    data: dict[str, Any]
    approval: Approval | None
    stale_since: dt.date | None
    stale_reasons: list[str] = field(default_factory=list)

    @property
    def badges(self) -> list[flags.Badge]:
        return flags.stale_badges(self.stale_since, self.stale_reasons)


def published_verdicts(
    *, model: Model, current: dict[str, Any] | None = None
) -> list[PublishedVerdict]:
    """The model's published verdicts, newest first, with their approvals: 1 query, plus one
    evidence read (2 queries) unless the caller passes the model's `current` evidence."""
    verdicts = list(
        Verdict.objects.published()
        .filter(model=model)
        .select_related("published_revision__approval__reviewer")
        .order_by("-date", "-pk")
    )
    if not verdicts:
        return []
    for verdict in verdicts:
        verdict.model = model  # the drift check reads it: no query per verdict
    evidence = current if current is not None else evidence_collect(model)
    return _published_verdicts(verdicts, evidence)


def _published_verdicts(
    verdicts: list[Verdict], evidence: dict[str, Any]
) -> list[PublishedVerdict]:
    """The verdicts as readers see them, their claims checked against one FigureBook read
    once for all of them (1 query, 0 when the page's book knows every model named)."""
    book = evidence.get("figures") if isinstance(evidence.get("figures"), FigureBook) else None
    book = book or FigureBook()
    evidence = {**evidence, "figures": book}
    datas = [verdict.published_data() or {} for verdict in verdicts]
    book.load(
        texts=[text for data in datas for text in _texts(data)],
        slugs=[data["model"] for data in datas if "model" in data],
    )
    rendered = datas_render(datas, book=book)
    return [
        _published_verdict(verdict, evidence, data)
        for verdict, data in zip(verdicts, rendered, strict=True)
    ]


def _texts(data: dict[str, Any]) -> list[str]:
    return [data.get("headline", ""), data.get("body", ""), *data.get("highlights", [])]


def _published_approval(reviewable: Verdict | EvaluationScore) -> Approval | None:
    """The published revision's approval, read from select_related (no query)."""
    revision = reviewable.published_revision
    if revision is None:
        return None
    try:
        return revision.approval
    except Approval.DoesNotExist:
        return None


def _published_verdict(
    verdict: Verdict, current: dict[str, Any], data: dict[str, Any]
) -> PublishedVerdict:
    approval = _published_approval(verdict)
    return PublishedVerdict(
        verdict=verdict,
        data=data,
        approval=approval,
        stale_since=verdict.needs_rereview_since(approval=approval, current=current),
        stale_reasons=verdict.rereview_reasons(current) if approval else [],
    )


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


def latest_published_verdicts(*, model_ids: list[int]) -> dict[int, Verdict]:
    """Each model's newest published verdict (read its `published_data()`); one query."""
    verdicts = (
        Verdict.objects.published()
        .filter(model_id__in=model_ids)
        .select_related("published_revision")
    )
    latest: dict[int, Verdict] = {}
    for verdict in verdicts:
        # Readers see the published revision, so its date decides, not the working copy's.
        key = ((verdict.published_data() or {}).get("date", ""), verdict.pk)
        held = latest.get(verdict.model_id)
        if held is None or key > ((held.published_data() or {}).get("date", ""), held.pk):
            latest[verdict.model_id] = verdict
    return latest


def verdict_feed_items(*, model: Model | None = None, limit: int = 50) -> list[Verdict]:
    """Published verdicts of published models, newest published first; one query."""
    queryset = (
        Verdict.objects.published()
        .filter(model__is_published=True)
        .select_related("published_revision", "model")
    )
    if model is not None:
        queryset = queryset.filter(model=model)
    return list(queryset.order_by("-published_at", "-pk")[:limit])


class _Pages[T]:
    """Rows the API paginator slices: each slice is built into what readers see in one go."""

    def __init__(self, queryset: QuerySet[Any], build: Callable[[list[Any]], list[T]]) -> None:
        self.queryset = queryset
        self.build = build

    def all(self) -> _Pages[T]:
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[T]:
        return self.build(list(self.queryset[page]))

    def map[U](self, convert: Callable[[T], U]) -> _Pages[U]:
        """The same pages, each row converted (to the API's response dicts)."""
        build = self.build
        return _Pages(self.queryset, lambda rows: [convert(row) for row in build(rows)])


def verdict_pages(*, model: Model | None = None) -> _Pages[PublishedVerdict]:
    """Published verdicts of published models, newest first, for the API's paginator: a page
    is 1 query plus one evidence read (2 queries) per model on it."""
    queryset = (
        Verdict.objects.published()
        .filter(model__is_published=True)
        .select_related("model__reference_offering", "published_revision__approval__reviewer")
        .prefetch_related("model__capabilities")
        .order_by("-date", "-pk")
    )
    if model is not None:
        queryset = queryset.filter(model=model)

    def build(verdicts: list[Verdict]) -> list[PublishedVerdict]:
        book = FigureBook()
        evidence: dict[int, dict[str, Any]] = {}
        for verdict in verdicts:
            if verdict.model_id not in evidence:
                evidence[verdict.model_id] = {**evidence_collect(verdict.model), "figures": book}
        by_model: dict[int, list[Verdict]] = {}
        for verdict in verdicts:
            by_model.setdefault(verdict.model_id, []).append(verdict)
        built = {
            item.verdict.pk: item
            for model_id, group in by_model.items()
            for item in _published_verdicts(group, evidence[model_id])
        }
        return [built[v.pk] for v in verdicts]

    return _Pages(queryset, build)


@dataclass(frozen=True)
class PublishedScore:
    """What readers see of an evaluation score: its published revision and reviewer."""

    score: EvaluationScore
    data: dict[str, Any]
    approval: Approval | None


def score_pages(*, model: Model | None = None, suite: str = "") -> _Pages[PublishedScore]:
    """Published scores of published models (as reviewed: their published revision), by
    model and suite, for the API's paginator; 1 query a page."""
    queryset = (
        EvaluationScore.objects.published()
        .filter(model__is_published=True)
        .select_related("published_revision__approval__reviewer")
        .order_by("model__slug", "suite", "metric", "language", "-date", "pk")
    )
    if model is not None:
        queryset = queryset.filter(model=model)
    if suite:
        # The working copy's suite may differ from the published one: filter on what readers see.
        queryset = queryset.filter(published_revision__data__suite=suite)

    def build(scores: list[EvaluationScore]) -> list[PublishedScore]:
        return [
            PublishedScore(score=s, data=s.published_data() or {}, approval=_published_approval(s))
            for s in scores
        ]

    return _Pages(queryset, build)
