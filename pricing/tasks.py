"""Thin Celery tasks of pricing: they take ids and plain values and call a service."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from tokonomix.core.schedule import scheduled_slot_claim

from .services import SyncRefused, prices_sync, sync_runs_abandoned_fail


@shared_task(
    name="pricing.tasks.sync_prices", autoretry_for=(SyncRefused,), retry_backoff=600, max_retries=2
)
def sync_prices(
    url: str | None = None, source: str | None = None, scheduled: bool = False
) -> dict[str, object]:
    """The weekly sync (beat). Without a source, one task per PRICE_SYNC_SOURCES, so each
    source is fetched, refused or retried on its own. A refused or failed run is
    recorded, then retried later."""
    if scheduled and not scheduled_slot_claim("pricing.tasks.sync_prices"):
        return {"skipped": "this slot's sync was already sent"}
    if source is None:
        for name in settings.PRICE_SYNC_SOURCES:
            sync_prices.delay(url=url if name == "litellm" else None, source=name)
        return {"queued": list(settings.PRICE_SYNC_SOURCES)}
    run = prices_sync(url=url, source=source)
    return {"sync_run": run.pk, "outcome": run.outcome}


@shared_task(name="pricing.tasks.sync_runs_sweep")
def sync_runs_sweep(scheduled: bool = False) -> int:
    """Fail the sync runs whose worker died mid-run (beat, every five minutes)."""
    return sync_runs_abandoned_fail()


@worker_ready.connect(weak=False, dispatch_uid="pricing-sweep-at-start")
def _sweep_at_start(**kwargs: object) -> None:
    sync_runs_abandoned_fail()
