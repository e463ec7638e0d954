"""Reads of reviewed content for pages, feeds and the API: what readers see of it is
always its published revision, with the approval that let it out.

Readers' queries select by the published revision's subject (its `model` slug), never by
the working copy's `model` link: an editor who points a published verdict, profile or score
at another model changes a draft, which moves nothing until a reviewer approves it and it
is published again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from models_catalog.models import Model
from tokonomix.core import flags
from tokonomix.core.workflow.models import Approval

from .evidence import collect as evidence_collect
from .figures import FigureBook, datas_render
from .models import EvaluationScore, ModelProfile, Verdict

type ReviewedAboutAModel = Verdict | EvaluationScore | ModelProfile


def _published(key: str) -> Cast:
    """A key of the published revision's data as text. Cast, because Django's JSON key
    lookups on SQLite read a plain `__in` list as JSON documents."""
    return Cast(KeyTextTransform(key, "published_revision__data"), output_field=CharField())


def published_about[T: ReviewedAboutAModel](
    content: type[T], *, slugs: list[str] | None = None
) -> QuerySet[T]:
    """Published items of `content` as readers see them, with `subject` (the slug of the
    model their published revision is about); only those about `slugs`, if given."""
    queryset = content.objects.published().alias(subject=_published("model"))
    if slugs is not None:
        queryset = queryset.filter(subject__in=slugs)
    return queryset  # type: ignore[no-any-return]


def _of_published_models[T: ReviewedAboutAModel](queryset: QuerySet[T]) -> QuerySet[T]:
    return queryset.filter(subject__in=Model.objects.published().values("slug"))


def profile_prefetch() -> Prefetch[Any]:
    """The model's profile by its working copy's link, with that working copy, to read with
    the model (`catalogue.model_header(also=...)`): one query. For staff previews only;
    readers get `published_profile`."""
    return Prefetch("profile", queryset=ModelProfile.objects.select_related("current_revision"))


def published_profile(*, model: Model) -> ModelProfile | None:
    """The profile readers see on the model's page: published, its published revision about
    this model (the newest published, should two ever be), with its approval; 1 query."""
    return (
        published_about(ModelProfile, slugs=[model.slug])
        .select_related("published_revision__approval")
        .order_by("-published_at", "-pk")
        .first()
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

    @property
    def pinned(self) -> dict[str, Any]:
        """The figures the verdict stood on when its reviewer approved it (the evidence
        pinned at approval): its P50 latency and the test runs behind it, with their flags,
        and the day they were read. Approvals pinned before the run count have none."""
        evidence = self.approval.evidence if self.approval else {}
        samples = evidence.get("speed_samples_30d")
        simulated = evidence.get("speed_simulated")
        return {
            "p50_latency_ms": evidence.get("p50_latency_ms"),
            "samples": samples,
            "collected_on": (evidence.get("collected_at") or "")[:10],
            "speed_badges": []
            if simulated is None
            else flags.speed_badges(is_simulated=simulated, ok_samples=samples),
        }


def published_verdicts(
    *, model: Model, current: dict[str, Any] | None = None
) -> list[PublishedVerdict]:
    """The model's published verdicts, newest first, with their approvals: 1 query, plus one
    evidence read (2 queries) unless the caller passes the model's `current` evidence."""
    verdicts = list(
        published_about(Verdict, slugs=[model.slug])
        .select_related("published_revision__approval")
        .order_by("-date", "-pk")
    )
    if not verdicts:
        return []
    for verdict in verdicts:
        verdict.subject_model = model  # the drift check reads it: no query per verdict
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


def published_approval_of(reviewable: ReviewedAboutAModel) -> Approval | None:
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
    approval = published_approval_of(verdict)
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
    scores = published_about(
        EvaluationScore, slugs=[model.slug, *(peer.slug for peer in peers)]
    ).select_related("published_revision")
    latest: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for score in scores:
        data = score.published_data() or {}
        key = (data["model"], data["suite"], data["metric"], data["language"])
        if key not in latest or data["date"] > latest[key]["date"]:
            latest[key] = data
    rows = []
    for (subject, suite, metric, language), data in sorted(latest.items()):
        if subject != model.slug:
            continue
        beside = [
            (peer, latest[(peer.slug, suite, metric, language)]["value"])
            for peer in peers
            if (peer.slug, suite, metric, language) in latest
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


def latest_published_verdicts(*, models: list[Model]) -> dict[int, Verdict]:
    """Each model's newest published verdict, by model id (read its `published_data()`); one
    query."""
    ids = {m.slug: m.pk for m in models}
    verdicts = published_about(Verdict, slugs=list(ids)).select_related("published_revision")
    latest: dict[int, Verdict] = {}
    for verdict in verdicts:
        data = verdict.published_data() or {}
        # Readers see the published revision, so its subject and date decide.
        model_id = ids[data["model"]]
        key = (data.get("date", ""), verdict.pk)
        held = latest.get(model_id)
        if held is None or key > ((held.published_data() or {}).get("date", ""), held.pk):
            latest[model_id] = verdict
    return latest


@dataclass(frozen=True)
class FeedVerdict:
    """A published verdict in a feed: its published revision and its subject's name."""

    verdict: Verdict
    data: dict[str, Any]
    subject_slug: str
    subject_name: str


def verdict_feed_items(*, model: Model | None = None, limit: int = 50) -> list[FeedVerdict]:
    """Published verdicts about published models, newest published first; one query."""
    queryset = _of_published_models(
        published_about(Verdict, slugs=None if model is None else [model.slug])
    ).annotate(
        subject_slug=_published("model"),
        subject_name=Subquery(Model.objects.filter(slug=OuterRef("subject")).values("name")[:1]),
    )
    items = queryset.select_related("published_revision").order_by("-published_at", "-pk")
    return [
        FeedVerdict(
            verdict=verdict,
            data=verdict.published_data() or {},
            subject_slug=verdict.subject_slug,  # type: ignore[attr-defined]
            subject_name=verdict.subject_name,  # type: ignore[attr-defined]
        )
        for verdict in items[:limit]
    ]


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
    """Published verdicts about published models, newest first, for the API's paginator: a
    page is 3 queries (verdicts, their subjects and the subjects' capabilities) plus one
    evidence read (2 queries) per model on it."""
    queryset = _of_published_models(
        published_about(Verdict, slugs=None if model is None else [model.slug])
    )
    queryset = queryset.select_related("published_revision__approval").order_by("-date", "-pk")

    def build(verdicts: list[Verdict]) -> list[PublishedVerdict]:
        # Each verdict about the model its published revision names (its subject).
        slugs = {(v.published_data() or {})["model"] for v in verdicts}
        subjects = {
            m.slug: m
            for m in Model.objects.filter(slug__in=slugs)
            .select_related("reference_offering")
            .prefetch_related("capabilities")
        }
        book = FigureBook()
        evidence = {
            slug: {**evidence_collect(subject), "figures": book}
            for slug, subject in subjects.items()
        }
        by_subject: dict[str, list[Verdict]] = {}
        for verdict in verdicts:
            slug = (verdict.published_data() or {})["model"]
            verdict.subject_model = subjects[slug]
            by_subject.setdefault(slug, []).append(verdict)
        built = {
            item.verdict.pk: item
            for slug, group in by_subject.items()
            for item in _published_verdicts(group, evidence[slug])
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
    """Published scores about published models (as reviewed: their published revision), by
    model and suite, for the API's paginator; 1 query a page."""
    # Any: django-stubs cannot see the `subject` alias published_about adds.
    queryset: Any = _of_published_models(
        published_about(EvaluationScore, slugs=None if model is None else [model.slug])
    )
    queryset = queryset.alias(
        published_suite=_published("suite"),
        published_metric=_published("metric"),
        published_language=_published("language"),
        published_date=_published("date"),
    )
    if suite:
        # The working copy's suite may differ from the published one: filter on what readers see.
        queryset = queryset.filter(published_suite=suite)
    queryset = queryset.select_related("published_revision__approval").order_by(
        "subject",
        "published_suite",
        "published_metric",
        "published_language",
        "-published_date",
        "pk",
    )

    def build(scores: list[EvaluationScore]) -> list[PublishedScore]:
        return [
            PublishedScore(
                score=s, data=s.published_data() or {}, approval=published_approval_of(s)
            )
            for s in scores
        ]

    return _Pages(queryset, build)


@dataclass(frozen=True)
class BoardScore:
    """One row of the evaluation-scores board: a published score, its model and reviewer."""

    rank: int
    model: Model
    data: dict[str, Any]
    approval: Approval | None


@dataclass(frozen=True)
class SuiteBoard:
    suite: str
    metric: str
    language: str
    unit: str
    rows: list[BoardScore]


def score_board() -> list[SuiteBoard]:
    """Published evaluation scores of published models, one table per suite and metric,
    highest first (the latest published score of each model), suites with the most models
    first; 2 queries."""
    published = list(score_pages().all()[:10_000])
    models = {m.slug: m for m in Model.objects.published().select_related("provider")}
    latest: dict[tuple[str, str, str, str], PublishedScore] = {}
    for item in published:
        slug = item.data.get("model", "")
        if slug not in models:
            continue
        key = (item.data["suite"], item.data["metric"], item.data.get("language", ""), slug)
        if key not in latest or item.data["date"] > latest[key].data["date"]:
            latest[key] = item
    by_suite: dict[tuple[str, str, str], list[PublishedScore]] = {}
    for (suite, metric, language, _slug), item in sorted(latest.items()):
        by_suite.setdefault((suite, metric, language), []).append(item)
    boards = []
    for (suite, metric, language), items in sorted(
        by_suite.items(), key=lambda kv: (-len(kv[1]), kv[0])
    ):
        items.sort(key=lambda i: (-float(i.data["value"]), models[i.data["model"]].name))
        boards.append(
            SuiteBoard(
                suite=suite,
                metric=metric,
                language=language,
                unit=items[0].data.get("unit", ""),
                rows=[
                    BoardScore(
                        rank=n,
                        model=models[i.data["model"]],
                        data=i.data,
                        approval=i.approval,
                    )
                    for n, i in enumerate(items, start=1)
                ],
            )
        )
    return boards
