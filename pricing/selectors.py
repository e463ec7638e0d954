"""Reads of prices for pages, feeds and the API; each function's query count is fixed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Exists,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, JSONObject

from models_catalog.models import Dispute, Model, Offering
from tokonomix.core import flags

from .costs import format_usd, typical_conversation_cost
from .history import moved_kinds
from .models import PRICE_FIELD, PriceListing, PricePoint, SyncRun


@dataclass(frozen=True)
class RateMove:
    since: dt.date
    previous: Decimal | None  # None: the same rate since it was first listed


@dataclass(frozen=True)
class OfferingPrices:
    offering: Offering
    current: PricePoint | None
    # Every point, oldest first; loaded for the reference offering only (model_pricing).
    history: list[PricePoint] = field(default_factory=list)

    @property
    def typical_cost(self) -> Decimal | None:
        if self.current is None:
            return None
        return typical_conversation_cost(
            self.current.input_per_million, self.current.output_per_million
        )

    @property
    def rate_moves(self) -> dict[str, RateMove]:
        """For the input and output rate in force: since when it holds and what it was
        before (None: unchanged since first listed), from the history."""
        moves: dict[str, RateMove] = {}
        if self.current is None:
            return moves
        for kind in ("input", "output"):
            name = f"{kind}_per_million"
            value = getattr(self.current, name)
            since, before = self.current.effective_from, None
            for point in reversed(self.history):
                if point.effective_from > self.current.effective_from:
                    continue
                if getattr(point, name) != value:
                    before = getattr(point, name)
                    break
                since = point.effective_from
            moves[kind] = RateMove(since=since, previous=before)
        return moves

    @property
    def bar_percents(self) -> dict[str, int]:
        """The input and output rates as percents of the larger, for the bars beside them."""
        if self.current is None:
            return {}
        rates = {"input": self.current.input_per_million, "output": self.current.output_per_million}
        top = max(rates.values())
        if not top:
            return {kind: 0 for kind in rates}
        return {kind: max(1, round(100 * value / top)) for kind, value in rates.items()}

    @property
    def rate_changes(self) -> list[PricePoint]:
        """The points of the history where the input or output rate moved (and the first):
        what a chart of those two rates and its table show."""
        return rate_changes(self.history)


def rate_changes(history: Sequence[PricePoint]) -> list[PricePoint]:
    """The points of a history (oldest first) where the input or output rate moved, and
    the first."""
    changes: list[PricePoint] = []
    for point in history:
        if not changes or (point.input_per_million, point.output_per_million) != (
            changes[-1].input_per_million,
            changes[-1].output_per_million,
        ):
            changes.append(point)
    return changes


@dataclass(frozen=True)
class PriceDispute:
    """A price of the reference offering's host the sources disagree on."""

    kind: str
    values: dict[str, Decimal]  # source -> $/M

    @property
    def badges(self) -> list[flags.Badge]:
        return flags.disputed_badges(
            {source: format_usd(value) for source, value in self.values.items()}
        )

    @property
    def said(self) -> list[tuple[str, str]]:
        return [(source, format_usd(value)) for source, value in sorted(self.values.items())]


@dataclass(frozen=True)
class ModelPricing:
    model: Model
    reference: OfferingPrices | None
    offerings: list[OfferingPrices]
    last_sync: SyncRun | None
    as_of: dt.date
    alternatives: list[Alternative] = field(default_factory=list)
    # The reference host's prices as each source lists them (one offering a source).
    by_source: list[OfferingPrices] = field(default_factory=list)
    disputes: dict[str, PriceDispute] = field(default_factory=dict)

    @property
    def has_prices(self) -> bool:
        return self.reference is not None and self.reference.current is not None

    @property
    def input_dispute(self) -> PriceDispute | None:
        return self.disputes.get("input")

    @property
    def output_dispute(self) -> PriceDispute | None:
        return self.disputes.get("output")

    @property
    def cache_read_dispute(self) -> PriceDispute | None:
        return self.disputes.get("cache_read")


@dataclass(frozen=True)
class Alternative:
    model: Model
    price: ReferencePrice | None  # what the model's own page quotes
    is_peer: bool

    @property
    def typical_cost(self) -> Decimal | None:
        return self.price.typical_cost if self.price else None


def last_sync(*, source: str = "litellm") -> SyncRun | None:
    """The latest sync that left the prices as they are (applied, or found nothing new)."""
    return (
        SyncRun.objects.filter(
            source=source, outcome__in=[SyncRun.Outcome.APPLIED, SyncRun.Outcome.UNCHANGED]
        )
        .order_by("-started_at", "-pk")
        .first()
    )


def model_pricing(
    *, model: Model, as_of: dt.date | None = None, offerings: list[Offering] | None = None
) -> ModelPricing:
    """Every listed offering of the model with the price in force, and the reference
    offering's full history; 6 queries whatever the history, or 4 when given the model's
    `offerings` already loaded with host and regions (one fewer for a model with one
    offering, and 1 more when the model's peers were not loaded with it)."""
    day = as_of or dt.date.today()
    if offerings is None:
        offerings = list(
            Offering.objects.filter(model=model, delisted_at__isnull=True)
            .select_related("host")
            .prefetch_related("regions")
        )
    offerings = sorted((o for o in offerings if o.delisted_at is None), key=lambda o: o.source_key)
    if not offerings:
        return ModelPricing(
            model=model,
            reference=None,
            offerings=[],
            last_sync=last_sync(),
            as_of=day,
            alternatives=alternatives(model=model, as_of=day),
        )
    reference_offering = next(
        (o for o in offerings if o.pk == model.reference_offering_id), offerings[0]
    )
    history = list(
        PricePoint.objects.filter(offering=reference_offering).order_by("effective_from", "pk")
    )
    for point in history:
        point.offering = reference_offering
    others = [o for o in offerings if o is not reference_offering]
    current = current_points(offering_ids=[o.pk for o in others], as_of=day) if others else {}
    reference = OfferingPrices(
        offering=reference_offering,
        current=next((p for p in reversed(history) if p.effective_from <= day), None),
        history=history,
    )
    others.sort(key=lambda o: (o.host.name, o.source_key))
    rows = [reference, *(OfferingPrices(offering=o, current=current.get(o.pk)) for o in others)]
    return ModelPricing(
        model=model,
        reference=reference,
        offerings=rows,
        last_sync=last_sync(),
        as_of=day,
        alternatives=alternatives(model=model, as_of=day),
        by_source=_by_source(reference, rows),
        disputes=_price_disputes(model),
    )


def _by_source(reference: OfferingPrices, rows: list[OfferingPrices]) -> list[OfferingPrices]:
    """The reference host's plain offering (no region, no variant) of each source, the
    reference's own source first; from rows already read."""
    chosen: dict[str, OfferingPrices] = {reference.offering.source: reference}
    plain = [
        row
        for row in rows
        if row.offering.host_id == reference.offering.host_id
        and not row.offering.variant
        and not row.offering.regions.all()
    ]
    for row in sorted(plain, key=lambda r: (len(r.offering.source_key), r.offering.source_key)):
        chosen.setdefault(row.offering.source, row)
    return list(chosen.values()) if len(chosen) > 1 else []


def _price_disputes(model: Model) -> dict[str, PriceDispute]:
    """The model's open price disputes, from what model_header prefetched (else 1 query)."""
    loaded = getattr(model, "open_disputes", None)
    if loaded is None:
        loaded = Dispute.objects.open().filter(model=model)
    return {
        d.field.split(":", 1)[1]: PriceDispute(
            kind=d.field.split(":", 1)[1],
            values={source: Decimal(value) for source, value in d.values.items()},
        )
        for d in loaded
        if d.field.startswith("price:")
    }


def alternatives(*, model: Model, as_of: dt.date, limit: int = 8) -> list[Alternative]:
    """Peers editors picked, then published models of the same tier, each with the price
    its page quotes; 1 query, and one more unless the model's peers were loaded with it
    (model_header)."""
    peer_ids = {peer.pk for peer in model.peers.all()}
    candidates = Model.objects.published().exclude(pk=model.pk)
    condition = Q(pk__in=peer_ids)
    if model.tier_id is not None:
        condition |= Q(tier_id=model.tier_id)
    chosen = list(
        with_reference_price(candidates.filter(condition), as_of=as_of)
        .annotate(is_peer=Q(pk__in=peer_ids))
        .order_by("-is_peer", "name")[:limit]
    )
    return [
        Alternative(model=m, price=reference_price_of(m), is_peer=m.pk in peer_ids) for m in chosen
    ]


def current_points(*, offering_ids: list[int], as_of: dt.date) -> dict[int, PricePoint]:
    """The point in force on `as_of` for each offering; one query."""
    points = PricePoint.objects.in_force_on(as_of, offering_ids=offering_ids).order_by()
    return {point.offering_id: point for point in points}


def price_points(*, model: Model, as_of: dt.date | None = None) -> list[PricePoint]:
    """The model's price points (all of them, or those in force on `as_of`), each offering
    with its host and its price listings; 3 queries."""
    queryset = PricePoint.objects.for_model(model.pk).select_related("offering__host")
    if as_of is not None:
        queryset = queryset.in_force_on(as_of)
    points = list(queryset.order_by("offering__source_key", "effective_from"))
    _attach_listings(points)
    return points


def _attach_listings(points: Sequence[PricePoint]) -> None:
    """Each point's offering gets `listed`, its price listings by kind; 1 query."""
    listings: dict[int, dict[str, PriceListing]] = {}
    for listing in PriceListing.objects.filter(offering_id__in={p.offering_id for p in points}):
        listings.setdefault(listing.offering_id, {})[listing.kind] = listing
    for point in points:
        point.offering.listed = listings.get(point.offering_id, {})  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PriceChange:
    """A point that moved a price its offering already listed, with the point before it."""

    point: PricePoint
    previous: PricePoint

    @property
    def offering(self) -> Offering:
        return self.point.offering

    @property
    def previous_input(self) -> Decimal | None:
        return self.previous.input_per_million

    @property
    def previous_output(self) -> Decimal | None:
        return self.previous.output_per_million

    @property
    def moved(self) -> list[str]:
        """The prices listed before and after whose value changed."""
        return moved_kinds(self.previous.vector(), self.point.vector())


_NO_PRICE = Value(Decimal(-1), output_field=DecimalField(max_digits=18, decimal_places=10))


def price_changes(
    *,
    since: dt.date | None = None,
    model: Model | None = None,
    limit: int = 100,
    all_prices: bool = False,
) -> list[PriceChange]:
    """Moves of an input or output price already listed, newest first (with `all_prices`,
    moves of any price already listed: cached input, batch, audio...). Prices first listed
    are not changes (see `first_listings`). 3 queries."""
    previous = PricePoint.objects.filter(
        offering=OuterRef("offering"), effective_from__lt=OuterRef("effective_from")
    ).order_by("-effective_from")
    queryset = (
        PricePoint.objects.annotate(previous_id=Subquery(previous.values("pk")[:1]))
        .filter(previous_id__isnull=False)
        .select_related("offering__model", "offering__host")
    )
    if not all_prices:
        queryset = queryset.alias(
            rate_in=Coalesce("input_per_million", _NO_PRICE),
            rate_out=Coalesce("output_per_million", _NO_PRICE),
            previous_in=Coalesce(Subquery(previous.values("input_per_million")[:1]), _NO_PRICE),
            previous_out=Coalesce(Subquery(previous.values("output_per_million")[:1]), _NO_PRICE),
        ).exclude(rate_in=F("previous_in"), rate_out=F("previous_out"))
    # A price the sources dispute is no change yet: its latest point waits until they agree
    # again or an editor confirms it.
    disputed = Dispute.offerings.through.objects.filter(
        offering_id=OuterRef("offering_id"),
        dispute__status=Dispute.Status.OPEN,
        dispute__field__in=[f"price:{kind}" for kind in ("input", "output", "cache_read")],
    )
    later = PricePoint.objects.filter(
        offering=OuterRef("offering"), effective_from__gt=OuterRef("effective_from")
    )
    queryset = queryset.exclude(Exists(disputed) & ~Exists(later))
    if model is not None:
        queryset = queryset.filter(offering__model=model)
    if since is not None:
        queryset = queryset.filter(effective_from__gte=since)
    points = list(queryset.order_by("-effective_from", "offering__source_key")[:limit])
    before = PricePoint.objects.in_bulk([p.previous_id for p in points])  # type: ignore[attr-defined]
    _attach_listings(points)
    return [
        PriceChange(point=point, previous=before[point.previous_id])  # type: ignore[attr-defined]
        for point in points
    ]


@dataclass(frozen=True)
class FirstListing:
    """Prices an offering's source listed for the first time on one day."""

    offering: Offering
    first_listed_on: dt.date
    listings: list[PriceListing]
    new_offering: bool  # its first prices at all, rather than new ones beside listed ones


def first_listings(
    *, since: dt.date | None = None, model: Model | None = None, limit: int = 200
) -> list[FirstListing]:
    """Prices first listed, newest first, grouped by offering and day; 1 query."""
    first_day = (
        PriceListing.objects.filter(offering=OuterRef("offering"))
        .order_by("first_listed_on")
        .values("first_listed_on")[:1]
    )
    queryset = PriceListing.objects.annotate(offering_first_day=Subquery(first_day)).select_related(
        "offering__model", "offering__host"
    )
    if model is not None:
        queryset = queryset.filter(offering__model=model)
    if since is not None:
        queryset = queryset.filter(first_listed_on__gte=since)
    groups: dict[tuple[int, dt.date], FirstListing] = {}
    for listing in queryset.order_by("-first_listed_on", "offering__source_key", "kind")[
        : limit * 8
    ]:
        key = (listing.offering_id, listing.first_listed_on)
        if key not in groups:
            if len(groups) == limit:
                break
            groups[key] = FirstListing(
                offering=listing.offering,
                first_listed_on=listing.first_listed_on,
                listings=[],
                new_offering=listing.offering_first_day == listing.first_listed_on,  # type: ignore[attr-defined]
            )
        groups[key].listings.append(listing)
    return list(groups.values())


@dataclass(frozen=True)
class ReferencePrice:
    """The price a listing quotes for a model: its reference offering's point in force."""

    source_key: str  # the quoted offering's key in the price map
    input_per_million: Decimal | None
    output_per_million: Decimal | None
    effective_from: dt.date
    cache_read_per_million: Decimal | None = None

    @property
    def typical_cost(self) -> Decimal | None:
        return typical_conversation_cost(self.input_per_million, self.output_per_million)


def with_reference_price(queryset: QuerySet[Model], *, as_of: dt.date) -> QuerySet[Model]:
    """Models with the price their pages quote, in the same query: the point in force on
    `as_of` at the reference offering while it is listed, else at the first listed offering
    by source key (as `model_pricing` picks). Read it with `reference_price_of(model)`;
    filter and sort on `quoted_input_per_million` and `quoted_output_per_million`.

    The point is read once a model, all its columns in one JSON object (`quoted_price`); the
    two rates a filter or sort may use are aliases, computed only where one is used. Five
    subqueries a column, each repeating the offering's choice, cost 6 ms of the home page's
    30 (compiled and run for 350 models; measured in process on bench_home's data,
    2026-12-02)."""
    listed = Offering.objects.listed().filter(model=OuterRef("pk"))
    quoted_offering = Case(
        When(
            Q(reference_offering__model=F("pk"), reference_offering__delisted_at__isnull=True),
            then=F("reference_offering_id"),
        ),
        default=Subquery(listed.order_by("source_key").values("pk")[:1]),
    )
    in_force = PricePoint.objects.filter(
        offering=OuterRef("quoted_offering_id"), effective_from__lte=as_of
    ).order_by("-effective_from")
    # Figures as text: a JSON number would come back a float.
    point = JSONObject(
        offering_id="offering_id",
        source_key="offering__source_key",
        input=Cast("input_per_million", CharField()),
        output=Cast("output_per_million", CharField()),
        cache_read=Cast("cache_read_per_million", CharField()),
        effective_from=Cast("effective_from", CharField()),
    )
    return (
        queryset.alias(quoted_offering_id=quoted_offering)
        .alias(
            quoted_input_per_million=Subquery(in_force.values("input_per_million")[:1]),
            quoted_output_per_million=Subquery(in_force.values("output_per_million")[:1]),
        )
        .annotate(quoted_price=Subquery(in_force.values(point=point)[:1], output_field=JSONField()))
    )


def quoted_rate_changes(*, models: Sequence[Model], as_of: dt.date) -> dict[int, list[PricePoint]]:
    """For models read with `with_reference_price`: the rate changes of the offering each
    one's page quotes, up to `as_of` (model id -> points, oldest first); one query."""
    quoted = {
        price["offering_id"]: model.pk
        for model in models
        if (price := getattr(model, "quoted_price", None)) is not None
    }
    histories: dict[int, list[PricePoint]] = {model_id: [] for model_id in quoted.values()}
    for point in PricePoint.objects.filter(
        offering_id__in=list(quoted), effective_from__lte=as_of
    ).order_by("offering_id", "effective_from", "pk"):
        histories[quoted[point.offering_id]].append(point)
    return {model_id: rate_changes(points) for model_id, points in histories.items()}


_RATE_PLACES = Decimal(1).scaleb(-PRICE_FIELD["decimal_places"])


def _rate(text: str | None) -> Decimal | None:
    # Quantized as the field's own converter would (SQLite hands back 1.1 for 1.1000000000).
    return None if text is None else Decimal(text).quantize(_RATE_PLACES)


def reference_price_of(model: Model) -> ReferencePrice | None:
    """The quoted price `with_reference_price` read with the model; None without a point."""
    point: dict[str, Any] | None = getattr(model, "quoted_price", None)
    if point is None:
        return None
    return ReferencePrice(
        source_key=point["source_key"],
        input_per_million=_rate(point["input"]),
        output_per_million=_rate(point["output"]),
        effective_from=dt.date.fromisoformat(point["effective_from"]),
        cache_read_per_million=_rate(point["cache_read"]),
    )
