"""Celery under faults, with real processes on the Redis broker: two beats started by
mistake send each scheduled task once per slot, and a worker killed mid-task has its task
taken over by another within the visibility timeout, not an hour later."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from benchmarks.models import SpeedTestRun
from benchmarks.simulator import SimulatedModel, SimulatorServer
from benchmarks.speed.services import speed_run_create_for_target
from tests.benchmarks.conftest import speed_target
from tests.conftest import ROOT, celery_env
from tokonomix.core.models import ScheduledSlot

PUBLISH_DUE = "tokonomix.core.workflow.tasks.publish_due"


def celery(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tokonomix", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until(condition, *, timeout_s: float, what: str) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout_s, f"{what} within {timeout_s} s"
        time.sleep(0.25)
    return time.monotonic() - started


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_beats_send_each_scheduled_task_once_per_slot(
    celery_worker_process, redis_url, tmp_path
):
    env = celery_env(
        PUBLISH_DUE_CRON="* * * * *",
        CELERY_REDBEAT_KEY_PREFIX=f"tokonomix-test-{uuid.uuid4().hex[:8]}:",
    )
    log = tmp_path / "beats.log"
    beats = [
        celery("beat", "--loglevel=INFO", "-s", str(tmp_path / f"schedule-{n}"), env=env, log=log)
        for n in (1, 2)
    ]
    try:
        # Once a beat is up (its heartbeat, written at start), the next minute at least
        # 10 s away is the slot to watch.
        from tokonomix.core.heartbeat import heartbeats_alive

        wait_until(lambda: heartbeats_alive()["beat"], timeout_s=30, what="a beat started")
        now = timezone.now()
        boundary = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        if (boundary - now).total_seconds() < 10:
            boundary += dt.timedelta(minutes=1)
        wait_until(
            lambda: ScheduledSlot.objects.filter(task=PUBLISH_DUE, slot__gte=boundary).exists(),
            timeout_s=(boundary - now).total_seconds() + 30,
            what="the first slot's publish_due ran",
        )
        time.sleep(5)  # a second send, if any, would arrive in this time
    finally:
        stop(*beats)

    slots = list(ScheduledSlot.objects.filter(task=PUBLISH_DUE, slot__gte=boundary))
    assert len(slots) == 1, log.read_text()[-3000:]
    # The second beat never sent it (it waited for the first one's lock in Redis)...
    assert slots[0].refused == 0
    # ...and had it done so, the slot's claim would have turned the copy away.
    from tokonomix.core.schedule import scheduled_slot_claim

    assert not scheduled_slot_claim(PUBLISH_DUE, now=slots[0].slot + dt.timedelta(seconds=30))


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_task_of_a_killed_worker_is_taken_over_within_the_visibility_timeout(redis_url, tmp_path):
    """The attack: the whole worker dies mid-task. With Redis's default visibility timeout
    the task came back an hour later; here the settings put it just above the time limit."""
    queue = f"faults-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    env = celery_env(CELERY_TASK_TIME_LIMIT="8", CELERY_VISIBILITY_TIMEOUT="10")
    log = tmp_path / "workers.log"

    def worker(name: str) -> subprocess.Popen[bytes]:
        return celery(
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "-n",
            f"{name}-{queue}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            env=env,
            log=log,
        )

    slow = SimulatedModel(ttft_ms=200.0, inter_token_ms=40.0, tokens=40)  # ~1.8 s a sample
    with SimulatorServer({"slow": slow}) as simulator:
        target = speed_target(base_url=simulator.base_url, api_model="slow", samples_per_test=2)
        run = speed_run_create_for_target(target=target, source="manual")
        from benchmarks.speed.tasks import run_speedtest

        first = worker("first")
        try:
            run_speedtest.apply_async(args=(run.pk,), queue=queue)
            wait_until(
                lambda: SpeedTestRun.objects.get(pk=run.pk).status == "running",
                timeout_s=30,
                what="the first worker started the run",
            )
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
            killed_at = time.monotonic()
            second = worker("second")
            try:
                wait_until(
                    lambda: SpeedTestRun.objects.get(pk=run.pk).status == "completed",
                    timeout_s=60,
                    what="another worker finished the run",
                )
                taken_over_after = time.monotonic() - killed_at
            finally:
                stop(second)
        finally:
            stop(first)

    run.refresh_from_db()
    assert run.attempt == 2, log.read_text()[-3000:]
    assert run.ok_samples == 2
    assert taken_over_after < 45  # minutes at worst in production, never an hour
