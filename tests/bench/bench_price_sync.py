"""Price-sync benchmark on PostgreSQL with litellm's real map.

The map is read from the shared data folder beside the checkout (test input only).

Prints wall time and peak memory (max RSS of the sync process) for: a full sync into
an empty database, the same file again, the same prices a week later, and a sync in
which 5% of the prices changed. Targets: full <= 15 s, no-op re-sync <= 2 s, peak
memory <= 300 MB. Run from the repository root: python tests/bench/bench_price_sync.py
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL_MAP = ROOT.parent / "shared" / "data" / "litellm-model-prices-1.110.2.json"
DATABASE = "tokonomix_bench_sync"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
TARGETS = {"full": 15.0, "noop": 2.0, "memory_mb": 300.0}


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a command; return wall seconds, its peak RSS in MB, and its output."""
    started = time.monotonic()
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    # Read before waiting: a child writing more than a pipe holds would block otherwise.
    output = process.stdout.read() if process.stdout else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        print(output)
        raise SystemExit(f"FAILED: {' '.join(args)}")
    return elapsed, usage.ru_maxrss / 1024, output


def scratch_database(database: str) -> dict[str, str] | None:
    """An empty PostgreSQL database and the environment that points manage.py at it, or
    None (said) when PostgreSQL is not answering."""
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode != 0:
        print("SKIP: PostgreSQL is not answering on 127.0.0.1:5432")
        return None
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        "DJANGO_SECRET_KEY": "bench-only",
        "DJANGO_DEBUG": "false",
    }
    env.pop("REDIS_URL", None)
    return env


def main() -> int:
    if not REAL_MAP.exists():
        print(f"SKIP: the real price map is not at {REAL_MAP}")
        return 0
    env = scratch_database(DATABASE)
    if env is None:
        return 0
    manage = [sys.executable, "manage.py"]
    run([*manage, "migrate", "--noinput", "-v0"], env)

    changed_map = Path(tempfile.mkdtemp()) / "prices-5pc-changed.json"
    data = json.loads(REAL_MAP.read_text())
    priced = [k for k, v in data.items() if isinstance(v.get("input_cost_per_token"), float)]
    rng = random.Random(7)
    for key in rng.sample(priced, k=len(priced) * 5 // 100):
        data[key]["input_cost_per_token"] *= 1.5
    changed_map.write_text(json.dumps(data))

    figures = {}
    steps = [
        ("full", REAL_MAP, "2026-11-16", "full sync into an empty database"),
        ("noop", REAL_MAP, "2026-11-16", "the same file again (sha256 no-op)"),
        (
            "week",
            REAL_MAP,
            "2026-11-23",
            "the same prices a week later (compared, nothing written)",
        ),
        ("changed", changed_map, "2026-11-30", "5% of the prices changed"),
    ]
    for name, path, day, label in steps:
        seconds, peak_mb, output = run(
            [*manage, "sync_prices", "--file", str(path), "--as-of", day, "-v", "1"], env
        )
        summary = next(line for line in output.splitlines() if line.startswith("Sync run"))
        figures[name] = (seconds, peak_mb)
        print(f"{label:60s} {seconds:6.2f} s  peak {peak_mb:6.1f} MB")
        print(f"    {summary}")

    full_s, _full_mb = figures["full"]
    noop_s, _ = figures["noop"]
    peak = max(mb for _s, mb in figures.values())
    checks = [
        (f"full sync {full_s:.2f} s <= {TARGETS['full']} s", full_s <= TARGETS["full"]),
        (f"no-op re-sync {noop_s:.2f} s <= {TARGETS['noop']} s", noop_s <= TARGETS["noop"]),
        (
            f"peak memory {peak:.0f} MB <= {TARGETS['memory_mb']:.0f} MB",
            peak <= TARGETS["memory_mb"],
        ),
    ]
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {text}")
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=False
    )
    return 0 if all(ok for _t, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
