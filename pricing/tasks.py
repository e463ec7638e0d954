from celery import shared_task

from .services import SyncRefused, prices_sync


@shared_task(
    name="pricing.tasks.sync_prices", autoretry_for=(SyncRefused,), retry_backoff=600, max_retries=2
)
def sync_prices(url: str | None = None) -> dict[str, object]:
    """The weekly sync (beat). A refused or failed run is recorded, then retried later."""
    run = prices_sync(url=url)
    return {"sync_run": run.pk, "outcome": run.outcome}
