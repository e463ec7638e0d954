"""Thin Celery tasks: they take ids, call a service and own their retry policy."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.db import DatabaseError, transaction

from tokonomix.core.schedule import scheduled_slot_claim

from .models import SampleSource, SpeedTarget
from .services import (
    QueuedRun,
    speed_runs_abandoned_fail,
    speed_runs_queue,
    speed_runs_queue_due,
    speedtest_execute,
    speedtest_fail,
)


def _hand_over(queued: list[QueuedRun]) -> list[int]:
    """Send each run to its region's queue once the runs are committed."""
    for run_id, queue in queued:
        if queue is None:
            transaction.on_commit(partial(run_speedtest.delay, run_id))
        else:
            transaction.on_commit(partial(run_speedtest.apply_async, args=(run_id,), queue=queue))
    return [run_id for run_id, _queue in queued]


def speedtests_enqueue(*, source: str, targets: Iterable[SpeedTarget] | None = None) -> list[int]:
    """Queue one run per target (every enabled one unless given), workload and prober
    region, and hand each to its region's workers once the runs are committed (the
    unscheduled fan-out, the admin's "test now")."""
    with transaction.atomic():
        return _hand_over(speed_runs_queue(source=source, targets=targets))


@shared_task(name="benchmarks.tasks.speedtests_fan_out")
def speedtests_fan_out(scheduled: bool = False) -> dict[str, int]:
    """Beat, every five minutes (scheduled): the runs that fell due, once per slot.
    Sent by hand: one run of every enabled target, workload and region, now."""
    if scheduled:
        if not scheduled_slot_claim("benchmarks.tasks.speedtests_fan_out"):
            return {"queued": 0}
        with transaction.atomic():
            run_ids = _hand_over(speed_runs_queue_due())
    else:
        run_ids = speedtests_enqueue(source=SampleSource.SCHEDULED)
    return {"queued": len(run_ids)}


@shared_task(name="benchmarks.tasks.speed_runs_sweep")
def speed_runs_sweep(scheduled: bool = False) -> int:
    """Fail the runs whose worker died or whose task was lost (beat, every five minutes)."""
    return speed_runs_abandoned_fail()


@worker_ready.connect(weak=False, dispatch_uid="speed-sweep-at-start")
def _sweep_at_start(**kwargs: object) -> None:
    speed_runs_abandoned_fail()


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
