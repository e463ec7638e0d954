"""A simulator shared by the benchmark tests, with fast timings so the suite stays short."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from benchmarks.simulator import SimulatedModel, SimulatorServer
from benchmarks.speed.streaming import SampleResult, measure_stream

FAST: dict[str, Any] = {"ttft_ms": 20.0, "inter_token_ms": 1.0, "tokens": 20}
STALL_TIMEOUT_S = 0.3

KwargsFor = Callable[..., dict[str, Any]]
Measure = Callable[..., SampleResult]


@pytest.fixture(scope="session")
def simulator() -> Iterator[SimulatorServer]:
    """Shared, so never reconfigured: a test that changes settings uses its own model name."""
    models = {
        "fast": SimulatedModel(**FAST),
        "reasoner": SimulatedModel(
            ttft_ms=20.0, inter_token_ms=3.0, tokens=10, reasoning_tokens=15
        ),
        "rate-limited": SimulatedModel(**FAST, fault="rate_limit", retry_after_s=2.5),
        "server-error": SimulatedModel(**FAST, fault="server_error"),
        "error-in-stream": SimulatedModel(**FAST, fault="error_in_stream"),
        "drops-connection": SimulatedModel(**FAST, fault="drop_connection"),
        "missing-usage": SimulatedModel(**FAST, fault="missing_usage"),
        "stalls": SimulatedModel(**FAST, fault="stall"),
        "malformed-json": SimulatedModel(**FAST, fault="malformed_json"),
    }
    with SimulatorServer(models, default_model=SimulatedModel(**FAST)) as server:
        yield server


@pytest.fixture
def kwargs_for(simulator: SimulatorServer) -> KwargsFor:
    """Arguments for measure_stream/measure_series with test-sized timeouts."""

    def build(model: str, **overrides: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "base_url": simulator.base_url,
            "api_model": model,
            "api_key": "test-key",
            "messages": [{"role": "user", "content": "Say something."}],
            "max_tokens": 500,
            "timeout_s": 5.0,
            "stall_timeout_s": STALL_TIMEOUT_S,
        }
        kwargs.update(overrides)
        return kwargs

    return build


@pytest.fixture
def measure(kwargs_for: KwargsFor) -> Measure:
    def run(model: str, **overrides: Any) -> SampleResult:
        return asyncio.run(measure_stream(**kwargs_for(model, **overrides)))

    return run


# --- speed-test app helpers ----------------------------------------------------------


@pytest.fixture
def fast_speedtests(settings: Any) -> None:
    """Test-sized timeouts for the speed-test service (the stall fault waits for these)."""
    settings.SPEEDTEST_TIMEOUT = 5.0
    settings.SPEEDTEST_STALL_TIMEOUT = STALL_TIMEOUT_S


def speed_target(*, base_url: str, api_model: str = "fast", **fields: Any) -> Any:
    from benchmarks.models import SpeedTarget
    from tests import factories

    if "offering" not in fields:
        fields["offering"] = factories.offering(
            model=fields.pop("model", None) or factories.model()
        )
    fields.setdefault("samples_per_test", 3)
    fields.setdefault("max_output_tokens", 50)
    return SpeedTarget.objects.create(base_url=base_url, api_model=api_model, **fields)


def recorded_run(
    model: Any,
    samples: list[dict[str, Any]],
    *,
    source: str = "scheduled",
    is_simulated: bool = False,
    status: str = "completed",
    region: str = "default",
    workload: str = "standard",
    offering: Any = None,
) -> Any:
    """A finished run with the given samples, stored as the service would, then aggregated.

    Each sample dict needs ``started_at``; ``latency_ms`` makes it ok, ``status`` a failure.
    """
    from django.utils import timezone

    from benchmarks.models import SpeedSample, SpeedTestRun
    from benchmarks.speed.services import speed_aggregates_recompute

    run = SpeedTestRun.objects.create(
        model=model,
        source=source,
        status=status,
        base_url="http://127.0.0.1:9/v1",
        api_model=model.slug,
        offering=offering,
        region=region,
        workload=workload,
        is_simulated=is_simulated,
        prompt_set="standard",
        attempt=1,
        reason="" if status != "skipped" else "environment variable X is not set",
        started_at=samples[0]["started_at"] if samples else timezone.now(),
        finished_at=timezone.now() if status not in ("queued", "running") else None,
    )
    rows = []
    for index, sample in enumerate(samples):
        row = dict(sample)
        if "latency_ms" in row:
            row.setdefault("status", "ok")
            row.setdefault("ttft_ms", row["latency_ms"] / 4)
            row.setdefault("output_tokens", 100)
            row.setdefault("http_status", 200)
        else:
            row.setdefault("status", "server_error")
        rows.append(
            SpeedSample(
                run=run,
                model=model,
                source=source,
                is_simulated=is_simulated,
                region=region,
                workload=workload,
                index=index,
                **row,
            )
        )
    SpeedSample.objects.bulk_create(rows)
    speed_aggregates_recompute(model_id=model.pk)
    return run
