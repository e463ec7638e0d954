from celery import shared_task
from django.conf import settings

from .services import SyncRefused, prices_sync


@shared_task(
    name="pricing.tasks.sync_prices", autoretry_for=(SyncRefused,), retry_backoff=600, max_retries=2
)
def sync_prices(url: str | None = None, source: str | None = None) -> dict[str, object]:
    """The weekly sync (beat). Without a source, one task per PRICE_SYNC_SOURCES, so each
    source is fetched, refused or retried on its own. A refused or failed run is
    recorded, then retried later."""
    if source is None:
        for name in settings.PRICE_SYNC_SOURCES:
            sync_prices.delay(url=url if name == "litellm" else None, source=name)
        return {"queued": list(settings.PRICE_SYNC_SOURCES)}
    run = prices_sync(url=url, source=source)
    return {"sync_run": run.pk, "outcome": run.outcome}
