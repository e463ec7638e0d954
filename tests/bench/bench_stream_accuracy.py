"""How accurately does benchmarks.streaming measure a stream whose truth is known?

Run from the repository root: ``python tests/bench/bench_stream_accuracy.py``.
The simulator injects a 200 ms time to first token and 10 ms between 100 tokens
(100 tok/s); 30 samples are measured after one warm-up, one after another, exactly as
the site's benchmarks run. Exits 1 when a target is missed or a sample fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

# Run as a plain script, so the repository root is not on sys.path by itself.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.simulator import SimulatedModel, SimulatorServer
from benchmarks.speed.streaming import measure_series_sync

TTFT_MS = 200.0
INTER_TOKEN_MS = 10.0
TOKENS = 100
TRUE_DECODE_TPS = 1000.0 / INTER_TOKEN_MS

TARGET_TTFT_P95_ERROR_MS = 5.0
TARGET_DECODE_ERROR_PCT = 1.0


def percentile(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def simulator_delivery_ms(port: int, requests: int = 5) -> list[float]:
    """TTFT seen through a bare socket: the simulator's own error, without any client stack."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps({"model": "sim-accuracy", "messages": [], "stream": True}).encode()
    request = (
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: bench\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    seen: list[float] = []
    try:
        for _ in range(requests):
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            first: float | None = None
            while (line := await reader.readline()) != b"0\r\n":
                if first is None and b'"content":' in line and b'"content":""' not in line:
                    first = (time.perf_counter() - started) * 1000
            await reader.readline()
            if first is not None:
                seen.append(first)
    finally:
        writer.close()
    return seen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args(argv)

    model = SimulatedModel(ttft_ms=TTFT_MS, inter_token_ms=INTER_TOKEN_MS, tokens=TOKENS)
    with SimulatorServer({"sim-accuracy": model}) as server:
        delivery = asyncio.run(simulator_delivery_ms(server.port))
        results = measure_series_sync(
            base_url=server.base_url,
            api_model="sim-accuracy",
            api_key="bench-not-a-secret",
            messages=[{"role": "user", "content": "Count to one hundred."}],
            max_tokens=TOKENS,
            samples=args.samples,
            timeout_s=10.0,
            stall_timeout_s=5.0,
        )

    failed = [r for r in results if not r.ok]
    good = [r for r in results if r.ok]
    for result in failed:
        print(f"failed sample: {result.status} {result.error}")
    if not good:
        print("FAIL: no successful sample")
        return 1

    ttft = [r.ttft_ms for r in good if r.ttft_ms is not None]
    ttft_error = [abs(v - TTFT_MS) for v in ttft]
    decode = [r.decode_tokens_per_second for r in good if r.decode_tokens_per_second]
    decode_error = [abs(v - TRUE_DECODE_TPS) / TRUE_DECODE_TPS * 100 for v in decode]
    tokens_ok = all(r.output_tokens == TOKENS for r in good)

    ttft_p95 = percentile(ttft_error, 0.95)
    decode_worst = max(decode_error)
    ttft_pass = ttft_p95 <= TARGET_TTFT_P95_ERROR_MS
    decode_pass = decode_worst <= TARGET_DECODE_ERROR_PCT

    print(
        f"simulator itself (bare socket, {len(delivery)} requests): TTFT error "
        f"mean {statistics.mean(v - TTFT_MS for v in delivery):+.2f} ms "
        "(so the figures below are the measuring client's error)"
    )
    print(f"samples: {len(good)} ok, {len(failed)} failed (after 1 discarded warm-up)")
    print(
        f"TTFT (true {TTFT_MS:.0f} ms): mean {statistics.mean(ttft):.2f} ms, "
        f"sd {statistics.pstdev(ttft):.2f} ms"
    )
    print(
        f"|TTFT error|: P50 {percentile(ttft_error, 0.5):.2f} ms, P95 {ttft_p95:.2f} ms, "
        f"max {max(ttft_error):.2f} ms  (target P95 <= {TARGET_TTFT_P95_ERROR_MS:g} ms) "
        f"{'PASS' if ttft_pass else 'FAIL'}"
    )
    print(
        f"decode speed (true {TRUE_DECODE_TPS:.0f} tok/s): mean {statistics.mean(decode):.2f} "
        f"tok/s; |error| P50 {percentile(decode_error, 0.5):.3f} %, worst {decode_worst:.3f} % "
        f"(target <= {TARGET_DECODE_ERROR_PCT:g} %) {'PASS' if decode_pass else 'FAIL'}"
    )
    e2e = [r.e2e_tokens_per_second for r in good if r.e2e_tokens_per_second]
    print(f"end-to-end speed: mean {statistics.mean(e2e):.2f} tok/s (output tokens / latency)")
    print(f"output tokens from usage == {TOKENS} in every sample: {tokens_ok}")

    passed = ttft_pass and decode_pass and tokens_ok and not failed
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
