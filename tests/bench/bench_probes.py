"""Probe benchmark: /readyz answers quickly while the site is under load.

gunicorn (docker/gunicorn.conf.py: 2 sync workers, the site's port and the probe port) on
PostgreSQL with the demo data, Redis for the page cache (PAGE_CACHE_SECONDS=300) and
rate limits (API_RATE_LIMIT raised so that wrk, one client, measures the site rather
than its limit). Two wrk processes hold 100 connections each for 20 s, one on /en/ and
one on /api/v1/models; meanwhile /readyz is asked every 100 ms on the probe port, and
on the site's port for comparison.

Targets: no socket error and no answer other than 200 from wrk; /readyz p99 on the probe
port under 200 ms. Prints requests/s and p50/p99 for each.

Run from the repository root: python tests/bench/bench_probes.py (make bench runs it).
Skips, saying why, when PostgreSQL, Redis or wrk is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "tokonomix_bench_probes"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
SECONDS = 20
CONNECTIONS_EACH = 100
MAX_PROBE_P99_MS = 200.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def missing() -> str | None:
    if shutil.which("wrk") is None:
        return "wrk is not installed (apt-get install -y wrk)"
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode != 0:
        return "PostgreSQL is not answering on 127.0.0.1:5432"
    if subprocess.run(["redis-cli", "-u", REDIS_URL, "ping"], capture_output=True).returncode:
        return f"Redis is not answering at {REDIS_URL}"
    return None


def wrk(url: str, results: dict[str, str]) -> None:
    command = ["wrk", "-t2", f"-c{CONNECTIONS_EACH}", f"-d{SECONDS}s", "--latency", url]
    results[url] = subprocess.run(command, capture_output=True, text=True, check=True).stdout


def parse(output: str) -> tuple[float, str, str, int]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+(\S+)", output).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+(\S+)", output).group(1)  # type: ignore[union-attr]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, p50, p99, errors + (int(non_2xx.group(1)) if non_2xx else 0)


def probe(url: str, stop: threading.Event, times: list[float], failures: list[str]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                response.read()
                if response.status != 200:
                    failures.append(str(response.status))
        except Exception as error:
            failures.append(type(error).__name__)
        times.append((time.perf_counter() - started) * 1000)
        stop.wait(0.1)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    why = missing()
    if why:
        print(f"SKIP: {why}")
        return 0
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-never-used-elsewhere-0123456789",
        "DJANGO_DEBUG": "false",
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "PAGE_CACHE_SECONDS": "300",
        "API_RATE_LIMIT": "100000000/m",
        "WEB_CONCURRENCY": "2",
    }
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE])
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "load_demo", "--no-live-test"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    site, probes = free_port(), free_port()
    env.update(PORT=str(site), PROBE_PORT=str(probes))
    web = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "tokonomix.wsgi:application",
         "-c", "docker/gunicorn.conf.py", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{site}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        for path in ("/en/", "/api/v1/models"):  # fill the page cache
            urllib.request.urlopen(base + path, timeout=10).read()
        stop = threading.Event()
        probe_times: list[float] = []
        site_port_times: list[float] = []
        failures: list[str] = []
        results: dict[str, str] = {}
        threads = [
            threading.Thread(target=wrk, args=(f"{base}/en/", results)),
            threading.Thread(target=wrk, args=(f"{base}/api/v1/models", results)),
            threading.Thread(
                target=probe,
                args=(f"http://127.0.0.1:{probes}/readyz", stop, probe_times, failures),
            ),
            threading.Thread(target=probe, args=(f"{base}/readyz", stop, site_port_times, [])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads[:2]:
            thread.join()
        stop.set()
        for thread in threads[2:]:
            thread.join()
    finally:
        web.terminate()
        web.wait(timeout=30)
    total_errors = 0
    for url, output in results.items():
        rps, p50, p99, errors = parse(output)
        total_errors += errors
        print(f"{url:44} {rps:8.0f} req/s  p50 {p50:>8}  p99 {p99:>8}  errors {errors}")
    p99_probe = percentile(probe_times, 0.99)
    print(
        f"/readyz on the probe port ({len(probe_times)} asked): "
        f"p50 {statistics.median(probe_times):.1f} ms  p99 {p99_probe:.1f} ms  "
        f"failed {len(failures)}"
    )
    print(
        f"/readyz on the site's port, for comparison: "
        f"p50 {statistics.median(site_port_times):.1f} ms  "
        f"p99 {percentile(site_port_times, 0.99):.1f} ms"
    )
    ok = total_errors == 0 and not failures and p99_probe < MAX_PROBE_P99_MS
    print(f"errors 0 and probe p99 < {MAX_PROBE_P99_MS:.0f} ms: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
