"""Testbench requests count toward availability, never toward the speed statistics."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from benchmarks.models import SpeedSample, SpeedSummary
from benchmarks.models import TestbenchRun as BenchRun
from benchmarks.simulator import SimulatorServer
from benchmarks.testbench.execute import testbench_execute as execute_run
from tests.benchmarks.conftest import recorded_run

from .conftest import priced_model, start_form

pytestmark = pytest.mark.django_db


def test_testbench_samples_count_in_availability_but_not_in_speed_figures(
    bench_simulator: SimulatorServer, signed_in: Any
) -> None:
    ok_model, broken_model = (
        priced_model(base_url=bench_simulator.base_url, api_model=name)
        for name in ("tb-a", "tb-broken")
    )
    recorded_run(
        ok_model,
        [{"started_at": timezone.now(), "latency_ms": 900.0}],
        is_simulated=True,
    )
    before = SpeedSummary.objects.get(model=ok_model)

    signed_in().post(reverse("benchmarks:testbench"), start_form([ok_model, broken_model]))
    execute_run(run_id=BenchRun.objects.get().pk)

    samples = SpeedSample.objects.filter(source="testbench")
    assert {(s.model_id, s.status) for s in samples} == {
        (ok_model.pk, "ok"),
        (broken_model.pk, "server_error"),
    }
    after = SpeedSummary.objects.get(model=ok_model)
    # Speed: still only the scheduled sample.
    assert after.samples_total == before.samples_total == 1
    assert after.p50_latency_ms == before.p50_latency_ms == 900.0
    assert after.availability_samples_30d == 2  # scheduled + testbench
    broken = SpeedSummary.objects.get(model=broken_model)
    assert broken.samples_total == 0
    assert broken.p50_latency_ms is None
    assert broken.availability_30d == 0.0
    assert broken.availability_samples_30d == 1
