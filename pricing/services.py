"""The price-map sync: fetch, validate, map, and write only what changed, in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from models_catalog.models import Offering, Tier
from models_catalog.services import CatalogueWriter
from tokonomix.core.pagecache import pages_invalidate, row_invalidation_deferred

from . import crosscheck
from .fetch import FetchError, fetch_feed
from .history import (
    HOLD_FACTOR,
    SourceHistory,
    listings_record,
    per_million,
    price_point_write,
)
from .models import HeldPriceChange, SyncLock, SyncRun
from .sources import FeedRefused, ParsedFeed, get_source

# HOLD_FACTOR is the history's; the methodology page reads it here with the other limits.
__all__ = [
    "HOLD_FACTOR",
    "MAX_DROP_SHARE",
    "MAX_INVALID_SHARE",
    "SyncRefused",
    "held_price_confirm",
    "held_price_reject",
    "prices_sync",
    "refused_feed_apply",
    "sync_follow_up_register",
    "sync_runs_abandoned_fail",
]

# A feed that would delist more than this share of what the last good sync saw is refused.
MAX_DROP_SHARE = Decimal("0.20")
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
    delisted: int = 0
    facts_changed: int = 0
    not_in_catalogue: int = 0
    disputes_opened: int = 0


class _DryRunRollback(Exception):
    pass


def prices_sync(
    *,
    source: str = "litellm",
    url: str | None = None,
    path: Path | None = None,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    accept_drops: bool = False,
    accepted_by: Any = None,
    accepted_by_name: str = "",
    accepts_run: SyncRun | None = None,
    min_entries: int | None = None,
) -> SyncRun:
    """Sync one price map into the catalogue and the price history.

    Returns the recorded SyncRun. Raises SyncRefused (with the run) when the feed is
    refused or the sync fails; nothing is written then, and the run says why.

    `accept_drops` applies a feed the shrink guard would refuse: the offerings it no longer
    lists are delisted (never deleted; their history stays), and the run records who
    accepted it (`accepted_by`, a user, or `accepted_by_name`), when, and how many offerings
    it dropped. `accepts_run` is the refused run being applied: the feed must still be the
    one that run refused (same SHA-256).

    `min_entries` lowers the feed's truncation guard (50 entries) for a file whose
    provenance is known: the demo's excerpts of earlier releases.
    """
    price_source = get_source(source)
    if min_entries is not None:
        price_source.min_entries = min_entries
    # PRICE_MAP_URL moves litellm's map (a mirror); every other source has its own URL.
    configured = settings.PRICE_MAP_URL if source == "litellm" else ""
    location = str(path) if path is not None else (url or configured or price_source.default_url)
    run = SyncRun.objects.create(
        source=source,
        location=location,
        as_of=as_of or timezone.localdate(),
        accepts_run=accepts_run,
    )
    acceptance = (
        _Acceptance(by=accepted_by, name=accepted_by_name or _user_name(accepted_by))
        if accept_drops
        else None
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
                acceptance=acceptance,
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
    acceptance: _Acceptance | None,
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
    if run.accepts_run is not None and run.accepts_run.sha256 != run.sha256:
        raise FeedRefused(
            f"the feed at {run.location} is no longer the one sync run {run.accepts_run.pk} "
            "refused (its SHA-256 differs): sync it again and look at what it drops now"
        )
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
            counts = _apply(run, feed, progress=progress, acceptance=acceptance)
            run.added = counts.added
            run.delisted = counts.delisted
            run.not_in_catalogue = counts.not_in_catalogue
            run.disputes_opened = counts.disputes_opened
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
    try:
        result = fetch_feed(
            url,
            etag=last_applied.etag if last_applied and last_applied.etag else None,
            connect_timeout=settings.PRICE_MAP_CONNECT_TIMEOUT,
            deadline_s=settings.PRICE_MAP_DEADLINE,
            max_bytes=settings.PRICE_MAP_MAX_BYTES,
            redirect_hosts=frozenset(settings.PRICE_MAP_REDIRECT_HOSTS),
        )
    except FetchError as error:
        run.hops = list(error.hops) or [url]
        raise
    run.hops = list(result.hops)
    if result.not_modified:
        run.outcome = SyncRun.Outcome.UNCHANGED
        run.reason = "The server says the feed has not changed (304 Not Modified)."
        return None
    run.etag = result.etag or ""
    return result.body


def _apply(
    run: SyncRun, feed: ParsedFeed, *, progress: Progress | None, acceptance: _Acceptance | None
) -> _Counts:
    counts = _Counts()
    price_source = get_source(run.source)
    writer = CatalogueWriter(
        source=run.source,
        create_models=getattr(price_source, "creates_models", True),
        as_of=run.as_of,
    )
    # An invalid entry is not a missing one: its offering stays listed at its last good price.
    seen = {entry.key for entry in feed.entries} | {bad.key for bad in feed.invalid}
    _refuse_big_drops(run, seen, acceptance)
    history = SourceHistory(run=run)
    flagship_tiers = set(Tier.objects.filter(is_flagship=True).values_list("pk", flat=True))
    total = len(feed.entries)
    for done, entry in enumerate(feed.entries, start=1):
        is_new = not writer.knows(entry.key)
        offering = writer.apply(entry)
        if offering is None:
            continue  # a model the catalogue does not have, from a source that adds none
        if is_new:
            counts.added += 1
        model = writer.model_of(offering)
        prices, since = entry.prices_on(run.as_of)
        history.apply(
            offering,
            per_million(prices),
            day=since or run.as_of,
            date_source=run.source if since else "",
            flagship=model.reference_offering_id == offering.pk and model.tier_id in flagship_tiers,
        )
        if progress is not None and (done % 250 == 0 or done == total):
            progress(done, total)
    history.flush()
    counts.delisted = writer.delist_missing(seen)
    writer.facts_write()
    touched = writer.touched_model_ids()
    crosscheck.price_dates_refine(model_ids=touched)
    counts.disputes_opened = writer.counts.disputes_opened + crosscheck.price_disputes_check(
        model_ids=touched, as_of=run.as_of
    )
    counts.facts_changed = writer.counts.facts_changed
    counts.not_in_catalogue = writer.counts.not_in_catalogue
    run.changed = history.counts.changed
    run.unchanged = history.counts.unchanged
    run.held = history.counts.held
    run.first_listed = history.counts.first_listed
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


def _refuse_big_drops(run: SyncRun, seen: set[str], acceptance: _Acceptance | None) -> None:
    listed = set(
        Offering.objects.listed().filter(source=run.source).values_list("source_key", flat=True)
    )
    if not listed:
        return
    dropped = listed - seen
    share = Decimal(len(dropped)) / Decimal(len(listed))
    if share <= MAX_DROP_SHARE:
        return
    run.would_drop = len(dropped)
    if acceptance is not None:
        run.drops_accepted_by = acceptance.by
        run.drops_accepted_by_name = acceptance.name[:150]
        run.drops_accepted_at = timezone.now()
        return
    examples = ", ".join(sorted(dropped)[:5])
    raise FeedRefused(
        f"the feed would drop {len(dropped):,} of the {len(listed):,} offerings the last "
        f"good sync saw ({share:.0%}, more than {MAX_DROP_SHARE:.0%}), e.g. {examples}. "
        "If the source really stopped listing them, apply it on purpose: manage.py "
        'sync_prices --accept-drops, or "Apply anyway" on this sync run in the admin '
        "(the dropped offerings are delisted, never deleted)."
    )


@dataclass(frozen=True)
class _Acceptance:
    """Who applies a feed the shrink guard refused."""

    by: Any
    name: str


def _user_name(user: Any) -> str:
    return str(user.get_username()) if user is not None else ""


def refused_feed_apply(*, run: SyncRun, by: Any) -> SyncRun:
    """Apply, on purpose, a feed the shrink guard refused (the admin's "Apply anyway"):
    the same location and date again, accepted by `by`, provided the feed is unchanged.
    Raises SyncRefused as `prices_sync` does, and ValueError for a run it cannot apply."""
    if run.outcome != SyncRun.Outcome.REFUSED or not run.would_drop:
        raise ValueError(f"sync run {run.pk} was not refused for the offerings it drops")
    is_url = run.location.startswith(("http://", "https://"))
    return prices_sync(
        source=run.source,
        url=run.location if is_url else None,
        path=None if is_url else Path(run.location),
        as_of=run.as_of,
        accept_drops=True,
        accepted_by=by,
        accepts_run=run,
    )


def held_price_confirm(*, held: HeldPriceChange, by: object) -> None:
    """An editor confirms a held price: it is published from its original date."""
    with transaction.atomic():
        locked = HeldPriceChange.objects.select_for_update().get(pk=held.pk)
        if locked.status != HeldPriceChange.Status.PENDING:
            return
        prices = {kind: Decimal(value) for kind, value in locked.new_prices.items()}
        price_point_write(
            offering=locked.offering,
            day=locked.effective_from,
            prices=prices,
            run=locked.sync_run,
            history_given=False,
        )
        listings_record(offering=locked.offering, run=locked.sync_run, prices=prices)
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


def sync_runs_abandoned_fail(*, now: dt.datetime | None = None) -> int:
    """Fail the runs still "running" long after any live worker would have finished or
    been handed their task again (time limit plus the broker's visibility timeout): their
    worker died, and nothing was written, since a sync writes in one transaction."""
    cutoff = (now or timezone.now()) - dt.timedelta(
        seconds=settings.CELERY_TASK_TIME_LIMIT + settings.CELERY_VISIBILITY_TIMEOUT
    )
    return SyncRun.objects.filter(outcome=SyncRun.Outcome.RUNNING, started_at__lt=cutoff).update(
        outcome=SyncRun.Outcome.FAILED,
        reason="abandoned: its worker stopped before the end (nothing was written)",
        finished_at=now or timezone.now(),
    )
