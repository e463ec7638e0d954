"""Every fault of the simulator ends in the right stored status, and the run goes on."""

from __future__ import annotations

import pytest

from benchmarks.models import SpeedSample, SpeedTestRun
from benchmarks.simulator import SimulatedModel, SimulatorServer
from benchmarks.speed.services import speed_run_create_for_target, speedtest_execute
from benchmarks.speed.streaming import SampleResult

from .conftest import FAST, speed_target

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_speedtests")]

# (fault, the status it must end in); the last, healthy one proves the series went on.
FAULTS: list[tuple[str | None, str]] = [
    ("stall", "timeout"),
    ("rate_limit", "rate_limited"),
    ("server_error", "server_error"),
    ("error_in_stream", "server_error"),
    ("drop_connection", "connection_error"),
    ("missing_usage", "bad_response"),
    ("malformed_json", "bad_response"),
    (None, "ok"),
]


def test_each_fault_is_stored_with_its_status_and_the_next_sample_still_runs(
    simulator: SimulatorServer,
) -> None:
    def configure(fault: str | None) -> None:
        simulator.set_model(
            "fault-series",
            SimulatedModel(**FAST, fault=fault, retry_after_s=0.05),  # type: ignore[arg-type]
        )

    configure(FAULTS[0][0])
    remaining = iter(fault for fault, _ in FAULTS[1:])

    def next_fault(result: SampleResult) -> None:
        # The edge decides what the next request meets, as a flaky provider would.
        configure(next(remaining, None))

    target = speed_target(
        base_url=simulator.base_url, api_model="fault-series", samples_per_test=len(FAULTS)
    )
    run = speed_run_create_for_target(target=target, source="scheduled")

    run = speedtest_execute(run_id=run.pk, on_sample=next_fault)

    assert run.status == SpeedTestRun.Status.COMPLETED
    samples = list(SpeedSample.objects.filter(run=run).order_by("index"))
    assert [s.status for s in samples] == [status for _, status in FAULTS]
    assert run.ok_samples == 1
    assert run.error_samples == len(FAULTS) - 1
    rate_limited = samples[1]
    assert rate_limited.http_status == 429
    assert samples[2].http_status == 500
    for failed in samples[:-1]:
        assert failed.error
        assert failed.latency_ms is None and failed.ttft_ms is None


def test_a_healthy_sample_records_every_figure_from_the_usage_report(
    simulator: SimulatorServer,
) -> None:
    target = speed_target(base_url=simulator.base_url, api_model="reasoner", samples_per_test=2)
    run = speed_run_create_for_target(target=target, source="scheduled")

    run = speedtest_execute(run_id=run.pk)

    sample = SpeedSample.objects.filter(run=run).first()
    assert sample is not None
    assert sample.status == "ok"
    assert sample.http_status == 200
    assert sample.output_tokens == 25  # 10 answer + 15 reasoning, from usage
    assert sample.reasoning_tokens == 15
    assert sample.ttft_ms is not None and sample.ttfat_ms is not None
    assert sample.ttfat_ms > sample.ttft_ms  # the answer starts after the reasoning
    assert sample.latency_ms is not None and sample.latency_ms > sample.ttft_ms
    assert sample.decode_tokens_per_second and sample.e2e_tokens_per_second
    assert sample.started_at is not None
    assert sample.model_id == target.offering.model_id
    assert sample.source == "scheduled"


def test_a_rejected_key_is_an_auth_error_for_every_sample() -> None:
    with SimulatorServer({"fast": SimulatedModel(**FAST)}, api_key="the-right-key") as server:
        target = speed_target(base_url=server.base_url, api_model="fast", samples_per_test=2)
        run = speed_run_create_for_target(target=target, source="scheduled")
        run = speedtest_execute(run_id=run.pk)

    statuses = list(SpeedSample.objects.filter(run=run).values_list("status", "http_status"))
    assert statuses == [("auth_error", 401), ("auth_error", 401)]
    assert run.status == SpeedTestRun.Status.COMPLETED


def test_an_endpoint_nobody_listens_on_is_a_connection_error(unused_port: int) -> None:
    target = speed_target(base_url=f"http://127.0.0.1:{unused_port}/v1", samples_per_test=2)
    run = speed_run_create_for_target(target=target, source="scheduled")

    run = speedtest_execute(run_id=run.pk)

    assert set(SpeedSample.objects.filter(run=run).values_list("status", flat=True)) == {
        "connection_error"
    }


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
