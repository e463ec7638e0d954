"""The testbench's Celery task, and the hand-off of a committed run to a worker."""

from __future__ import annotations

import logging
import threading
from functools import partial

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connections, transaction
from django.utils.translation import gettext as _

from .execute import testbench_execute
from .runs import testbench_fail, testbench_unsent_fail

logger = logging.getLogger(__name__)


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


def testbench_dispatch(run_id: int) -> None:
    """Hand a run to a worker once the transaction that wrote it commits (at once when
    there is none)."""
    transaction.on_commit(partial(_hand_over, run_id))


def _hand_over(run_id: int) -> None:
    """To a Celery worker, or to a daemon thread when tasks are eager: an eager task would
    run inside the POST and keep the reader waiting for the slowest model with nothing on
    screen; a thread lets the page appear at once and follow the progress exactly as it
    does with a real worker."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        threading.Thread(
            target=_run_in_thread, args=(run_id,), name=f"testbench-{run_id}", daemon=True
        ).start()
        return
    try:
        run_testbench.delay(run_id)
    except Exception as error:  # kombu's OperationalError and the like: the broker is away
        testbench_unsent_fail(
            run_id=run_id,
            reason=_("the task queue was unavailable, so the run was never started"),
        )
        raise QueueUnavailable from error


class QueueUnavailable(Exception):
    """The broker did not take the run; it was failed, unsent and free of charge."""


def _run_in_thread(run_id: int) -> None:
    try:
        run_testbench.apply(args=(run_id,), throw=True)
    except Exception:
        logger.exception("testbench run %s failed in its thread", run_id)
        testbench_fail(run_id=run_id, reason=_("the run stopped unexpectedly"))
    finally:
        connections.close_all()
