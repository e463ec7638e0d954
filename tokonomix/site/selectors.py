"""Reads for the pages that join every app. Each function reaches the apps only through
their own selectors and querysets, and its query count does not grow with the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from benchmarks.models import SpeedSummary, Verdict
from benchmarks.selectors import latest_published_verdicts, speed_summaries
from models_catalog.models import Model, Offering, Provider, UseCase
from pricing.selectors import ReferencePrice, reference_prices
from tokonomix.workflow.models import Approval

EU_REGION = "eu"


@dataclass(frozen=True)
class LeaderboardRow:
    """One model with the figures the leaderboard shows, each with its date."""

    model: Model
    price: ReferencePrice | None
    speed: SpeedSummary | None

    @property
    def offered_in_eu(self) -> bool:
        return bool(getattr(self.model, "offered_in_eu", False))

    @property
    def input_price(self) -> Decimal | None:
        return self.price.point.input_per_million if self.price else None

    @property
    def output_price(self) -> Decimal | None:
        return self.price.point.output_per_million if self.price else None

    @property
    def price_date(self) -> dt.date | None:
        return self.price.point.effective_from if self.price else None

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
    def tier_rank(self) -> int | None:
        return self.model.tier.rank if self.model.tier else None


# key -> (value to sort by, best first is the largest value)
SORT_KEYS: dict[str, tuple[Callable[[LeaderboardRow], Any], bool]] = {
    "name": (lambda row: row.model.name.lower(), False),
    "price": (lambda row: row.input_price, False),
    "typical": (lambda row: row.typical_cost, False),
    "latency": (lambda row: row.p50_latency_ms, False),
    "tps": (lambda row: row.tokens_per_second, True),
    "availability": (lambda row: row.availability, True),
    "tier": (lambda row: row.tier_rank, False),
}


def sort_rows(rows: list[LeaderboardRow], *, sort: str) -> list[LeaderboardRow]:
    """Best first on the chosen figure; models without that figure go last, by name."""
    value_of, descending = SORT_KEYS.get(sort, SORT_KEYS["name"])
    known = [row for row in rows if value_of(row) is not None]
    missing = [row for row in rows if value_of(row) is None]
    known.sort(key=lambda row: row.model.name.lower())
    known.sort(key=value_of, reverse=descending)  # stable: ties stay by name
    missing.sort(key=lambda row: row.model.name.lower())
    return known + missing


def _published_models() -> Any:
    eu_offering = Offering.objects.listed().filter(model=OuterRef("pk"), regions__code=EU_REGION)
    return (
        Model.objects.published()
        .select_related("provider", "tier")
        .annotate(offered_in_eu=Exists(eu_offering))
    )


def leaderboard(
    *,
    as_of: dt.date,
    provider_id: int | None = None,
    tier_id: int | None = None,
    capabilities: Iterable[str] = (),
    offered_in_eu: bool = False,
    max_input_price: Decimal | None = None,
    sort: str = "name",
) -> list[LeaderboardRow]:
    """Published models with their reference price and speed summary; 4 queries."""
    queryset = _published_models().with_capabilities(capabilities)
    if provider_id is not None:
        queryset = queryset.filter(provider_id=provider_id)
    if tier_id is not None:
        queryset = queryset.filter(tier_id=tier_id)
    if offered_in_eu:
        queryset = queryset.filter(offered_in_eu=True)
    models = list(queryset)
    prices = reference_prices(models=models, as_of=as_of)
    speeds = speed_summaries(model_ids=[m.pk for m in models])
    rows = [LeaderboardRow(model=m, price=prices.get(m.pk), speed=speeds.get(m.pk)) for m in models]
    if max_input_price is not None:
        rows = [r for r in rows if r.input_price is not None and r.input_price <= max_input_price]
    return sort_rows(rows, sort=sort)


@dataclass(frozen=True)
class CompareColumn:
    model: Model
    price: ReferencePrice | None
    speed: SpeedSummary | None
    profile_data: dict[str, Any] | None
    profile_approval: Approval | None
    verdict: Verdict | None

    @property
    def verdict_data(self) -> dict[str, Any] | None:
        return self.verdict.published_data() if self.verdict else None


def compare(*, slugs: list[str], as_of: dt.date) -> list[CompareColumn]:
    """The published models among `slugs`, in that order, with every section's data;
    7 queries whatever the number of models."""
    models = {
        m.slug: m
        for m in _published_models()
        .filter(slug__in=slugs)
        .select_related("profile__published_revision")
        .prefetch_related("capabilities", "offerings__regions")
    }
    ordered = [models[slug] for slug in slugs if slug in models]
    prices = reference_prices(models=ordered, as_of=as_of)
    speeds = speed_summaries(model_ids=[m.pk for m in ordered])
    verdicts = latest_published_verdicts(model_ids=[m.pk for m in ordered])
    profiles = {m.pk: getattr(m, "profile", None) for m in ordered}
    revision_ids = [p.published_revision_id for p in profiles.values() if p is not None]
    approvals = {
        a.revision_id: a
        for a in Approval.objects.filter(revision_id__in=revision_ids).select_related("reviewer")
    }
    columns = []
    for m in ordered:
        profile = profiles[m.pk]
        columns.append(
            CompareColumn(
                model=m,
                price=prices.get(m.pk),
                speed=speeds.get(m.pk),
                profile_data=profile.published_data() if profile else None,
                profile_approval=approvals.get(profile.published_revision_id or 0)
                if profile
                else None,
                verdict=verdicts.get(m.pk),
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
    return provider, leaderboard(as_of=as_of, provider_id=provider.pk, sort="tier")


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
class RankedEntry:
    rank: int
    note: str
    row: LeaderboardRow


def use_case_page(*, slug: str, as_of: dt.date) -> tuple[PublishedUseCase, list[RankedEntry]]:
    """A published use case and its ranked published models; raises UseCase.DoesNotExist."""
    use_case = UseCase.objects.published().select_related("published_revision").get(slug=slug)
    data = use_case.published_data() or {}
    entries = sorted(data.get("entries", []), key=lambda entry: entry["rank"])
    models = {m.slug: m for m in _published_models().filter(slug__in=[e["model"] for e in entries])}
    prices = reference_prices(models=list(models.values()), as_of=as_of)
    speeds = speed_summaries(model_ids=[m.pk for m in models.values()])
    ranked = [
        RankedEntry(
            rank=entry["rank"],
            note=entry["note"],
            row=LeaderboardRow(model=m, price=prices.get(m.pk), speed=speeds.get(m.pk)),
        )
        for entry in entries
        if (m := models.get(entry["model"])) is not None
    ]
    return PublishedUseCase(use_case=use_case, data=data), ranked


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
