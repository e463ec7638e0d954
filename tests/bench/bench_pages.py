"""Page benchmark: gunicorn on PostgreSQL with 300 published models, measured with wrk.

Data: 300 published models, each with two offerings and two years of weekly price points
(the price moving now and then), 100 speed tests of 6 requests (aggregated by benchmarks'
own service), and published profiles and verdicts for one model in ten.

Figures, each against /healthz measured in the same gunicorn run (2 workers):
  profile page, page cache off   >= 4% of /healthz requests/s
  profile page, from the cache   >= 60%
  first visit of a profile page  <= 700 KB transferred (HTML, CSS, JS, as served)
  charts drawn                   <= 1 s after navigation, in headless Chromium (median
                                 of five first visits)

The home page (the leaderboard with its price vs speed scatter over the 300 models) has a
script of its own, bench_home.py, with its own target.

Run from the repository root: python tests/bench/bench_pages.py (make bench runs it);
BENCH_PAGES_REUSE=1 measures again without regenerating the database. The page cache's
Redis database (BENCH_REDIS_URL, default db 7) is emptied first.
Skips, saying why, when PostgreSQL, wrk or chromium is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "tokonomix_bench_pages"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WRK = ["wrk", "-t2", "-c8", "-d8s"]
MODELS = 300
WEEKS = 104
RUNS_PER_MODEL = 100
SAMPLES_PER_RUN = 6
PROFILED = "model-000"  # has a published profile and verdict, and the full history
TARGETS = {"profile_off": 0.04, "profile_cached": 0.60}
MAX_TRANSFER_KB = 700
MAX_CHART_MS = 1000
FIRST_VISITS = 5


def env_for(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-never-used-elsewhere-0123456789",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "REDIS_URL": REDIS_URL,
        # Tasks a publish or sync hands on stay in this process, not on someone's worker.
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }
    env.update(extra)
    return env


def missing_tool() -> str | None:
    if shutil.which("pg_isready") is None or (
        subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode != 0
    ):
        return "PostgreSQL is not answering on 127.0.0.1:5432"
    if shutil.which("wrk") is None:
        return "wrk is not installed (apt-get install -y wrk)"
    if not Path(CHROMIUM).exists():
        return f"chromium is not at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


# --- data ------------------------------------------------------------------------------


def generate() -> None:
    """Runs in a child process with the bench database's settings."""
    import datetime as dt
    import random
    from decimal import Decimal

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tokonomix.settings")
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.db import transaction
    from django.utils import timezone

    from benchmarks.models import SpeedSample, SpeedTestRun
    from benchmarks.speed.services import speed_aggregates_recompute
    from models_catalog.models import Host, Model, ModelCapability, Offering, Provider, Region, Tier
    from pricing.models import PricePoint, SyncRun
    from tokonomix.core.workflow.models import EDITORS_GROUP, REVIEWERS_GROUP
    from tokonomix.editorial.models import ModelProfile, ProfileSection, Verdict

    rng = random.Random(7)
    started = time.monotonic()
    today = timezone.localdate()
    with transaction.atomic():
        tiers = [
            Tier.objects.create(code=code, label=label, rank=rank)
            for rank, (code, label) in enumerate([("A", "Frontier"), ("B", "Fast"), ("C", "Small")])
        ]
        eu = Region.objects.create(code="eu", name="EU")
        us = Region.objects.create(code="us", name="US")
        providers = [
            Provider.objects.create(name=f"Maker {n}", slug=f"maker-{n}", country="France")
            for n in range(10)
        ]
        hosts = [Host.objects.create(slug=f"host-{n}", name=f"Host {n}") for n in range(11)]
        models = Model.objects.bulk_create(
            Model(
                slug=f"model-{n:03d}",
                name=f"Model {n:03d}",
                provider=providers[n % 10],
                tier=tiers[n % 3],
                family=f"family-{n % 20}",
                summary="A benchmark model.",
                context_window=128_000,
                max_output_tokens=16_000,
                is_published=True,
            )
            for n in range(MODELS)
        )
        offerings = Offering.objects.bulk_create(
            Offering(
                model=model,
                host=hosts[(n % 10) if second == 0 else 10],
                source="litellm",
                source_key=f"{'cloud/eu/' if second else ''}{model.slug}",
            )
            for n, model in enumerate(models)
            for second in (0, 1)
        )
        Offering.regions.through.objects.bulk_create(
            Offering.regions.through(
                offering_id=o.pk, region_id=(eu if "/eu/" in o.source_key else us).pk
            )
            for o in offerings
        )
        for model, offering in zip(models, offerings[::2], strict=True):
            model.reference_offering = offering
        Model.objects.bulk_update(models, ["reference_offering"])
        ModelCapability.objects.bulk_create(
            ModelCapability(model=m, capability=c, supported=(i + n) % 3 != 0, source="bench")
            for n, m in enumerate(models)
            for i, c in enumerate(["tools", "vision", "json_schema", "reasoning"])
        )
        for n, model in enumerate(models):
            model.peers.set([models[(n + 1) % MODELS], models[(n + 2) % MODELS]])
        first_week = today - dt.timedelta(weeks=WEEKS)
        points = []
        for offering in offerings:
            price = Decimal(rng.randint(10, 400)) / 100
            for week in range(WEEKS):
                if week and rng.random() < 0.1:
                    price = (price * Decimal(rng.choice(["0.8", "0.9", "1.1"]))).quantize(
                        Decimal("0.0001")
                    )
                points.append(
                    PricePoint(
                        offering=offering,
                        effective_from=first_week + dt.timedelta(weeks=week),
                        input_per_million=price,
                        output_per_million=price * 4,
                        cache_read_per_million=price / 4,
                    )
                )
        PricePoint.objects.bulk_create(points, batch_size=5000)
        SyncRun.objects.create(
            source="litellm",
            location="bench",
            as_of=today,
            outcome=SyncRun.Outcome.APPLIED,
            finished_at=timezone.now(),
        )
    print(f"  catalogue and {len(points)} price points in {time.monotonic() - started:.1f} s")

    started = time.monotonic()
    now = timezone.now()
    for model in models:
        with transaction.atomic():
            runs = SpeedTestRun.objects.bulk_create(
                SpeedTestRun(
                    model=model,
                    status=SpeedTestRun.Status.COMPLETED,
                    base_url="https://api.example.com/v1",
                    api_model=model.slug,
                    samples_requested=SAMPLES_PER_RUN,
                    prompt_set="standard",
                    attempt=1,
                    ok_samples=SAMPLES_PER_RUN,
                    started_at=now - dt.timedelta(hours=30 * n + 1),
                    finished_at=now - dt.timedelta(hours=30 * n),
                )
                for n in range(RUNS_PER_MODEL)
            )
            samples = []
            for run in runs:
                assert run.started_at is not None
                for index in range(SAMPLES_PER_RUN):
                    failed = rng.random() < 0.03
                    latency = rng.gauss(1500, 300)
                    samples.append(
                        SpeedSample(
                            run=run,
                            model=model,
                            source="scheduled",
                            index=index,
                            started_at=run.started_at + dt.timedelta(seconds=5 * index),
                            status="timeout" if failed else "ok",
                            http_status=None if failed else 200,
                            ttft_ms=None if failed else latency / 4,
                            latency_ms=None if failed else latency,
                            output_tokens=None if failed else 200,
                            decode_tokens_per_second=None if failed else rng.gauss(90, 10),
                            e2e_tokens_per_second=None if failed else 200 / latency * 1000,
                        )
                    )
            SpeedSample.objects.bulk_create(samples)
            speed_aggregates_recompute(model_id=model.pk, now=now)
    print(
        f"  {MODELS * RUNS_PER_MODEL} speed tests, {MODELS * RUNS_PER_MODEL * SAMPLES_PER_RUN} "
        f"samples, aggregates in {time.monotonic() - started:.1f} s"
    )

    started = time.monotonic()
    editor = User.objects.create_user("bench-editor", password="x" * 20, is_staff=True)
    reviewer = User.objects.create_user("bench-reviewer", password="x" * 20, is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    for model in models[::10]:
        profile = ModelProfile.objects.create(model=model)
        profile.authors.add(editor)
        ProfileSection.objects.create(
            profile=profile, title="Overview", body="Fast, **cheap** and dependable.\n" * 5
        )
        verdict = Verdict.objects.create(
            model=model, date=today, headline="Good value", body="It holds up.", highlights="Fast"
        )
        for item in (profile, verdict):
            item.record_revision(by=editor)
            item.submit(by=editor)
            item.approve(by=reviewer)
            item.publish(by=reviewer)
    print(f"  {MODELS // 10} published profiles and verdicts in {time.monotonic() - started:.1f} s")


# --- measuring ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(page_cache_seconds: int) -> Any:
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "tokonomix.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env_for(PAGE_CACHE_SECONDS=str(page_cache_seconds)),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("FAILED: gunicorn did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def warm(url: str, times: int = 4) -> None:
    for _ in range(times):
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            if response.status != 200:
                raise SystemExit(f"FAILED: {url} answered {response.status}")


def rps(url: str) -> float:
    warm(url)
    output = subprocess.run([*WRK, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"FAILED: {url} answered errors under load:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not match:
        raise SystemExit(f"FAILED: no figure from wrk:\n{output}")
    return float(match.group(1))


def first_visit(url: str) -> tuple[int, float]:
    """Bytes transferred for HTML, CSS and JS (encoded, as served), and ms until every
    chart says it is drawn, counted from the start of navigation. Each visit is a first
    visit: a new browser context, so an empty cache, in a browser already running (as a
    reader's is). The time is the median of FIRST_VISITS visits: on a shared machine one
    visit can land on a busy moment."""
    from playwright.sync_api import sync_playwright

    transferred: list[int] = []
    drawn: list[float] = []
    responses: list[Any] = []  # of the visit under way
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(FIRST_VISITS):
            context = browser.new_context()
            page = context.new_page()
            responses.clear()
            page.on("response", lambda response: responses.append(response))
            page.goto(url, wait_until="load")
            # Truthy once every chart is drawn: the time then, read in the same poll.
            drawn_at = page.wait_for_function(
                "() => { const charts = document.querySelectorAll('[data-chart]');"
                " return charts.length > 0"
                " && [...charts].every(c => c.dataset.drawn === 'true') && performance.now(); }",
                timeout=15_000,
            )
            drawn.append(float(drawn_at.json_value()))
            total = 0
            for response in responses:
                if response.request.resource_type in {"document", "stylesheet", "script"}:
                    sizes = response.request.sizes()
                    total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
            transferred.append(total)
            context.close()
        browser.close()
    print(f"  first visits: charts drawn at {', '.join(f'{ms:.0f}' for ms in drawn)} ms")
    return max(transferred), statistics.median(drawn)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def prepare(*, reuse_variable: str) -> None:
    """DATABASE filled with the bench data (kept as it is when `reuse_variable` is "1"), and
    the static files collected."""
    manage = [sys.executable, "manage.py"]
    if os.environ.get(reuse_variable) == "1":
        print(f"reusing the database {DATABASE} ({reuse_variable}=1)")
    else:
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
        subprocess.run(
            [*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env_for(), check=True
        )
        print("generating data")
        subprocess.run(
            [sys.executable, __file__, "--generate"], cwd=ROOT, env=env_for(), check=True
        )
        # As autovacuum would by the time readers come: plans from real row counts.
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "VACUUM ANALYZE", DATABASE],
            check=True,
        )
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env_for(), check=True
    )


def main() -> int:
    reason = missing_tool()
    if reason:
        print(f"SKIP: {reason}")
        return 0
    prepare(reuse_variable="BENCH_PAGES_REUSE")
    # Pages an earlier run cached (perhaps from other code) must not be measured.
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()

    profile = f"/en/models/{PROFILED}/"
    figures: dict[str, float] = {}
    with gunicorn(page_cache_seconds=0) as base:
        figures["healthz_off"] = rps(f"{base}/healthz")
        figures["profile_off"] = rps(f"{base}{profile}")
    with gunicorn(page_cache_seconds=300) as base:
        figures["healthz_on"] = rps(f"{base}/healthz")
        figures["profile_cached"] = rps(f"{base}{profile}")
        transfer, drawn_ms = first_visit(f"{base}{profile}")

    print(f"\n{'figure':<34}{'req/s':>10}{'/healthz':>10}{'target':>9}")
    print(f"{'/healthz (cache-off run)':<34}{figures['healthz_off']:>10.0f}")
    print(f"{'/healthz (cache-on run)':<34}{figures['healthz_on']:>10.0f}")
    failed = False
    for name, label, healthz in [
        ("profile_off", "profile page, page cache off", "healthz_off"),
        ("profile_cached", "profile page, from the cache", "healthz_on"),
    ]:
        ratio = figures[name] / figures[healthz]
        ok = ratio >= TARGETS[name]
        failed |= not ok
        print(f"{label:<34}{figures[name]:>10.0f}{ratio:>9.2%}{TARGETS[name]:>8.0%}  {verdict(ok)}")
        if name == "profile_off":
            # Server time a page costs beyond /healthz, with both workers busy.
            ms = 2 * 1000 * (1 / figures[name] - 1 / figures[healthz])
            print(f"{'  (about ms of server time a page)':<34}{ms:>10.1f}")
    kb = transfer / 1024
    print(
        f"{'first visit, HTML+CSS+JS':<34}{kb:>9.0f}K{'':>10}{MAX_TRANSFER_KB:>8}K  "
        f"{verdict(kb <= MAX_TRANSFER_KB)}"
    )
    print(
        f"{'charts drawn after navigation':<34}{drawn_ms:>8.0f}ms{'':>10}{MAX_CHART_MS:>7}ms  "
        f"{verdict(drawn_ms <= MAX_CHART_MS)}"
    )
    failed |= kb > MAX_TRANSFER_KB or drawn_ms > MAX_CHART_MS
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--generate"]:
        sys.path.insert(0, str(ROOT))
        generate()
        raise SystemExit(0)
    raise SystemExit(main())
