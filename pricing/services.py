"""The price-map sync: fetch, validate, map, and write only what changed, in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from models_catalog.models import Offering, Tier
from models_catalog.services import CatalogueWriter
from tokonomix.core.pagecache import pages_invalidate, row_invalidation_deferred

from .fetch import fetch_feed
from .models import HeldPriceChange, PricePoint, PriceVector, SyncLock, SyncRun
from .sources import FeedRefused, NormalizedEntry, ParsedFeed, get_source

MILLION = Decimal(1_000_000)
# A feed that would delist more than this share of what the last good sync saw is refused.
MAX_DROP_SHARE = Decimal("0.20")
# A price that moves more than this many times up or down waits for an editor.
HOLD_FACTOR = Decimal(10)
# A feed with more than this share of invalid entries is refused: an invalid entry keeps
# its offering listed at its last good price, so many of them would freeze much of the site.
MAX_INVALID_SHARE = Decimal("0.02")

Progress = Callable[[int, int], None]


class SyncRefused(Exception):
    """The sync wrote nothing; `run` says why."""

    def __init__(self, run: SyncRun) -> None:
        super().__init__(run.reason)
        self.run = run


@dataclass
class _Counts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    held: int = 0
    delisted: int = 0
    facts_changed: int = 0
    new_points: list[PricePoint] = field(default_factory=list)


class _DryRunRollback(Exception):
    pass


# The stored precision of a $/M price (PRICE_FIELD's decimal places).
PRICE_QUANTUM = Decimal("1e-10")


def per_million(prices_per_token: dict[str, Decimal]) -> PriceVector:
    """$/token to $/M at the stored precision, so float noise in a feed
    (2.9999900000000002) compares equal to what the last sync stored."""
    return {
        kind: (value * MILLION).quantize(PRICE_QUANTUM).normalize()
        for kind, value in prices_per_token.items()
    }


def prices_sync(
    *,
    source: str = "litellm",
    url: str | None = None,
    path: Path | None = None,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> SyncRun:
    """Sync one price map into the catalogue and the price history.

    Returns the recorded SyncRun. Raises SyncRefused (with the run) when the feed is
    refused or the sync fails; nothing is written then, and the run says why.
    """
    price_source = get_source(source)
    location = (
        str(path)
        if path is not None
        else (url or settings.PRICE_MAP_URL or price_source.default_url)
    )
    run = SyncRun.objects.create(
        source=source, location=location, as_of=as_of or timezone.localdate()
    )
    started = time.monotonic()
    try:
        # Pages are dropped once below, when the sync applied.
        with row_invalidation_deferred():
            _sync(
                run,
                price_source,
                url=None if path else location,
                path=path,
                dry_run=dry_run,
                progress=progress,
            )
    except FeedRefused as refusal:
        run.outcome = SyncRun.Outcome.REFUSED
        run.reason = refusal.reason
    except Exception as error:
        run.outcome = SyncRun.Outcome.FAILED
        run.reason = f"{type(error).__name__}: {error}"[:2000]
    finally:
        run.finished_at = timezone.now()
        run.duration_ms = int((time.monotonic() - started) * 1000)
        run.save()
    if run.outcome in {SyncRun.Outcome.REFUSED, SyncRun.Outcome.FAILED}:
        raise SyncRefused(run)
    if run.outcome == SyncRun.Outcome.APPLIED:
        pages_invalidate()
        _follow_up(run)
    return run


# What runs after each applied sync, given the run's id once it is committed. Apps above
# pricing (editorial's verdict drafts) register here from their AppConfig.ready(), so
# pricing imports none of the apps that follow it.
SyncFollowUp = Callable[[int], object]
_follow_ups: list[SyncFollowUp] = []


def sync_follow_up_register(follow_up: SyncFollowUp) -> None:
    """Run `follow_up(sync_run_id)` after every applied sync commits (once per callable)."""
    if follow_up not in _follow_ups:
        _follow_ups.append(follow_up)


def _follow_up(run: SyncRun) -> None:
    for follow_up in _follow_ups:
        transaction.on_commit(partial(follow_up, run.pk))


def _sync(
    run: SyncRun,
    price_source: object,
    *,
    url: str | None,
    path: Path | None,
    dry_run: bool,
    progress: Progress | None,
) -> None:
    last_applied = (
        SyncRun.objects.filter(source=run.source, outcome=SyncRun.Outcome.APPLIED)
        .exclude(pk=run.pk)
        .first()
    )
    raw = _read_feed(run, url=url, path=path, last_applied=last_applied)
    if raw is None:
        return
    run.sha256 = hashlib.sha256(raw).hexdigest()
    if last_applied and last_applied.sha256 == run.sha256 and last_applied.as_of == run.as_of:
        run.outcome = SyncRun.Outcome.UNCHANGED
        run.reason = f"Same content as sync run {last_applied.pk}; nothing to do."
        return
    feed: ParsedFeed = price_source.parse(raw)  # type: ignore[attr-defined]
    del raw
    run.entry_count = feed.entry_count
    run.invalid = len(feed.invalid)
    run.invalid_entries = [{"key": bad.key, "reason": bad.reason} for bad in feed.invalid]
    _refuse_many_invalid(feed)
    try:
        with transaction.atomic():
            lock, _created = SyncLock.objects.get_or_create(source=run.source)
            # Two syncs never both write: the second waits here for the first to commit.
            SyncLock.objects.select_for_update().get(pk=lock.pk)
            counts = _apply(run, feed, progress=progress)
            run.added = counts.added
            run.changed = counts.changed
            run.unchanged = counts.unchanged
            run.held = counts.held
            run.delisted = counts.delisted
            run.facts_changed = counts.facts_changed
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        run.outcome = SyncRun.Outcome.DRY_RUN
        run.reason = "Dry run: the counts show what a real run would write."
        return
    run.outcome = SyncRun.Outcome.APPLIED


def _read_feed(
    run: SyncRun, *, url: str | None, path: Path | None, last_applied: SyncRun | None
) -> bytes | None:
    if path is not None:
        try:
            size = path.stat().st_size
        except OSError as error:
            raise FeedRefused(f"cannot read {path}: {error.strerror}") from error
        if size > settings.PRICE_MAP_MAX_BYTES:
            raise FeedRefused(
                f"{path} is {size:,} bytes, more than the {settings.PRICE_MAP_MAX_BYTES:,} allowed"
            )
        return path.read_bytes()
    assert url is not None
    result = fetch_feed(
        url,
        etag=last_applied.etag if last_applied and last_applied.etag else None,
        connect_timeout=settings.PRICE_MAP_CONNECT_TIMEOUT,
        deadline_s=settings.PRICE_MAP_DEADLINE,
        max_bytes=settings.PRICE_MAP_MAX_BYTES,
    )
    if result.not_modified:
        run.outcome = SyncRun.Outcome.UNCHANGED
        run.reason = "The server says the feed has not changed (304 Not Modified)."
        return None
    run.etag = result.etag or ""
    return result.body


def _apply(run: SyncRun, feed: ParsedFeed, *, progress: Progress | None) -> _Counts:
    counts = _Counts()
    writer = CatalogueWriter(source=run.source)
    # An invalid entry is not a missing one: its offering stays listed at its last good price.
    seen = {entry.key for entry in feed.entries} | {bad.key for bad in feed.invalid}
    _refuse_big_drops(run.source, seen)
    history = _load_history(run.source)
    flagship_tiers = set(Tier.objects.filter(is_flagship=True).values_list("pk", flat=True))
    total = len(feed.entries)
    for done, entry in enumerate(feed.entries, start=1):
        is_new = not writer.knows(entry.key)
        offering = writer.apply(entry)
        if is_new:
            counts.added += 1
        model = writer.model_of(offering)
        flagship = model.reference_offering_id == offering.pk and model.tier_id in flagship_tiers
        _apply_prices(run, offering, entry, history.get(offering.pk, []), counts, flagship=flagship)
        if progress is not None and (done % 250 == 0 or done == total):
            progress(done, total)
    PricePoint.objects.bulk_create(counts.new_points, batch_size=500)
    counts.delisted = writer.delist_missing(seen)
    counts.facts_changed = writer.counts.facts_changed
    return counts


def _refuse_many_invalid(feed: ParsedFeed) -> None:
    checked = len(feed.entries) + len(feed.invalid)
    if not checked:
        return
    share = Decimal(len(feed.invalid)) / Decimal(checked)
    if share > MAX_INVALID_SHARE:
        examples = "; ".join(f"{bad.key}: {bad.reason}" for bad in feed.invalid[:3])
        raise FeedRefused(
            f"{len(feed.invalid):,} of {checked:,} entries are invalid ({share:.1%}, more than "
            f"{MAX_INVALID_SHARE:.0%}); their offerings would stay at their last good prices, "
            f"so the feed is refused whole. First problems: {examples}"
        )


def _refuse_big_drops(source: str, seen: set[str]) -> None:
    listed = set(
        Offering.objects.listed().filter(source=source).values_list("source_key", flat=True)
    )
    if not listed:
        return
    dropped = listed - seen
    share = Decimal(len(dropped)) / Decimal(len(listed))
    if share > MAX_DROP_SHARE:
        examples = ", ".join(sorted(dropped)[:5])
        raise FeedRefused(
            f"the feed would drop {len(dropped):,} of the {len(listed):,} offerings the last "
            f"good sync saw ({share:.0%}, more than {MAX_DROP_SHARE:.0%}), e.g. {examples}"
        )


def _load_history(source: str) -> dict[int, list[PricePoint]]:
    history: dict[int, list[PricePoint]] = {}
    for point in PricePoint.objects.filter(offering__source=source).order_by(
        "offering_id", "effective_from"
    ):
        history.setdefault(point.offering_id, []).append(point)
    return history


def _apply_prices(
    run: SyncRun,
    offering: Offering,
    entry: NormalizedEntry,
    history: list[PricePoint],
    counts: _Counts,
    *,
    flagship: bool = False,
) -> None:
    new = per_million(entry.prices)
    if not new:
        return
    day = run.as_of
    before = [point for point in history if point.effective_from <= day]
    after = [point for point in history if point.effective_from > day]
    in_force = before[-1] if before else None
    if in_force is not None and in_force.vector() == new:
        counts.unchanged += 1
        return
    if in_force is not None and (jump := hold_reason(in_force.vector(), new, flagship=flagship)):
        HeldPriceChange.objects.create(
            offering=offering,
            sync_run=run,
            effective_from=day,
            previous_prices=_as_json(in_force.vector()),
            new_prices=_as_json(new),
            reason=jump,
        )
        counts.held += 1
        return
    counts.changed += 1
    price_point_write(
        offering=offering,
        day=day,
        prices=new,
        run=run,
        history=history,
        pending=counts.new_points,
        in_force=in_force,
        after=after,
    )


def price_point_write(
    *,
    offering: Offering,
    day: dt.date,
    prices: PriceVector,
    run: SyncRun | None,
    history: list[PricePoint] | None = None,
    pending: list[PricePoint] | None = None,
    in_force: PricePoint | None = None,
    after: Iterable[PricePoint] | None = None,
) -> None:
    """Make `prices` the offering's prices from `day` until its next recorded change.

    Back-filling keeps the history minimal: a later point that the new one makes
    redundant (same prices) is removed, so steps stay exactly where prices changed.
    """
    if history is None:
        history = list(offering.price_points.order_by("effective_from"))
        in_force = next((p for p in reversed(history) if p.effective_from <= day), None)
        after = [p for p in history if p.effective_from > day]
    if in_force is not None and in_force.effective_from == day:
        in_force.set_vector(prices)
        in_force.sync_run = run
        in_force.save()
    else:
        point = PricePoint(offering=offering, effective_from=day, sync_run=run)
        point.set_vector(prices)
        if pending is None:
            point.save()
        else:
            pending.append(point)
    following = next(iter(after or []), None)
    if following is not None and following.vector() == prices:
        following.delete()


def hold_reason(old: PriceVector, new: PriceVector, *, flagship: bool = False) -> str:
    """Why a move from `old` to `new` must wait for an editor, or "" when it need not: a
    price already listed that moves more than tenfold, to or from zero, or at all when it is
    what a flagship model's pages quote."""
    moved = [kind for kind in sorted(set(old) & set(new)) if old[kind] != new[kind]]
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


def _as_json(prices: PriceVector) -> dict[str, str]:
    return {kind: str(value) for kind, value in sorted(prices.items())}


def held_price_confirm(*, held: HeldPriceChange, by: object) -> None:
    """An editor confirms a held price: it is published from its original date."""
    with transaction.atomic():
        locked = HeldPriceChange.objects.select_for_update().get(pk=held.pk)
        if locked.status != HeldPriceChange.Status.PENDING:
            return
        price_point_write(
            offering=locked.offering,
            day=locked.effective_from,
            prices={kind: Decimal(value) for kind, value in locked.new_prices.items()},
            run=locked.sync_run,
        )
        locked.status = HeldPriceChange.Status.CONFIRMED
        locked.decided_by = by  # type: ignore[assignment]
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])


def held_price_reject(*, held: HeldPriceChange, by: object) -> None:
    """An editor rejects a held price: the previous price stays in force."""
    updated = HeldPriceChange.objects.filter(
        pk=held.pk, status=HeldPriceChange.Status.PENDING
    ).update(status=HeldPriceChange.Status.REJECTED, decided_by=by, decided_at=timezone.now())
    del updated  # a change someone already decided stays decided
