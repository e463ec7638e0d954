"""Sync benchmark of all three price sources on PostgreSQL, with their real data.

The data is read from the shared data folder beside the checkout (test input only): the
litellm map, genai-prices' data.json and models.dev's api.json.gz (unzipped to a
temporary file, as the site would fetch it).

Prints wall time and peak memory (max RSS of the sync processes) for: a full sync of the
three sources into an empty database (litellm, then genai-prices, then models.dev, each
`manage.py sync_prices` in one process, as a worker runs them), the same three files again (a no-op: each sees its last
content), and the same data a week later (compared, nothing written: checked). Targets:
full <= 30 s, no-op re-sync <= 3 s, peak memory <= 400 MB. Run from the repository root:
python tests/bench/bench_sources_sync.py (BENCH_DATABASE names the scratch database).
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_price_sync as price_sync

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
LITELLM = DATA / "litellm-model-prices-1.110.2.json"
GENAI = DATA / "genai-prices-data-v2.json"
MODELS_DEV = DATA / "models-dev-api.json.gz"
DATABASE = os.environ.get("BENCH_DATABASE", "tokonomix_bench_sources")
TARGETS = {"full": 30.0, "noop": 3.0, "memory_mb": 400.0}
DAY, WEEK_LATER = "2026-11-16", "2026-11-23"


# The three syncs in one process, as a worker runs them: Django starts once.
SYNC_THREE = """
import sys, time, django
django.setup()
from django.core.management import call_command
day = sys.argv[1]
for source, path in zip(sys.argv[2::2], sys.argv[3::2]):
    started = time.monotonic()
    call_command("sync_prices", "--source", source, "--file", path, "--as-of", day, verbosity=1)
    print(f"took {source} {time.monotonic() - started:.2f}")
"""


def sync_three(
    sources: list[tuple[str, Path]], day: str, env: dict[str, str]
) -> tuple[float, float, list[str]]:
    """The three syncs, one after another in one process: wall time (start-up included),
    peak RSS, and each sync's summary line with its own time."""
    args = [sys.executable, "-c", SYNC_THREE, day]
    for source, path in sources:
        args += [source, str(path)]
    seconds, peak_mb, output = price_sync.run(
        args, {**env, "DJANGO_SETTINGS_MODULE": "tokonomix.settings"}
    )
    lines = output.splitlines()
    summaries = [line.split("\r")[-1] for line in lines if "Sync run" in line]
    took = [line.split()[1:] for line in lines if line.startswith("took ")]
    return (
        seconds,
        peak_mb,
        [
            f"{source:13s} {t:>6s} s  {summary}"
            for (source, t), summary in zip(took, summaries, strict=True)
        ],
    )


def wrote_nothing(summary: str) -> bool:
    counts = {
        name: int(number)
        for number, name in re.findall(
            r"(\d+) (prices changed|first listed|held for review|delisted|catalogue facts|"
            r"disputes opened)",
            summary,
        )
    }
    return bool(counts) and not any(counts.values())


def main() -> int:
    missing = [path for path in (LITELLM, GENAI, MODELS_DEV) if not path.exists()]
    if missing:
        print(f"SKIP: the real data is not at {', '.join(map(str, missing))}")
        return 0
    env = price_sync.scratch_database(DATABASE)
    if env is None:
        return 0
    price_sync.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)

    models_dev = Path(tempfile.mkdtemp()) / "models-dev-api.json"
    models_dev.write_bytes(gzip.decompress(MODELS_DEV.read_bytes()))
    sources = [("litellm", LITELLM), ("genai-prices", GENAI), ("models.dev", models_dev)]

    figures = {}
    steps = [
        ("full", DAY, "full sync of the three sources into an empty database"),
        ("noop", DAY, "the same three files again (no-op)"),
        ("week", WEEK_LATER, "the same data a week later (compared, nothing written)"),
    ]
    week_wrote_nothing = False
    for name, day, label in steps:
        seconds, peak_mb, summaries = sync_three(sources, day, env)
        figures[name] = (seconds, peak_mb)
        print(f"{label:60s} {seconds:6.2f} s  peak {peak_mb:6.1f} MB")
        for summary in summaries:
            print(f"    {summary}")
        if name == "week":
            week_wrote_nothing = all(wrote_nothing(s) for s in summaries)

    full_s, _ = figures["full"]
    noop_s, _ = figures["noop"]
    peak = max(mb for _s, mb in figures.values())
    checks = [
        (f"full sync {full_s:.2f} s <= {TARGETS['full']} s", full_s <= TARGETS["full"]),
        (f"no-op re-sync {noop_s:.2f} s <= {TARGETS['noop']} s", noop_s <= TARGETS["noop"]),
        (
            f"peak memory {peak:.0f} MB <= {TARGETS['memory_mb']:.0f} MB",
            peak <= TARGETS["memory_mb"],
        ),
        ("a week later the same data writes nothing", week_wrote_nothing),
    ]
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {text}")
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=False
    )
    return 0 if all(ok for _t, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
