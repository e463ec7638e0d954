"""The schedule: N tests a day per target, at jittered times spread over the day, each
queued once per moment and region however often the fan-out runs."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from datetime import UTC

import pytest

from benchmarks.models import SpeedTestRun
from benchmarks.simulator import SimulatorServer
from benchmarks.speed.cadence import LOOKBACK, due_times
from benchmarks.speed.services import speed_runs_queue_due
from benchmarks.speed.tasks import speedtests_fan_out
from tokonomix.core.models import ScheduledSlot

from .conftest import speed_target

DAY = dt.date(2026, 3, 2)


def test_each_target_falls_due_once_in_each_of_the_days_windows() -> None:
    moments = due_times(target_id=7, workload="standard", day=DAY, runs_per_day=4)

    assert len(moments) == 4
    for window, moment in enumerate(moments):
        assert moment.date() == DAY
        assert window * 6 <= moment.hour < (window + 1) * 6
    # The same inputs, the same moments: nothing is stored to remember them.
    assert moments == due_times(target_id=7, workload="standard", day=DAY, runs_per_day=4)


def test_targets_days_and_workloads_fall_due_at_different_moments() -> None:
    first = due_times(target_id=1, workload="standard", day=DAY, runs_per_day=4)

    assert first != due_times(target_id=2, workload="standard", day=DAY, runs_per_day=4)
    assert first != due_times(target_id=1, workload="medium", day=DAY, runs_per_day=4)
    next_day = due_times(
        target_id=1, workload="standard", day=DAY + dt.timedelta(1), runs_per_day=4
    )
    assert [m.time() for m in first] != [m.time() for m in next_day]


def test_over_a_week_no_hour_dominates() -> None:
    hours: Counter[int] = Counter()
    for target_id in range(100):
        for day in range(7):
            for moment in due_times(
                target_id=target_id,
                workload="standard",
                day=DAY + dt.timedelta(days=day),
                runs_per_day=4,
            ):
                hours[moment.hour] += 1

    total = sum(hours.values())
    assert total == 100 * 7 * 4
    assert set(hours) == set(range(24))
    # Even spread is 1/24 (about 4.2%) an hour; none comes near twice that.
    assert max(hours.values()) / total < 0.07
    assert min(hours.values()) / total > 0.02


@pytest.mark.parametrize("runs_per_day", [1, 4, 7, 24])
def test_the_setting_sets_how_many_a_day(runs_per_day: int) -> None:
    moments = due_times(target_id=3, workload="short", day=DAY, runs_per_day=runs_per_day)

    assert len(moments) == runs_per_day == len(set(moments))


@pytest.mark.django_db
def test_due_runs_are_queued_once_for_each_moment_and_region(
    settings,  # type: ignore[no-untyped-def]
    simulator: SimulatorServer,
) -> None:
    settings.SPEEDTEST_RUNS_PER_DAY = 4
    settings.SPEEDTEST_REGIONS = {"eu-central": "Frankfurt", "us-east": "Virginia"}
    target = speed_target(base_url=simulator.base_url, workloads=["standard", "medium"])
    moment = due_times(target_id=target.pk, workload="medium", day=DAY, runs_per_day=4)[1]

    queued = speed_runs_queue_due(now=moment)
    again = speed_runs_queue_due(now=moment + dt.timedelta(minutes=5))

    runs = SpeedTestRun.objects.filter(pk__in=[run_id for run_id, _queue in queued])
    assert sorted((r.workload, r.queued_for, r.scheduled_for) for r in runs) == [
        ("medium", "eu-central", moment),
        ("medium", "us-east", moment),
    ]
    assert sorted(str(queue) for _run_id, queue in queued) == [
        "speedtests.eu-central",
        "speedtests.us-east",
    ]
    assert again == []
    assert all(r.source == "scheduled" for r in runs)


@pytest.mark.django_db
def test_a_moment_missed_for_longer_than_the_lookback_is_let_go(
    settings,  # type: ignore[no-untyped-def]
    simulator: SimulatorServer,
) -> None:
    settings.SPEEDTEST_REGIONS = {}
    target = speed_target(base_url=simulator.base_url)
    moment = due_times(target_id=target.pk, workload="standard", day=DAY, runs_per_day=4)[2]

    assert speed_runs_queue_due(now=moment + LOOKBACK + dt.timedelta(seconds=1)) == []
    assert len(speed_runs_queue_due(now=moment + LOOKBACK - dt.timedelta(seconds=1))) == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_run_for_the_same_moment(simulator: SimulatorServer) -> None:
    from django.db import IntegrityError, transaction

    from benchmarks.speed.services import speed_run_create_for_target

    target = speed_target(base_url=simulator.base_url)
    moment = dt.datetime(2026, 3, 2, 5, 17, tzinfo=UTC)
    speed_run_create_for_target(
        target=target, source="scheduled", queued_for="eu", scheduled_for=moment
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        speed_run_create_for_target(
            target=target, source="scheduled", queued_for="eu", scheduled_for=moment
        )


@pytest.mark.django_db
def test_a_scheduled_fan_out_sent_twice_in_one_slot_queues_once(
    settings,  # type: ignore[no-untyped-def]
    simulator: SimulatorServer,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    settings.SPEEDTEST_RUNS_PER_DAY = 48  # a moment every half hour, so one is due now
    settings.SPEEDTEST_REGIONS = {}
    # Each target has a moment in the last half hour three times in four: with 30 of them,
    # some are due whatever the time.
    for n in range(30):
        speed_target(base_url=simulator.base_url, api_model=f"slot-{n}")

    with django_capture_on_commit_callbacks(execute=False):
        first = speedtests_fan_out.apply(kwargs={"scheduled": True}).get()
        second = speedtests_fan_out.apply(kwargs={"scheduled": True}).get()

    assert first["queued"] == SpeedTestRun.objects.count() > 0
    assert second == {"queued": 0}
    slot = ScheduledSlot.objects.get(task="benchmarks.tasks.speedtests_fan_out")
    assert slot.refused == 1


@pytest.mark.django_db
def test_without_regions_a_run_taken_by_a_worker_is_not_queued_again_for_its_moment(
    settings,  # type: ignore[no-untyped-def]
    simulator: SimulatorServer,
    fast_speedtests: None,
) -> None:
    """The worker writes its own region on the run; the next look at the same moments must
    still know the moment was queued."""
    from benchmarks.speed.services import speedtest_execute

    settings.SPEEDTEST_REGIONS = {}
    settings.SPEEDTEST_PROBER_REGION = "eu-central"
    target = speed_target(base_url=simulator.base_url, api_model="once-only")
    moment = due_times(target_id=target.pk, workload="standard", day=DAY, runs_per_day=4)[0]
    [(run_id, queue)] = speed_runs_queue_due(now=moment)
    assert queue is None
    assert speedtest_execute(run_id=run_id).region == "eu-central"

    assert speed_runs_queue_due(now=moment + dt.timedelta(minutes=5)) == []
    assert SpeedTestRun.objects.count() == 1
