"""The scheduled path: fan-out, one task per target, through a real worker on Redis."""

from __future__ import annotations

import time

import pytest
from django.conf import settings

from benchmarks.models import SpeedSample, SpeedSummary, SpeedTestRun
from benchmarks.simulator import SimulatorServer
from benchmarks.speed.tasks import speedtests_fan_out
from tests.conftest import skip_or_fail

from .conftest import speed_target


def test_beat_looks_for_due_speed_tests_every_five_minutes() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["speed-tests"]

    assert entry["task"] == "benchmarks.tasks.speedtests_fan_out"
    assert entry["kwargs"] == {"scheduled": True}
    assert entry["schedule"].minute == set(range(0, 60, 5))
    assert entry["schedule"].hour == set(range(24))


@pytest.mark.django_db
@pytest.mark.usefixtures("fast_speedtests")
def test_the_fan_out_queues_one_run_per_enabled_target_and_runs_them_eagerly(
    simulator: SimulatorServer,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: tasks go to a worker, covered by the worker test")
    enabled = speed_target(base_url=simulator.base_url, api_model="fan-a")
    speed_target(base_url=simulator.base_url, api_model="fan-b", enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        result = speedtests_fan_out.delay().get()

    assert result["queued"] == 1
    run = SpeedTestRun.objects.get()
    assert run.target_id == enabled.pk
    assert run.status == "completed"
    assert simulator.requests_for("fan-b") == 0


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_scheduled_tests_run_on_a_real_worker_and_store_every_sample_once(
    celery_worker_process,
    simulator: SimulatorServer,  # type: ignore[no-untyped-def]
) -> None:
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        skip_or_fail("the worker can only share a PostgreSQL test database")
    targets = [speed_target(base_url=simulator.base_url, api_model=f"worker-{i}") for i in range(3)]

    result = speedtests_fan_out.delay().get(timeout=30)

    assert result["queued"] == 3
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not SpeedTestRun.objects.exclude(status="completed").exists():
            break
        time.sleep(0.2)
    runs = list(SpeedTestRun.objects.all())
    assert [r.status for r in runs] == ["completed"] * 3
    assert SpeedSample.objects.count() == 3 * 3
    for target in targets:
        assert simulator.requests_for(target.api_model) == 1 + 3  # warm-up and samples
        assert SpeedSummary.objects.get(model=target.offering.model).samples_total == 3
