"""How long does the weekly fan-out take, and is every sample stored exactly once?

Run from the repository root: ``python tests/bench/bench_speedtest_fanout.py``.
100 targets x 6 samples against the simulator, through a real Redis broker and 2 Celery
worker processes. Uses a fresh PostgreSQL database next to DATABASE_URL's (dropped at the
end) when DATABASE_URL is set, else an SQLite file in a temporary folder; Redis database
15 on REDIS_URL's host (default 127.0.0.1:6379). Skips (exit 0) when Redis is unreachable;
exits 1 when a run does not finish in time or a sample is missing or stored twice.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
# Run as a plain script, so the repository root is not on sys.path by itself.
sys.path.insert(0, str(ROOT))

MODELS = 20
TARGETS_PER_MODEL = 5
SAMPLES = 6
WORKERS = 2
DEADLINE_S = 300.0


def bench_redis_url() -> str:
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit((parts.scheme, parts.netloc, "/15", "", ""))


def redis_reachable(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # any failure means no broker to bench against
        return f"{type(exc).__name__}: {exc}"
    return None


def bench_database(tmp: Path) -> tuple[str, str | None]:
    """The database URL to use, and the PostgreSQL database to drop afterwards."""
    source = os.environ.get("DATABASE_URL", "")
    if not source.startswith("postgres"):
        return f"sqlite:///{tmp / 'bench.sqlite3'}", None
    import psycopg

    parts = urlsplit(source)
    name = f"{parts.path.lstrip('/') or 'tokonomix'}_fanout_bench"
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, "")), admin


def drop_database(admin: str, url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_workers(env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "--quiet",
                "-A",
                "tokonomix",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"bench{index}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=env,
        )
        for index in range(WORKERS)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.parse_args(argv)

    redis_url = bench_redis_url()
    problem = redis_reachable(redis_url)
    if problem:
        print(f"SKIP: Redis is unreachable at {redis_url} ({problem})")
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        database_url, admin = bench_database(Path(tmp))
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-only-not-a-secret",
            "DJANGO_LOG_LEVEL": "WARNING",
            "SPEEDTEST_TIMEOUT": "20",
            "SPEEDTEST_STALL_TIMEOUT": "10",
        }
        os.environ.update(env)
        try:
            return run(env)
        finally:
            if admin is not None:
                from django.db import connections

                connections.close_all()
                drop_database(admin, database_url)


def run(env: dict[str, str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tokonomix.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks.models import SpeedSample, SpeedSummary, SpeedTarget, SpeedTestRun
    from benchmarks.simulator import SimulatedModel, SimulatorServer
    from benchmarks.speed.tasks import speedtests_fan_out
    from models_catalog.models import Host, Model, Offering, Provider
    from tokonomix.celery import app

    call_command("migrate", verbosity=0)
    app.control.purge()
    database = "PostgreSQL" if "postgres" in env["DATABASE_URL"] else "SQLite"
    fast = SimulatedModel(ttft_ms=5.0, inter_token_ms=1.0, tokens=20)
    with SimulatorServer(default_model=fast) as server:
        provider = Provider.objects.create(name="Bench", slug="bench")
        host = Host.objects.create(name="Bench host", slug="bench-host")
        for m in range(MODELS):
            model = Model.objects.create(slug=f"bench-{m}", name=f"Bench {m}", provider=provider)
            for t in range(TARGETS_PER_MODEL):
                offering = Offering.objects.create(
                    model=model, host=host, source="bench", source_key=f"bench/{m}/{t}"
                )
                SpeedTarget.objects.create(
                    offering=offering,
                    base_url=server.base_url,
                    api_model=f"bench-{m}-{t}",
                    samples_per_test=SAMPLES,
                    max_output_tokens=20,
                    is_simulated=True,
                )
        targets = MODELS * TARGETS_PER_MODEL

        workers = start_workers(env)
        try:
            deadline = time.monotonic() + 60
            while len(app.control.ping(timeout=0.5) or []) < WORKERS:
                if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
                    print("FAIL: the workers did not start")
                    return 1
            started = time.perf_counter()
            speedtests_fan_out.delay()
            deadline = time.monotonic() + DEADLINE_S
            finished = 0
            while time.monotonic() < deadline:
                finished = SpeedTestRun.objects.filter(
                    status__in=["completed", "failed", "skipped"]
                ).count()
                if finished >= targets:
                    break
                time.sleep(0.1)
            wall_s = time.perf_counter() - started
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()

        statuses = Counter(SpeedTestRun.objects.values_list("status", flat=True))
        per_run = Counter(SpeedSample.objects.values_list("run_id", flat=True))
        positions = SpeedSample.objects.values_list("run_id", "index")
        duplicates = len(positions) - len(set(positions))
        requests = server.request_counts

    samples = sum(per_run.values())
    summarised = sum(SpeedSummary.objects.values_list("samples_total", flat=True))
    wrong_requests = {name: count for name, count in requests.items() if count != 1 + SAMPLES}
    print(f"database: {database}; broker: Redis; workers: {WORKERS} (solo pool)")
    print(f"targets: {targets} x {SAMPLES} samples (+1 warm-up each)")
    print(f"wall time: {wall_s:.1f} s ({wall_s / targets * 1000:.0f} ms per target)")
    print(f"runs: {dict(statuses)}")
    print(f"samples stored: {samples} (expected {targets * SAMPLES}), duplicates: {duplicates}")
    print(f"samples in the per-model summaries: {summarised}")
    print(f"chat requests seen by the simulator: {sum(requests.values())}")

    problems = []
    if finished < targets:
        problems.append(f"only {finished} of {targets} runs finished within {DEADLINE_S:g} s")
    if statuses.get("completed", 0) != targets:
        problems.append(f"runs not completed: {dict(statuses)}")
    if samples != targets * SAMPLES or any(n != SAMPLES for n in per_run.values()):
        problems.append("a run is missing samples or has extra ones")
    if duplicates:
        problems.append(f"{duplicates} samples stored twice")
    if summarised != targets * SAMPLES:
        problems.append("the summaries do not count every sample once")
    if len(requests) != targets or wrong_requests:
        problems.append(f"targets not measured exactly once: {wrong_requests or len(requests)}")
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print("PASS: every sample stored exactly once")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
