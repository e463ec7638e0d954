"""Reads for the pages that join every app. Each function reaches the apps only through
their own selectors and querysets, and its query count does not grow with the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Lower
from django.utils import timezone

from benchmarks.models import SpeedSummary
from benchmarks.speed.selectors import speed_badges
from models_catalog.models import Dispute, Model, Offering, Provider
from pricing.costs import typical_conversation_cost
from pricing.models import PricePoint
from pricing.selectors import (
    ReferencePrice,
    quoted_rate_changes,
    reference_price_of,
    with_reference_price,
)
from tokonomix.core import flags
from tokonomix.core.workflow.models import Approval
from tokonomix.editorial.figures import data_render
from tokonomix.editorial.models import ModelProfile, UseCase, Verdict
from tokonomix.editorial.selectors import (
    latest_published_verdicts,
    published_about,
    published_approval_of,
)

EU_REGION = "eu"


@dataclass(frozen=True)
class LeaderboardRow:
    """One model with the figures the leaderboard shows, each with its date."""

    model: Model
    price: ReferencePrice | None
    speed: SpeedSummary | None
    rank: int | None = None  # on a use case's ranked list, with the editors' note
    note: str = ""

    @classmethod
    def of(cls, model: Model, **ranking: Any) -> LeaderboardRow:
        """From a model of `leaderboard_models` (price and speed read with it)."""
        return cls(
            model=model, price=reference_price_of(model), speed=_speed_summary(model), **ranking
        )

    @property
    def price_since(self) -> str:
        return self.price.effective_from.isoformat() if self.price else ""

    @property
    def speed_to(self) -> str:
        return self.speed.window_end.isoformat() if self.speed else ""

    @property
    def offered_in_eu(self) -> bool:
        return bool(getattr(self.model, "offered_in_eu", False))

    @property
    def input_price(self) -> Decimal | None:
        return self.price.input_per_million if self.price else None

    @property
    def output_price(self) -> Decimal | None:
        return self.price.output_per_million if self.price else None

    @property
    def price_date(self) -> dt.date | None:
        return self.price.effective_from if self.price else None

    @property
    def typical_cost(self) -> Decimal | None:
        return self.price.typical_cost if self.price else None

    @property
    def p50_latency_ms(self) -> float | None:
        return self.speed.p50_latency_ms_30d if self.speed else None

    @property
    def tokens_per_second(self) -> float | None:
        return self.speed.median_decode_tps_30d if self.speed else None

    @property
    def availability(self) -> float | None:
        return self.speed.availability_30d if self.speed else None

    @property
    def speed_window_end(self) -> dt.date | None:
        return self.speed.window_end if self.speed else None

    @property
    def speed_last_measured(self) -> dt.datetime | None:
        return self.speed.last_sample_at if self.speed else None

    @property
    def speed_simulated(self) -> bool:
        return bool(self.speed and self.speed.is_simulated)

    @property
    def speed_badges(self) -> list[flags.Badge]:
        return speed_badges(self.speed)

    @property
    def model_badges(self) -> list[flags.Badge]:
        """Lifecycle, and disputed when sources disagree on one of the model's values."""
        return flags.model_badges(
            deprecation_date=self.model.deprecation_date,
            deprecated_by_source=self.model.deprecated_by_source,
            retired_on=self.model.retired_on,
            is_disputed=bool(getattr(self.model, "is_disputed", False)),
            today=self.as_of,
        )

    @property
    def badges(self) -> list[flags.Badge]:
        """Every flag of the row, as the downloads carry them."""
        return self.model_badges + self.speed_badges

    @property
    def as_of(self) -> dt.date:
        return getattr(self.model, "listed_as_of", None) or timezone.localdate()

    @property
    def out_of_service(self) -> bool:
        return any(b.flag in (flags.Flag.DEPRECATED, flags.Flag.RETIRED) for b in self.model_badges)


def _speed_summary(model: Model) -> SpeedSummary | None:
    try:
        return model.speed_summary  # type: ignore[attr-defined,no-any-return]
    except SpeedSummary.DoesNotExist:
        return None


def _typical_cost() -> Any:
    """What `typical_conversation_cost` computes, as SQL (for sorting), without the
    division by a million, which changes no order."""
    return ExpressionWrapper(
        F("quoted_input_per_million") * settings.TYPICAL_INPUT_TOKENS
        + F("quoted_output_per_million") * settings.TYPICAL_OUTPUT_TOKENS,
        output_field=DecimalField(),
    )


# sort key -> (the figure, best first is the largest value)
SORTS: dict[str, tuple[Callable[[], Any], bool]] = {
    "name": (lambda: Lower("name"), False),
    "price": (lambda: F("quoted_input_per_million"), False),
    "typical": (_typical_cost, False),
    "latency": (lambda: F("speed_summary__p50_latency_ms_30d"), False),
    "tps": (lambda: F("speed_summary__median_decode_tps_30d"), True),
    "availability": (lambda: F("speed_summary__availability_30d"), True),
    "tier": (lambda: F("tier__rank"), False),
}


def leaderboard_models(
    *,
    as_of: dt.date,
    provider_id: int | None = None,
    tier_id: int | None = None,
    capabilities: Iterable[str] = (),
    offered_in_eu: bool = False,
    max_input_price: Decimal | None = None,
    measured_only: bool = False,
    slugs: Iterable[str] | None = None,
    sort: str = "name",
    include_out_of_service: bool = False,
) -> QuerySet[Model]:
    """Published models with their quoted price and speed summary, filtered and sorted in
    the database: best first on the chosen figure, models without it last, ties by name.
    Deprecated and retired models (the flags module's rule on `as_of`) are left out unless
    `include_out_of_service`. One query for any slice of it, so a page of 50 builds 50
    rows, whatever the catalogue (read the rows with `LeaderboardRow.of`)."""
    eu_offering = Offering.objects.listed().filter(model=OuterRef("pk"), regions__code=EU_REGION)
    # Any: the filters below use annotations django-stubs cannot see.
    queryset: Any = with_reference_price(
        Model.objects.published()
        .select_related("provider", "tier", "speed_summary")
        .annotate(
            offered_in_eu=Exists(eu_offering),
            is_disputed=Exists(Dispute.objects.open().filter(model=OuterRef("pk"))),
            listed_as_of=Value(as_of, output_field=DateField()),
        )
        .with_capabilities(capabilities),
        as_of=as_of,
    )
    if not include_out_of_service:
        queryset = queryset.in_service(as_of)
    if provider_id is not None:
        queryset = queryset.filter(provider_id=provider_id)
    if tier_id is not None:
        queryset = queryset.filter(tier_id=tier_id)
    if offered_in_eu:
        queryset = queryset.filter(offered_in_eu=True)
    if max_input_price is not None:
        queryset = queryset.filter(quoted_input_per_million__lte=max_input_price)
    if measured_only:
        queryset = queryset.filter(speed_summary__isnull=False)
    if slugs is not None:
        queryset = queryset.filter(slug__in=list(slugs))
    # Listings read a few of the summary's thirty columns; converting the rest (timestamps
    # among them) for every row would cost more than the query.
    queryset = queryset.defer(
        *(
            f"speed_summary__{field.name}"
            for field in SpeedSummary._meta.concrete_fields
            if field.name not in SpeedSummary.LISTING_FIELDS and not field.primary_key
        )
    )
    figure, descending = SORTS.get(sort, SORTS["name"])
    ordering = figure().desc(nulls_last=True) if descending else figure().asc(nulls_last=True)
    return queryset.order_by(ordering, Lower("name"), "pk")


@dataclass(frozen=True)
class PriceSpeedRow:
    """A model as the home page's scatter needs it: plain values, its flags decided by the
    same rules as a LeaderboardRow's."""

    pk: int
    slug: str
    name: str
    provider: str
    tier_code: str | None
    tier_label: str | None
    tier_rank: int | None
    typical_cost: Decimal | None
    tokens_per_second: float | None
    p50_latency_ms: float | None
    badges: list[flags.Badge]


PRICE_SPEED_FIELDS = (
    "pk",
    "slug",
    "name",
    "provider__name",
    "tier__code",
    "tier__label",
    "tier__rank",
    "scatter_input_per_million",
    "scatter_output_per_million",
    "speed_summary__median_decode_tps_30d",
    "speed_summary__p50_latency_ms_30d",
    "speed_summary__is_simulated",
    "speed_summary__ok_30d",
    "deprecation_date",
    "deprecated_by_source",
    "retired_on",
    "is_disputed",
)


def price_speed_rows(models: QuerySet[Model], *, as_of: dt.date) -> list[PriceSpeedRow]:
    """Every model of a `leaderboard_models` queryset as the scatter plots it, in the
    queryset's order; one query of the few columns it needs (no model instances, no speed
    intervals to decode: it plots every model the filters select, 300 in `make bench`).
    The home page counts and pages the leaderboard on these rows too (`leaderboard_page`)."""
    rows = []
    # The two rates alone: cheaper to read than the quoted point's JSON, for 300 models.
    rates = models.annotate(
        scatter_input_per_million=F("quoted_input_per_million"),
        scatter_output_per_million=F("quoted_output_per_million"),
    )
    for values in rates.values_list(*PRICE_SPEED_FIELDS):
        record = dict(zip(PRICE_SPEED_FIELDS, values, strict=True))
        measured = record["speed_summary__ok_30d"] is not None
        rows.append(
            PriceSpeedRow(
                pk=record["pk"],
                slug=record["slug"],
                name=record["name"],
                provider=record["provider__name"],
                tier_code=record["tier__code"],
                tier_label=record["tier__label"],
                tier_rank=record["tier__rank"],
                typical_cost=typical_conversation_cost(
                    record["scatter_input_per_million"], record["scatter_output_per_million"]
                ),
                tokens_per_second=record["speed_summary__median_decode_tps_30d"],
                p50_latency_ms=record["speed_summary__p50_latency_ms_30d"],
                badges=flags.model_badges(
                    deprecation_date=record["deprecation_date"],
                    deprecated_by_source=record["deprecated_by_source"],
                    retired_on=record["retired_on"],
                    is_disputed=bool(record["is_disputed"]),
                    today=as_of,
                )
                + (
                    flags.speed_badges(
                        is_simulated=record["speed_summary__is_simulated"],
                        ok_samples=record["speed_summary__ok_30d"],
                    )
                    if measured
                    else []
                ),
            )
        )
    return rows


def leaderboard_page(models: QuerySet[Model], pks: Sequence[int]) -> list[LeaderboardRow]:
    """The rows of the models `pks` names (a page of `price_speed_rows` over the same
    queryset), in that order: one query over those models alone, so the database neither
    counts nor sorts the whole selection a second time. A model unpublished between the two
    reads is left out."""
    by_pk = {model.pk: model for model in models.filter(pk__in=list(pks)).order_by()}
    return [LeaderboardRow.of(by_pk[pk]) for pk in pks if pk in by_pk]


def leaderboard(**filters: Any) -> list[LeaderboardRow]:
    """Every row `leaderboard_models(**filters)` selects (downloads and short lists)."""
    return [LeaderboardRow.of(model) for model in leaderboard_models(**filters)]


@dataclass(frozen=True)
class CompareColumn:
    model: Model
    price: ReferencePrice | None
    speed: SpeedSummary | None
    profile_data: dict[str, Any] | None
    profile_approval: Approval | None
    verdict: Verdict | None
    # The quoted offering's rate changes up to the page's date, oldest first.
    price_changes: list[PricePoint] = field(default_factory=list)

    @property
    def verdict_data(self) -> dict[str, Any] | None:
        return self.verdict.published_data() if self.verdict else None

    @property
    def model_badges(self) -> list[flags.Badge]:
        """The same flags the leaderboard shows for the model."""
        return LeaderboardRow(model=self.model, price=self.price, speed=self.speed).model_badges

    @property
    def speed_badges(self) -> list[flags.Badge]:
        return speed_badges(self.speed)


def compare(*, slugs: list[str], as_of: dt.date) -> list[CompareColumn]:
    """The published models among `slugs`, in that order, with every section's data and
    their price histories; 7 queries whatever the number of models."""
    models = {
        m.slug: m
        for m in leaderboard_models(
            as_of=as_of, slugs=slugs, include_out_of_service=True
        ).prefetch_related("capabilities", "offerings__regions")
    }
    ordered = [models[slug] for slug in slugs if slug in models]
    verdicts = latest_published_verdicts(models=ordered)
    histories = quoted_rate_changes(models=ordered, as_of=as_of)
    # The profiles readers see: those whose published revision is about these models.
    profiles: dict[str, ModelProfile] = {}
    for published in (
        published_about(ModelProfile, slugs=[m.slug for m in ordered])
        .select_related("published_revision__approval")
        .order_by("published_at", "pk")
    ):
        profiles[(published.published_data() or {})["model"]] = published  # the newest wins
    columns = []
    for m in ordered:
        profile = profiles.get(m.slug)
        columns.append(
            CompareColumn(
                model=m,
                price=reference_price_of(m),
                speed=_speed_summary(m),
                profile_data=profile.published_data() if profile else None,
                profile_approval=published_approval_of(profile) if profile else None,
                verdict=verdicts.get(m.pk),
                price_changes=histories.get(m.pk, []),
            )
        )
    return columns


def provider_list() -> list[Provider]:
    """Providers with at least one published model, with that count; one query."""
    return list(
        Provider.objects.annotate(
            published_models=Count("models", filter=Q(models__is_published=True))
        )
        .filter(published_models__gt=0)
        .order_by("name")
    )


def provider_page(*, slug: str, as_of: dt.date) -> tuple[Provider, list[LeaderboardRow]]:
    """A provider and its published models with prices; raises Provider.DoesNotExist."""
    provider = Provider.objects.get(slug=slug)
    rows = leaderboard(
        as_of=as_of, provider_id=provider.pk, sort="tier", include_out_of_service=True
    )
    return provider, rows


@dataclass(frozen=True)
class PublishedUseCase:
    use_case: UseCase
    data: dict[str, Any]


def use_case_list() -> list[PublishedUseCase]:
    """Published use cases, as reviewed; one query."""
    use_cases = UseCase.objects.published().select_related("published_revision")
    items = [PublishedUseCase(use_case=u, data=u.published_data() or {}) for u in use_cases]
    return sorted(items, key=lambda item: str(item.data.get("title", "")).lower())


@dataclass(frozen=True)
class UseCaseRanking:
    """A use case's ranked models as readers see them: deprecated and retired ones are out
    of the ranking unless asked for, and counted."""

    rows: list[LeaderboardRow]
    hidden: list[LeaderboardRow]


def use_case_page(
    *, slug: str, as_of: dt.date, include_out_of_service: bool = False
) -> tuple[PublishedUseCase, UseCaseRanking]:
    """A published use case and its ranked published models; raises UseCase.DoesNotExist."""
    use_case = UseCase.objects.published().select_related("published_revision").get(slug=slug)
    data = data_render(use_case.published_data() or {})
    entries = sorted(data.get("entries", []), key=lambda entry: entry["rank"])
    models = {
        m.slug: m
        for m in leaderboard_models(
            as_of=as_of, slugs=[e["model"] for e in entries], include_out_of_service=True
        )
    }
    ranked = [
        LeaderboardRow.of(m, rank=entry["rank"], note=entry["note"])
        for entry in entries
        if (m := models.get(entry["model"])) is not None
    ]
    hidden = [] if include_out_of_service else [row for row in ranked if row.out_of_service]
    rows = [row for row in ranked if row not in hidden]
    return PublishedUseCase(use_case=use_case, data=data), UseCaseRanking(rows=rows, hidden=hidden)


@dataclass(frozen=True)
class SearchResults:
    models: list[Model]
    providers: list[Provider]
    use_cases: list[PublishedUseCase]

    @property
    def count(self) -> int:
        return len(self.models) + len(self.providers) + len(self.use_cases)


def search(*, text: str, limit: int = 50) -> SearchResults:
    """Published models, providers and published use cases matching `text`; 3 queries."""
    text = text.strip()
    models = list(Model.objects.published().search(text).select_related("provider", "tier")[:limit])
    providers = list(
        Provider.objects.filter(Q(name__icontains=text) | Q(slug__icontains=text))
        .filter(models__is_published=True)
        .distinct()
        .order_by("name")[:limit]
    )
    needle = text.lower()
    # Readers only ever see the published revision, so match on that, not the working copy.
    use_cases = [
        item
        for item in use_case_list()
        if needle in str(item.data.get("title", "")).lower()
        or needle in str(item.data.get("intro", "")).lower()
    ][:limit]
    return SearchResults(models=models, providers=providers, use_cases=use_cases)
