"""Prober regions: the fan-out sends each test to one queue per region, each run records
where it was measured from, and pages and the API show each region's figures."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pytest
from django.utils import timezone

from benchmarks.models import SpeedBreakdown, SpeedSample, SpeedTestRun
from benchmarks.simulator import SimulatorServer
from benchmarks.speed.regions import routes
from benchmarks.speed.services import speed_run_create_for_target, speedtest_execute
from benchmarks.speed.tasks import speedtests_enqueue
from tests import factories

from .conftest import recorded_run, speed_target

pytestmark = pytest.mark.django_db

REGIONS = {"eu-central": "Frankfurt, Germany", "us-east": "Ashburn, Virginia, USA"}


def test_without_configured_regions_tests_go_to_the_default_queue(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SPEEDTEST_REGIONS = {}

    assert routes() == [("", None)]


def test_the_fan_out_queues_one_run_per_target_and_region_on_the_regions_queue(
    settings,  # type: ignore[no-untyped-def]
    simulator: SimulatorServer,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    settings.SPEEDTEST_REGIONS = REGIONS
    targets = [speed_target(base_url=simulator.base_url, api_model=f"r-{n}") for n in range(2)]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_ids = speedtests_enqueue(source="scheduled")

    runs = SpeedTestRun.objects.filter(pk__in=run_ids)
    assert sorted((r.target_id, r.queued_for) for r in runs) == sorted(
        (t.pk, region) for t in targets for region in REGIONS
    )
    sent = [c for c in callbacks if isinstance(c, partial)]
    queues = sorted(c.keywords["queue"] for c in sent)
    assert queues == ["speedtests.eu-central"] * 2 + ["speedtests.us-east"] * 2
    for callback in sent:
        [run_id] = callback.keywords["args"]
        region = SpeedTestRun.objects.get(pk=run_id).queued_for
        assert callback.keywords["queue"] == f"speedtests.{region}"


def test_a_run_records_the_region_of_the_worker_that_measured_it(
    settings,  # type: ignore[no-untyped-def]
    simulator: SimulatorServer,
    fast_speedtests: None,
) -> None:
    settings.SPEEDTEST_PROBER_REGION = "ap-south"
    target = speed_target(base_url=simulator.base_url)
    run = speed_run_create_for_target(target=target, source="manual")
    assert run.queued_for == "" and run.region == ""  # for whichever prober takes it

    run = speedtest_execute(run_id=run.pk)

    assert run.status == "completed" and run.region == "ap-south"
    assert set(SpeedSample.objects.filter(run=run).values_list("region", flat=True)) == {"ap-south"}


def test_a_run_queued_for_another_region_is_skipped_not_mislabelled(
    settings,  # type: ignore[no-untyped-def]
    simulator: SimulatorServer,
    fast_speedtests: None,
) -> None:
    settings.SPEEDTEST_PROBER_REGION = "eu-central"
    target = speed_target(base_url=simulator.base_url, api_model="wrong-region")
    run = speed_run_create_for_target(target=target, source="scheduled", queued_for="us-east")

    run = speedtest_execute(run_id=run.pk)

    assert run.status == "skipped"
    assert run.region == "eu-central"  # the worker that refused it says where it stands
    assert "queued for prober region us-east" in run.reason
    assert "SPEEDTEST_PROBER_REGION=us-east" in run.reason
    assert simulator.requests_for("wrong-region") == 0
    assert not SpeedSample.objects.filter(run=run).exists()


def two_regions(model: Any) -> None:
    at = timezone.now() - dt.timedelta(days=1)
    recorded_run(
        model,
        [{"started_at": at, "latency_ms": v} for v in (100.0, 110.0, 120.0)],
        region="eu-central",
    )
    recorded_run(
        model,
        [{"started_at": at, "latency_ms": v} for v in (900.0, 910.0, 920.0)]
        + [{"started_at": at, "status": "timeout", "error": "slow"}],
        region="us-east",
    )


def test_each_region_has_its_own_figures_and_all_regions_have_theirs() -> None:
    model = factories.model()
    two_regions(model)

    by_region = {
        b.region: b for b in SpeedBreakdown.objects.filter(model=model, offering__isnull=True)
    }

    assert set(by_region) == {"all", "eu-central", "us-east"}
    assert by_region["eu-central"].p50_latency_ms == 110.0
    assert by_region["us-east"].p50_latency_ms == 910.0
    assert by_region["all"].ok_total == 6
    assert by_region["us-east"].availability_30d == 0.75
    assert by_region["eu-central"].availability_30d == 1.0
    assert model.speed_summary.ok_total == 6  # listings: every region together


def test_the_model_page_shows_the_region_the_reader_picks(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SPEEDTEST_REGIONS = REGIONS
    model = factories.model(slug="two-regions")
    two_regions(model)

    every = client.get("/en/models/two-regions/").content.decode()
    europe = client.get("/en/models/two-regions/?region=eu-central").content.decode()

    assert "Measured from: <strong>All regions</strong>" in every
    assert '<option value="us-east">us-east (Ashburn, Virginia, USA)</option>' in every
    assert "Measured from: <strong>eu-central (Frankfurt, Germany)</strong>" in europe
    assert "110 ms" in europe and "910 ms" not in europe


def test_the_api_answers_per_region_and_lists_every_regions_slice(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SPEEDTEST_REGIONS = REGIONS
    model = factories.model(slug="api-regions")
    two_regions(model)

    body = client.get("/api/v1/models/api-regions/speed?region=us-east").json()
    regions = client.get("/api/v1/speed/regions").json()

    assert body["region"] == "us-east"
    assert body["p50_latency_ms"] == 910.0
    assert {s["region"] for s in body["samples"]} == {"us-east"}
    assert {s["region"] for s in body["slices"]} == {"all", "eu-central", "us-east"}
    europe = next(s for s in body["slices"] if s["region"] == "eu-central")
    p50 = europe["all_time"]["p50_latency_ms"]
    assert p50["value"] == 110.0 and p50["n"] == 3 and p50["low"] <= 110.0 <= p50["high"]
    assert regions == [{"code": code, "where": where} for code, where in REGIONS.items()]


def test_the_csv_carries_the_region_of_every_sample(client) -> None:  # type: ignore[no-untyped-def]
    model = factories.model(slug="csv-regions")
    two_regions(model)

    body = b"".join(client.get("/api/v1/models/csv-regions/speed.csv").streaming_content)
    only_eu = b"".join(
        client.get("/api/v1/models/csv-regions/speed.csv?region=eu-central").streaming_content
    )

    assert body.decode().count(",eu-central,") == 3
    assert body.decode().count(",us-east,") == 4
    assert only_eu.decode().count("\n") == 1 + 3


def test_the_speed_board_ranks_within_the_region_asked_for(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SPEEDTEST_REGIONS = REGIONS
    near, far = factories.model(name="Near Model"), factories.model(name="Far Model")
    at = timezone.now() - dt.timedelta(days=1)
    recorded_run(near, [{"started_at": at, "latency_ms": 100.0}], region="eu-central")
    recorded_run(near, [{"started_at": at, "latency_ms": 5000.0}], region="us-east")
    recorded_run(far, [{"started_at": at, "latency_ms": 1000.0}], region="eu-central")
    recorded_run(far, [{"started_at": at, "latency_ms": 1000.0}], region="us-east")

    europe = client.get("/en/benchmarks/speed/?region=eu-central").content.decode()
    america = client.get("/en/benchmarks/speed/?region=us-east").content.decode()

    assert europe.index("Near Model") < europe.index("Far Model")
    assert america.index("Far Model") < america.index("Near Model")
    assert "Measured from: <strong>us-east (Ashburn, Virginia, USA)</strong>" in america


def test_the_methodology_page_lists_the_regions_and_where_they_are(client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SPEEDTEST_REGIONS = REGIONS

    page = client.get("/en/benchmarks/methodology/").content.decode()

    for code, where in REGIONS.items():
        assert f"<code>{code}</code>" in page
        assert where in page
