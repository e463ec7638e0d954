"""The speed-test fan-out never tests a retired model: its run is recorded as skipped,
saying why, and no request is sent."""

import datetime as dt

import pytest
from django.utils import timezone

from benchmarks.models import SpeedTestRun
from benchmarks.speed.services import speed_runs_queue
from tests.benchmarks.conftest import speed_target

pytestmark = pytest.mark.django_db


def test_a_retired_model_is_skipped_with_the_reason_and_the_others_queued():
    retired = speed_target(base_url="http://127.0.0.1:9/v1", api_model="old")
    retired.offering.model.retired_on = timezone.localdate() - dt.timedelta(days=1)
    retired.offering.model.save(update_fields=["retired_on"])
    live = speed_target(base_url="http://127.0.0.1:9/v1", api_model="new")

    queued = speed_runs_queue(source="scheduled")

    assert [SpeedTestRun.objects.get(pk=pk).target for pk, _queue in queued] == [live]
    skipped = SpeedTestRun.objects.get(target=retired)
    assert skipped.status == SpeedTestRun.Status.SKIPPED
    assert "retired on" in skipped.reason
    assert skipped.finished_at is not None


def test_a_model_retiring_later_is_still_tested():
    target = speed_target(base_url="http://127.0.0.1:9/v1")
    target.offering.model.retired_on = timezone.localdate() + dt.timedelta(days=30)
    target.offering.model.save(update_fields=["retired_on"])

    assert len(speed_runs_queue(source="scheduled")) == 1
