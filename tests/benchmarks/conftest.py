"""A simulator shared by the benchmark tests, with fast timings so the suite stays short."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from benchmarks.simulator import SimulatedModel, SimulatorServer
from benchmarks.streaming import SampleResult, measure_stream

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
