"""Thin Celery tasks: they take ids, call a service and own their retry policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, transaction

from .models import SampleSource, SpeedTarget
from .services import (
    speed_runs_abandoned_fail,
    speed_runs_queue,
    speedtest_execute,
    speedtest_fail,
)


def speedtests_enqueue(*, source: str, targets: Iterable[SpeedTarget] | None = None) -> list[int]:
    """Queue one run per target (every enabled one unless given) and hand each to a worker
    once the runs are committed (the beat's fan-out, the admin's "test now")."""
    with transaction.atomic():
        run_ids = speed_runs_queue(source=source, targets=targets)
        for run_id in run_ids:
            transaction.on_commit(partial(run_speedtest.delay, run_id))
    return run_ids


@shared_task(name="benchmarks.tasks.speedtests_fan_out")
def speedtests_fan_out() -> dict[str, int]:
    """The scheduled run (beat): fail runs lost long ago, then queue one run per target."""
    abandoned = speed_runs_abandoned_fail(
        older_than=dt.timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    )
    run_ids = speedtests_enqueue(source=SampleSource.SCHEDULED)
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
