"""Runs: skipped without a key, safe to execute twice, taken over after a lost worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from benchmarks.models import SpeedSample, SpeedSummary, SpeedTestRun
from benchmarks.simulator import SimulatorServer
from benchmarks.speed.services import (
    MAX_ATTEMPTS,
    speed_run_create_for_target,
    speed_runs_abandoned_fail,
    speedtest_execute,
)

from .conftest import speed_target

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_speedtests")]


def test_a_target_whose_key_variable_is_not_set_is_skipped_with_the_reason(
    simulator: SimulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOKONOMIX_TEST_MISSING_KEY", raising=False)
    target = speed_target(base_url=simulator.base_url, api_key_env="TOKONOMIX_TEST_MISSING_KEY")
    run = speed_run_create_for_target(target=target, source="scheduled")
    simulator.reset_counts()

    run = speedtest_execute(run_id=run.pk)

    assert run.status == SpeedTestRun.Status.SKIPPED
    assert run.reason == "environment variable TOKONOMIX_TEST_MISSING_KEY is not set"
    assert run.finished_at is not None
    assert simulator.request_counts == {}  # not run at all
    assert not SpeedSample.objects.filter(run=run).exists()
    assert not SpeedSummary.objects.filter(model=target.offering.model).exists()


def test_an_empty_key_variable_counts_as_not_set(
    simulator: SimulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKONOMIX_TEST_EMPTY_KEY", "")
    target = speed_target(base_url=simulator.base_url, api_key_env="TOKONOMIX_TEST_EMPTY_KEY")
    run = speed_run_create_for_target(target=target, source="scheduled")

    assert speedtest_execute(run_id=run.pk).status == SpeedTestRun.Status.SKIPPED


def test_a_set_key_variable_is_used_and_the_run_completes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOKONOMIX_TEST_KEY", "a-working-key")
    with SimulatorServer(api_key="a-working-key") as server:
        target = speed_target(base_url=server.base_url, api_key_env="TOKONOMIX_TEST_KEY")
        run = speedtest_execute(
            run_id=speed_run_create_for_target(target=target, source="scheduled").pk
        )

    assert run.status == SpeedTestRun.Status.COMPLETED
    assert run.ok_samples == 3


def test_executing_a_finished_run_again_changes_nothing(simulator: SimulatorServer) -> None:
    target = speed_target(base_url=simulator.base_url, api_model="again")
    run = speed_run_create_for_target(target=target, source="scheduled")
    speedtest_execute(run_id=run.pk)
    simulator.reset_counts()

    again = speedtest_execute(run_id=run.pk)

    assert again.status == SpeedTestRun.Status.COMPLETED
    assert again.attempt == 1
    assert SpeedSample.objects.filter(run=run).count() == 3
    assert simulator.requests_for("again") == 0


def test_a_run_left_running_by_a_dead_worker_is_taken_over_by_the_next_attempt(
    simulator: SimulatorServer,
) -> None:
    target = speed_target(base_url=simulator.base_url)
    run = speed_run_create_for_target(target=target, source="scheduled")
    # What a worker killed mid-test leaves behind: a claimed run, no samples, no aggregate.
    SpeedTestRun.objects.filter(pk=run.pk).update(
        status="running", attempt=1, started_at=timezone.now()
    )

    run = speedtest_execute(run_id=run.pk)

    assert run.status == SpeedTestRun.Status.COMPLETED
    assert run.attempt == 2
    assert SpeedSample.objects.filter(run=run).count() == 3
    assert SpeedSummary.objects.get(model=target.offering.model).samples_total == 3


def test_a_run_whose_attempts_all_died_is_marked_failed(simulator: SimulatorServer) -> None:
    target = speed_target(base_url=simulator.base_url)
    run = speed_run_create_for_target(target=target, source="scheduled")
    SpeedTestRun.objects.filter(pk=run.pk).update(status="running", attempt=MAX_ATTEMPTS)

    run = speedtest_execute(run_id=run.pk)

    assert run.status == SpeedTestRun.Status.FAILED
    assert "gave up" in run.reason
    assert not SpeedSample.objects.filter(run=run).exists()
    assert not SpeedSummary.objects.filter(model=target.offering.model).exists()


def test_runs_lost_long_ago_are_failed_by_the_sweep(simulator: SimulatorServer, settings) -> None:
    settings.CELERY_TASK_TIME_LIMIT, settings.CELERY_VISIBILITY_TIMEOUT = 600, 660
    target = speed_target(base_url=simulator.base_url)
    dead, alive, lost, waiting = (
        speed_run_create_for_target(target=target, source="scheduled") for _ in range(4)
    )
    now = timezone.now()
    # Started 22 minutes ago: past a 10-minute attempt and the 11 minutes before a
    # redelivery; started 20 minutes ago: another worker may still take it over.
    SpeedTestRun.objects.filter(pk=dead.pk).update(
        status="running", started_at=now - dt.timedelta(minutes=22)
    )
    SpeedTestRun.objects.filter(pk=alive.pk).update(
        status="running", started_at=now - dt.timedelta(minutes=20)
    )
    SpeedTestRun.objects.filter(pk=lost.pk).update(created_at=now - dt.timedelta(hours=7))

    assert speed_runs_abandoned_fail(now=now) == 2

    states = {r.pk: r for r in SpeedTestRun.objects.all()}
    assert states[dead.pk].status == "failed" and "its worker stopped" in states[dead.pk].reason
    assert states[lost.pk].status == "failed" and "never reached" in states[lost.pk].reason
    assert (states[alive.pk].status, states[waiting.pk].status) == ("running", "queued")


def test_a_simulator_endpoint_is_labelled_simulated_even_if_nobody_said_so(
    simulator: SimulatorServer,
) -> None:
    target = speed_target(base_url=simulator.base_url, is_simulated=False)

    run = speedtest_execute(
        run_id=speed_run_create_for_target(target=target, source="scheduled").pk
    )

    assert run.is_simulated is True
    assert set(SpeedSample.objects.filter(run=run).values_list("is_simulated", flat=True)) == {True}
    assert SpeedSummary.objects.get(model=target.offering.model).is_simulated is True
