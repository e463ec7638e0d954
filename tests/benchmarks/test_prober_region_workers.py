"""Two real Celery workers on Redis, one per prober region, each consuming only its region's
queue: a fan-out is measured once from each region, the samples say where from, a region
without a worker holds up no other, and the page and the API show both regions."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings

from benchmarks.models import SpeedSample, SpeedTestRun
from benchmarks.simulator import SimulatorServer
from benchmarks.speed.tasks import speedtests_fan_out
from tests.conftest import ROOT, celery_env, skip_or_fail

from .conftest import speed_target

SAMPLES = 3


def worker(region: str, *, log: Path) -> subprocess.Popen[bytes]:
    env = celery_env(
        SPEEDTEST_PROBER_REGION=region,
        SPEEDTEST_TIMEOUT="10",
        SPEEDTEST_STALL_TIMEOUT="5",
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tokonomix",
            "worker",
            "--pool=solo",
            "-Q",
            f"speedtests.{region}",
            "-n",
            f"{region}-{os.getpid()}-{uuid.uuid4().hex[:6]}@%h",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(condition, *, timeout_s: float, what: str, log: Path) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, (
            f"{what} within {timeout_s} s\n{log.read_text()[-3000:]}"
        )
        time.sleep(0.2)


def statuses(region: str) -> Counter[str]:
    return Counter(SpeedTestRun.objects.filter(queued_for=region).values_list("status", flat=True))


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_region_workers_measure_every_target_once_from_each_region(
    redis_url: str,
    simulator: SimulatorServer,
    settings,  # type: ignore[no-untyped-def]
    client,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    if not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        skip_or_fail("worker processes can only share a PostgreSQL test database")
    settings.SPEEDTEST_REGIONS = {"eu-central": "Frankfurt, Germany", "us-east": "Virginia, USA"}
    broker = redis.Redis.from_url(redis_url)
    broker.delete("speedtests.eu-central", "speedtests.us-east")  # nothing left from before
    targets = [
        speed_target(
            base_url=simulator.base_url,
            api_model=f"region-{uuid.uuid4().hex[:8]}",
            samples_per_test=SAMPLES,
        )
        for _ in range(3)
    ]
    log = tmp_path / "workers.log"

    europe = worker("eu-central", log=log)
    america: subprocess.Popen[bytes] | None = None
    try:
        result = speedtests_fan_out.apply().get()
        assert result == {"queued": 6}

        # Only Europe has a worker: its runs finish while America's wait in their queue.
        wait_for(
            lambda: statuses("eu-central") == Counter(completed=3),
            timeout_s=60,
            what="the eu-central worker finished its three runs",
            log=log,
        )
        assert statuses("us-east") == Counter(queued=3)
        assert broker.llen("speedtests.us-east") == 3

        america = worker("us-east", log=log)
        wait_for(
            lambda: statuses("us-east") == Counter(completed=3),
            timeout_s=60,
            what="the us-east worker finished its three runs",
            log=log,
        )
    finally:
        stop(europe, *([america] if america else []))
        broker.delete("speedtests.eu-central", "speedtests.us-east")

    runs = list(SpeedTestRun.objects.all())
    assert all(r.region == r.queued_for for r in runs)  # measured where it was sent
    assert Counter((r.target_id, r.region) for r in runs) == Counter(
        {(t.pk, region): 1 for t in targets for region in ("eu-central", "us-east")}
    )
    for target in targets:
        # Each region: one warm-up and the samples, never a second copy.
        assert simulator.requests_for(target.api_model) == 2 * (1 + SAMPLES)
    samples = SpeedSample.objects.filter(run__in=runs)
    assert Counter(samples.values_list("region", flat=True)) == Counter(
        {"eu-central": 3 * SAMPLES, "us-east": 3 * SAMPLES}
    )
    assert all(
        s.region == s.run.region for s in samples.select_related("run")
    )  # every sample says where it was measured from

    model = targets[0].offering.model
    page = client.get(model.get_absolute_url()).content.decode()
    assert '<option value="eu-central">eu-central (Frankfurt, Germany)</option>' in page
    assert '<option value="us-east">us-east (Virginia, USA)</option>' in page
    from_america = client.get(model.get_absolute_url(), {"region": "us-east"}).content.decode()
    assert "Measured from: <strong>us-east (Virginia, USA)</strong>" in from_america
    body = client.get(f"/api/v1/models/{model.slug}/speed").json()
    by_region = {s["region"]: s for s in body["slices"] if s["offering"] is None}
    assert set(by_region) == {"all", "eu-central", "us-east"}
    assert by_region["eu-central"]["all_time"]["ok"] == SAMPLES
    assert by_region["us-east"]["all_time"]["ok"] == SAMPLES
    assert by_region["all"]["all_time"]["ok"] == 2 * SAMPLES
    assert {s["region"] for s in body["samples"]} == {"eu-central", "us-east"}
