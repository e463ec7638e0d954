"""How long does a fan-out to two prober regions take, and is every sample stored once?

Run from the repository root: ``python tests/bench/bench_speedtest_fanout.py``.
300 targets x 2 regions x 6 samples against the simulator, through a real Redis broker:
the fan-out sends each target's run to speedtests.eu-central and speedtests.us-east, and
two Celery worker processes consume each region's queue (four in all, each saying which
region it measures from). Uses a fresh PostgreSQL database next to DATABASE_URL's (dropped
at the end) when DATABASE_URL is set, else an SQLite file in a temporary folder; Redis
BENCH_REDIS_URL, or database 15 on REDIS_URL's host (default 127.0.0.1:6379). Skips (exit
0) when Redis is unreachable; exits 1 when a run does not finish in time, or a target is
not measured exactly once from each region, or a sample is missing or stored twice.
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

MODELS = 60
TARGETS_PER_MODEL = 5
SAMPLES = 6
REGIONS = {"eu-central": "bench prober A", "us-east": "bench prober B"}
WORKERS_PER_REGION = 2
DEADLINE_S = 900.0


def bench_redis_url() -> str:
    if os.environ.get("BENCH_REDIS_URL"):
        return os.environ["BENCH_REDIS_URL"]
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
                "-Q",
                f"speedtests.{region}",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"bench-{region}-{index}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env={**env, "SPEEDTEST_PROBER_REGION": region},
        )
        for region in REGIONS
        for index in range(WORKERS_PER_REGION)
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
            "SPEEDTEST_REGIONS": ";".join(f"{code}={where}" for code, where in REGIONS.items()),
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
    import redis
    from django.core.management import call_command
    from django.db.models import F

    from benchmarks.models import SpeedSample, SpeedSummary, SpeedTarget, SpeedTestRun
    from benchmarks.simulator import SimulatedModel, SimulatorServer
    from benchmarks.speed.tasks import speedtests_fan_out
    from models_catalog.models import Host, Model, Offering, Provider
    from tokonomix.celery import app

    call_command("migrate", verbosity=0)
    broker = redis.Redis.from_url(env["REDIS_URL"])
    broker.delete(*(f"speedtests.{region}" for region in REGIONS))
    database = "PostgreSQL" if "postgres" in env["DATABASE_URL"] else "SQLite"
    workers_total = len(REGIONS) * WORKERS_PER_REGION
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
        expected_runs = targets * len(REGIONS)

        workers = start_workers(env)
        try:
            deadline = time.monotonic() + 90
            while len(app.control.ping(timeout=0.5) or []) < workers_total:
                if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
                    print("FAIL: the workers did not start")
                    return 1
            started = time.perf_counter()
            queued = speedtests_fan_out.apply().get()["queued"]
            fanned_out_s = time.perf_counter() - started
            deadline = time.monotonic() + DEADLINE_S
            finished = 0
            while time.monotonic() < deadline:
                finished = SpeedTestRun.objects.filter(
                    status__in=["completed", "failed", "skipped"]
                ).count()
                if finished >= expected_runs:
                    break
                time.sleep(0.2)
            wall_s = time.perf_counter() - started
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
            broker.delete(*(f"speedtests.{region}" for region in REGIONS))

        statuses = Counter(SpeedTestRun.objects.values_list("status", flat=True))
        per_target_region = Counter(SpeedTestRun.objects.values_list("target_id", "region"))
        per_run = Counter(SpeedSample.objects.values_list("run_id", flat=True))
        positions = SpeedSample.objects.values_list("run_id", "index")
        duplicates = len(positions) - len(set(positions))
        by_region = Counter(SpeedSample.objects.values_list("region", flat=True))
        mislabelled = SpeedSample.objects.exclude(region=F("run__region")).count()
        misrouted = SpeedTestRun.objects.exclude(region=F("queued_for")).count()
        requests = server.request_counts

    samples = sum(per_run.values())
    summarised = sum(SpeedSummary.objects.values_list("samples_total", flat=True))
    per_target = 1 + SAMPLES
    wrong_requests = {
        name: count for name, count in requests.items() if count != len(REGIONS) * per_target
    }
    print(
        f"database: {database}; broker: Redis; regions: {', '.join(REGIONS)}; "
        f"workers: {WORKERS_PER_REGION} per region (solo pool), {workers_total} in all"
    )
    print(f"targets: {targets} x {len(REGIONS)} regions x {SAMPLES} samples (+1 warm-up each)")
    print(f"fan-out: {queued} runs queued in {fanned_out_s:.1f} s")
    print(
        f"wall time: {wall_s:.1f} s ({wall_s / expected_runs * 1000:.0f} ms per run, "
        f"{expected_runs / wall_s:.1f} runs/s)"
    )
    print(f"runs: {dict(statuses)}")
    print(
        f"samples stored: {samples} (expected {expected_runs * SAMPLES}), duplicates: "
        f"{duplicates}, by region: {dict(by_region)}, region unlike the run's: {mislabelled}"
    )
    print(f"runs measured in another region than they were sent to: {misrouted}")
    print(f"samples in the per-model summaries: {summarised}")
    print(f"chat requests seen by the simulator: {sum(requests.values())}")

    problems = []
    if finished < expected_runs:
        problems.append(f"only {finished} of {expected_runs} runs finished within {DEADLINE_S:g} s")
    if statuses.get("completed", 0) != expected_runs:
        problems.append(f"runs not completed: {dict(statuses)}")
    if any(n != 1 for n in per_target_region.values()) or len(per_target_region) != expected_runs:
        problems.append("a target was not measured exactly once from each region")
    if samples != expected_runs * SAMPLES or any(n != SAMPLES for n in per_run.values()):
        problems.append("a run is missing samples or has extra ones")
    if duplicates:
        problems.append(f"{duplicates} samples stored twice")
    if misrouted:
        problems.append(f"{misrouted} runs measured in another region than they were sent to")
    if mislabelled or set(by_region) != set(REGIONS):
        problems.append("samples not tagged with their run's region")
    if summarised != expected_runs * SAMPLES:
        problems.append("the summaries do not count every sample once")
    if len(requests) != targets or wrong_requests:
        problems.append(f"targets not measured once per region: {wrong_requests or len(requests)}")
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print("PASS: every target measured once from each region, every sample stored once")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
