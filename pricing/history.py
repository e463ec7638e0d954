"""Writing an offering's price history: change events, first listings, holds.

A `PricePoint` is a change event: it is written only when a price that was already
listed moves. A price listed for the first time (a new batch, flex or cache price, or a
whole new offering) is news about the source, not about the price: it joins the point in
force and is recorded as a `PriceListing` (first listed on the sync's date, by its run).
A price that stops being listed leaves the point in force the same way, and its listing
keeps its last value. So a chart or a list of changes never shows "$1.10 -> $1.10".

`SourceHistory` loads a source's points and listings once, so a whole feed costs no
query per unchanged offering; the sync service (`services.py`) drives it inside its one
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from models_catalog.models import Offering

from .models import HeldPriceChange, PriceListing, PricePoint, PriceVector, SyncRun

MILLION = Decimal(1_000_000)
# The stored precision of a $/M price (PRICE_FIELD's decimal places).
PRICE_QUANTUM = Decimal("1e-10")
# A price that moves more than this many times up or down waits for an editor.
HOLD_FACTOR = Decimal(10)


def per_million(prices_per_token: dict[str, Decimal]) -> PriceVector:
    """$/token to $/M at the stored precision, so float noise in a feed
    (2.9999900000000002) compares equal to what the last sync stored."""
    return {
        kind: (value * MILLION).quantize(PRICE_QUANTUM).normalize()
        for kind, value in prices_per_token.items()
    }


def hold_reason(old: PriceVector, new: PriceVector, *, flagship: bool = False) -> str:
    """Why a move from `old` to `new` must wait for an editor, or "" when it need not: a
    price already listed that moves more than tenfold, to or from zero, or at all when it is
    what a flagship model's pages quote."""
    moved = moved_kinds(old, new)
    for kind in moved:
        before, now = old[kind], new[kind]
        if before == 0 or now == 0:
            return f"{kind} price moved from ${before}/M to ${now}/M (to or from zero)"
        if now / before > HOLD_FACTOR or before / now > HOLD_FACTOR:
            return f"{kind} price moved from ${before}/M to ${now}/M (more than {HOLD_FACTOR}x)"
    if flagship and moved:
        kind = moved[0]
        return (
            f"{kind} price moved from ${old[kind]}/M to ${new[kind]}/M on the reference "
            "offering of a flagship model (every such move is confirmed first)"
        )
    return ""


def moved_kinds(old: PriceVector, new: PriceVector) -> list[str]:
    """The prices listed in both whose value differs: what makes a change event."""
    return [kind for kind in sorted(set(old) & set(new)) if old[kind] != new[kind]]


@dataclass
class HistoryCounts:
    changed: int = 0
    unchanged: int = 0
    held: int = 0
    first_listed: int = 0
    new_points: list[PricePoint] = field(default_factory=list)
    new_listings: list[PriceListing] = field(default_factory=list)


class SourceHistory:
    """A source's price points and listings, loaded once, and the rules that write them."""

    def __init__(self, *, run: SyncRun) -> None:
        self.run = run
        self.counts = HistoryCounts()
        self._points: dict[int, list[PricePoint]] = {}
        for point in PricePoint.objects.filter(offering__source=run.source).order_by(
            "offering_id", "effective_from"
        ):
            self._points.setdefault(point.offering_id, []).append(point)
        self._listings: dict[int, dict[str, PriceListing]] = {}
        for listing in PriceListing.objects.filter(offering__source=run.source):
            self._listings.setdefault(listing.offering_id, {})[listing.kind] = listing

    def apply(
        self,
        offering: Offering,
        prices: PriceVector,
        *,
        day: dt.date,
        date_source: str = "",
        flagship: bool = False,
    ) -> None:
        """Record `prices` ($/M) as the offering's price list on `day`."""
        if not prices:
            return
        history = self._points.get(offering.pk, [])
        before = [point for point in history if point.effective_from <= day]
        after = [point for point in history if point.effective_from > day]
        in_force = before[-1] if before else None
        if in_force is None:
            self._list(offering, prices, set(prices))
            self._write(offering, day, prices, date_source, in_force=None, after=after)
            return
        old = in_force.vector()
        if old == prices:
            self.counts.unchanged += 1
            return
        if not moved_kinds(old, prices):
            # Only prices first listed (or no longer listed): the point in force learns them.
            in_force.set_vector(prices)
            in_force.save()
            self._list(offering, prices, set(prices) - set(old))
            self._delist(offering, old, set(old) - set(prices))
            return
        if reason := hold_reason(old, prices, flagship=flagship):
            HeldPriceChange.objects.create(
                offering=offering,
                sync_run=self.run,
                effective_from=day,
                previous_prices=prices_as_json(old),
                new_prices=prices_as_json(prices),
                reason=reason,
            )
            self.counts.held += 1
            return
        self.counts.changed += 1
        self._list(offering, prices, set(prices) - set(old))
        self._delist(offering, old, set(old) - set(prices))
        self._write(offering, day, prices, date_source, in_force=in_force, after=after)

    def flush(self) -> None:
        PricePoint.objects.bulk_create(self.counts.new_points, batch_size=500)
        PriceListing.objects.bulk_create(self.counts.new_listings, batch_size=1000)

    def _write(
        self,
        offering: Offering,
        day: dt.date,
        prices: PriceVector,
        date_source: str,
        *,
        in_force: PricePoint | None,
        after: list[PricePoint],
    ) -> None:
        point = price_point_write(
            offering=offering,
            day=day,
            prices=prices,
            run=self.run,
            date_source=date_source,
            pending=self.counts.new_points,
            in_force=in_force,
            after=after,
        )
        if point is not None:
            history = self._points.setdefault(offering.pk, [])
            history.append(point)
            history.sort(key=lambda p: p.effective_from)

    def _list(self, offering: Offering, prices: PriceVector, kinds: set[str]) -> None:
        listed = self._listings.setdefault(offering.pk, {})
        is_new_offering = not listed
        for kind in sorted(kinds):
            listing = listed.get(kind)
            if listing is None:
                listing = PriceListing(
                    offering=offering,
                    kind=kind,
                    first_listed_on=self.run.as_of,
                    first_value=prices[kind],
                    sync_run=self.run,
                )
                listed[kind] = listing
                self.counts.new_listings.append(listing)
                if not is_new_offering:
                    self.counts.first_listed += 1
            elif listing.delisted_on is not None:
                # Listed again after a gap: its first listing stands.
                listing.delisted_on = None
                listing.last_value = None  # type: ignore[assignment]
                listing.save(update_fields=["delisted_on", "last_value"])

    def _delist(self, offering: Offering, old: PriceVector, kinds: set[str]) -> None:
        listed = self._listings.get(offering.pk, {})
        for kind in sorted(kinds):
            listing = listed.get(kind)
            if listing is not None and listing.pk is not None and listing.delisted_on is None:
                listing.delisted_on = self.run.as_of
                listing.last_value = old[kind]
                listing.save(update_fields=["delisted_on", "last_value"])


def price_point_write(
    *,
    offering: Offering,
    day: dt.date,
    prices: PriceVector,
    run: SyncRun | None,
    date_source: str = "",
    pending: list[PricePoint] | None = None,
    in_force: PricePoint | None = None,
    after: Iterable[PricePoint] | None = None,
    history_given: bool = True,
) -> PricePoint | None:
    """Make `prices` the offering's prices from `day` until its next recorded change;
    returns the new point (saved, or added to `pending`), or None when the point of that
    day was updated in place.

    Back-filling keeps the history minimal: a later point that the new one makes
    redundant (same prices) is removed, so steps stay exactly where prices changed.
    """
    if not history_given:
        history = list(offering.price_points.order_by("effective_from"))
        in_force = next((p for p in reversed(history) if p.effective_from <= day), None)
        after = [p for p in history if p.effective_from > day]
    created: PricePoint | None = None
    if in_force is not None and in_force.effective_from == day:
        in_force.set_vector(prices)
        in_force.sync_run = run
        in_force.save()
    else:
        created = PricePoint(
            offering=offering,
            effective_from=day,
            observed_on=run.as_of if run is not None else day,
            date_source=date_source,
            sync_run=run,
        )
        created.set_vector(prices)
        if pending is None:
            created.save()
        else:
            pending.append(created)
    following = next(iter(after or []), None)
    if following is not None and following.vector() == prices:
        following.delete()
    return created


def prices_as_json(prices: PriceVector) -> dict[str, str]:
    return {kind: str(value) for kind, value in sorted(prices.items())}


def listings_record(*, offering: Offering, run: SyncRun | None, prices: PriceVector) -> None:
    """Listings for the prices of `prices` the offering does not list yet (a confirmed
    held change may carry new ones)."""
    listed = set(PriceListing.objects.filter(offering=offering).values_list("kind", flat=True))
    day = run.as_of if run is not None else dt.date.today()
    PriceListing.objects.bulk_create(
        PriceListing(
            offering=offering,
            kind=kind,
            first_listed_on=day,
            first_value=value,
            sync_run=run,
        )
        for kind, value in sorted(prices.items())
        if kind not in listed
    )
