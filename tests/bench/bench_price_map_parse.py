"""How long does parsing litellm's real price map take?

The map is read from the shared data folder beside the checkout (test input only).
Prints the first parse of the whole map (cold caches, as in a weekly sync) and the
median of a few more; target: first <= 2 s.
Run from the repository root: python tests/bench/bench_price_map_parse.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

# Run as a plain script, so the repository root is not on sys.path by itself.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pricing.sources.litellm import LiteLLMSource

ROOT = Path(__file__).resolve().parents[2]
REAL_MAP = ROOT.parent / "shared" / "data" / "litellm-model-prices-1.110.2.json"
RUNS = 5
TARGET_S = 2.0


def main() -> int:
    if not REAL_MAP.exists():
        print(f"SKIP: the real price map is not at {REAL_MAP}")
        return 0
    raw = REAL_MAP.read_bytes()
    times: list[float] = []
    for _ in range(RUNS):
        # A fresh source each time; the key and name caches stay warm after the first run.
        started = time.perf_counter()
        feed = LiteLLMSource().parse(raw)
        times.append(time.perf_counter() - started)
    passed = times[0] <= TARGET_S
    print(
        f"{feed.entry_count} entries ({len(feed.entries)} normalised, {feed.skipped} skipped, "
        f"{len(feed.invalid)} invalid): first parse {times[0]:.3f} s "
        f"(target <= {TARGET_S:g} s) {'PASS' if passed else 'FAIL'}; "
        f"median of {RUNS} {statistics.median(times):.3f} s"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
