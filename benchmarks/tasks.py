"""Thin Celery tasks: they take ids, call a service and own their retry policy."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError

from .models import SampleSource
from .services import (
    speed_runs_abandoned_fail,
    speedtest_execute,
    speedtest_fail,
    speedtests_schedule,
)
from .testbench import testbench_execute, testbench_fail
from .verdicts import verdicts_draft_for_sync


@shared_task(name="benchmarks.tasks.speedtests_fan_out")
def speedtests_fan_out() -> dict[str, int]:
    """The scheduled run (beat): fail runs lost long ago, then queue one run per target."""
    abandoned = speed_runs_abandoned_fail(
        older_than=dt.timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    )
    run_ids = speedtests_schedule(source=SampleSource.SCHEDULED)
    return {"queued": len(run_ids), "abandoned": abandoned}


@shared_task(
    name="benchmarks.tasks.run_speedtest",
    autoretry_for=(DatabaseError,),
    retry_backoff=30,
    max_retries=2,
)
def run_speedtest(run_id: int) -> dict[str, object]:
    """One target's test. Redelivered after a worker dies (acks_late): the service retries."""
    try:
        run = speedtest_execute(run_id=run_id)
    except SoftTimeLimitExceeded:
        speedtest_fail(run_id=run_id, reason="the test ran past the task's time limit")
        raise
    return {"run": run.pk, "status": run.status, "ok": run.ok_samples, "errors": run.error_samples}


@shared_task(name="benchmarks.tasks.open_verdict_drafts")
def open_verdict_drafts(sync_run_id: int) -> list[int]:
    """After a price sync: draft verdicts for the published models it changed."""
    return [verdict.pk for verdict in verdicts_draft_for_sync(sync_run_id=sync_run_id)]


@shared_task(name="benchmarks.tasks.run_testbench")
def run_testbench(run_id: int) -> dict[str, object]:
    """One live-testbench run: every model at once. A second delivery finds it claimed.

    No automatic retry: a retried run would spend the reader's money twice.
    """
    try:
        run = testbench_execute(run_id=run_id)
    except SoftTimeLimitExceeded:
        testbench_fail(run_id=run_id, reason="the run went past the task's time limit")
        raise
    return {"run": str(run.public_id), "status": run.status}
