"""A database from before prober regions and workloads migrates with sensible values: past
runs were measured from the "default" region with the standard workload, testbench
requests have no workload, runs keep their target's offering, and each model's summary
is also its first breakdown, so its page keeps its figures until the next test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The catalogue as it was then too: rows are written with the columns of that time.
BEFORE = [
    ("benchmarks", "0005_reviewed_content_moved_to_editorial"),
    ("models_catalog", "0008_reviewed_content_moved_to_editorial"),
]
AFTER = [("benchmarks", "0007_speed_existing_rows")]


def migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rows_from_before_regions_get_the_default_region_and_the_standard_workload() -> None:
    old = migrate(BEFORE)
    provider = old.get_model("models_catalog", "Provider").objects.create(name="P", slug="p")
    model = old.get_model("models_catalog", "Model").objects.create(
        slug="old-model", name="Old", provider=provider, is_published=True
    )
    host = old.get_model("models_catalog", "Host").objects.create(name="H", slug="h")
    offering = old.get_model("models_catalog", "Offering").objects.create(
        model=model, host=host, source="litellm", source_key="h/old-model"
    )
    target = old.get_model("benchmarks", "SpeedTarget").objects.create(
        offering=offering, base_url="http://127.0.0.1:9/v1", api_model="old"
    )
    Run = old.get_model("benchmarks", "SpeedTestRun")
    now = timezone.now()
    common = {"model": model, "status": "completed", "started_at": now, "finished_at": now}
    scheduled = Run.objects.create(
        target=target, source="scheduled", base_url="x", api_model="old", **common
    )
    testbench = Run.objects.create(
        target=target, source="testbench", base_url="x", api_model="old", prompt_set="", **common
    )
    Sample = old.get_model("benchmarks", "SpeedSample")
    for run in (scheduled, testbench):
        Sample.objects.create(
            run=run,
            model=model,
            source=run.source,
            index=0,
            started_at=now,
            status="ok",
            latency_ms=900.0,
            ttft_ms=200.0,
            output_tokens=100,
        )
    old.get_model("benchmarks", "SpeedSummary").objects.create(
        model=model,
        computed_at=now,
        window_end=now.date(),
        ok_30d=1,
        p50_latency_ms_30d=900.0,
        availability_30d=1.0,
    )
    old.get_model("benchmarks", "SpeedDaily").objects.create(
        model=model, day=now.date() - dt.timedelta(days=1), p50_latency_ms=900.0
    )

    new = migrate(AFTER)
    try:
        NewRun = new.get_model("benchmarks", "SpeedTestRun")
        runs = {r.source: r for r in NewRun.objects.all()}
        assert runs["scheduled"].region == "default" and runs["scheduled"].workload == "standard"
        assert runs["scheduled"].queued_for == ""  # the default queue, as before
        assert runs["testbench"].workload == ""
        assert runs["scheduled"].offering_id == offering.pk
        samples = {s.source: s for s in new.get_model("benchmarks", "SpeedSample").objects.all()}
        assert samples["scheduled"].region == "default"
        assert samples["scheduled"].workload == "standard"
        assert samples["testbench"].workload == ""
        breakdown = new.get_model("benchmarks", "SpeedBreakdown").objects.get()
        assert (breakdown.region, breakdown.workload, breakdown.offering_id) == (
            "all",
            "standard",
            None,
        )
        assert breakdown.p50_latency_ms_30d == 900.0 and breakdown.intervals == {}
        day = new.get_model("benchmarks", "SpeedDaily").objects.get()
        assert (day.region, day.workload) == ("all", "standard")
        target_after = new.get_model("benchmarks", "SpeedTarget").objects.get()
        assert target_after.workloads == ["standard"]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
