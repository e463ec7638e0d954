"""Thin Celery tasks of reviewed content: they take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from .drafts import verdicts_draft_for_sync


@shared_task(name="editorial.tasks.open_verdict_drafts")
def open_verdict_drafts(sync_run_id: int) -> list[int]:
    """After a price sync: draft verdicts for the published models it changed."""
    return [verdict.pk for verdict in verdicts_draft_for_sync(sync_run_id=sync_run_id)]
