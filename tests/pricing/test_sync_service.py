"""The price sync writes only what changed, refuses bad feeds whole, and records every run."""

import datetime as dt
from decimal import Decimal

import pytest

from models_catalog.models import CatalogueChange, Model, Offering
from pricing.models import HeldPriceChange, PricePoint, SyncRun
from pricing.services import SyncRefused, held_price_confirm, prices_sync
from tests import factories
from tests.pricing.feeds import feed, write

pytestmark = pytest.mark.django_db

DAY_1 = dt.date(2026, 1, 5)
DAY_2 = dt.date(2026, 1, 12)
DAY_3 = dt.date(2026, 1, 19)


def sync(tmp_path, data, day=DAY_1, **kwargs):
    return prices_sync(path=write(tmp_path / f"feed-{day}.json", data), as_of=day, **kwargs)


def o4_points():
    return list(
        PricePoint.objects.filter(offering__source_key="o4-mini").order_by("effective_from")
    )


def test_a_first_sync_imports_models_offerings_and_prices(tmp_path):
    run = sync(tmp_path, feed())

    assert run.outcome == SyncRun.Outcome.APPLIED
    assert run.added == 60
    assert run.entry_count == 61  # sample_spec is counted, then skipped
    o4 = Model.objects.get(slug="o4-mini")
    assert o4.context_window == 200_000
    assert o4.max_output_tokens == 100_000
    point = o4_points()[0]
    assert point.input_per_million == Decimal("1.1")
    assert point.output_per_million == Decimal("4.4")
    assert point.cache_read_per_million == Decimal("0.275")
    assert point.sync_run == run


def test_region_and_dated_keys_map_to_the_canonical_model(tmp_path):
    sync(tmp_path, feed())

    offering = Offering.objects.get(source_key="azure/eu/o4-mini-2025-04-16")
    assert offering.model.slug == "o4-mini"
    assert offering.host.slug == "azure"
    assert [r.code for r in offering.regions.all()] == ["eu"]
    assert offering.model.aliases.filter(alias="o4-mini-2025-04-16").exists()
    # The maker's own, region-free listing speaks for the model.
    reference = offering.model.reference_offering
    assert reference is not None
    assert reference.source_key == "o4-mini"


def test_the_same_feed_twice_writes_nothing_new(tmp_path):
    sync(tmp_path, feed())
    points = PricePoint.objects.count()

    second = sync(tmp_path, feed())

    assert second.outcome == SyncRun.Outcome.UNCHANGED
    assert PricePoint.objects.count() == points


def test_the_same_prices_on_a_later_date_write_no_point(tmp_path):
    sync(tmp_path, feed())
    points = PricePoint.objects.count()

    later = sync(tmp_path, feed(), day=DAY_2)

    assert later.outcome == SyncRun.Outcome.APPLIED
    assert later.changed == 0
    assert later.unchanged == 60
    assert PricePoint.objects.count() == points


def test_one_changed_price_writes_exactly_one_point(tmp_path):
    sync(tmp_path, feed())
    before = PricePoint.objects.count()

    run = sync(tmp_path, feed(**{"o4-mini": {"input_cost_per_token": 9e-07}}), day=DAY_2)

    assert run.changed == 1
    assert PricePoint.objects.count() == before + 1
    assert [p.input_per_million for p in o4_points()] == [Decimal("1.1"), Decimal("0.9")]
    assert o4_points()[1].effective_from == DAY_2


def test_back_filling_an_older_date_inserts_points_in_date_order(tmp_path):
    sync(tmp_path, feed(**{"o4-mini": {"input_cost_per_token": 9e-07}}), day=DAY_3)

    sync(tmp_path, feed(), day=DAY_1)

    assert [(p.effective_from, p.input_per_million) for p in o4_points()] == [
        (DAY_1, Decimal("1.1")),
        (DAY_3, Decimal("0.9")),
    ]


def test_back_filling_the_same_prices_leaves_a_step_only_where_they_changed(tmp_path):
    sync(tmp_path, feed(), day=DAY_3)

    sync(tmp_path, feed(), day=DAY_1)

    assert [p.effective_from for p in o4_points()] == [DAY_1]


def test_several_maps_in_date_order_step_exactly_where_a_price_changed(tmp_path):
    cheaper = feed(**{"o4-mini": {"input_cost_per_token": 9e-07}})
    sync(tmp_path, feed(), day=DAY_1)
    sync(tmp_path, cheaper, day=DAY_2)
    sync(tmp_path, cheaper, day=DAY_3)

    assert [p.effective_from for p in o4_points()] == [DAY_1, DAY_2]
    model_0 = PricePoint.objects.filter(offering__source_key="model-0")
    assert model_0.count() == 1


def test_a_catalogue_fact_that_changed_is_updated_and_recorded(tmp_path):
    sync(tmp_path, feed())

    run = sync(
        tmp_path,
        feed(**{"o4-mini": {"max_input_tokens": 400000, "supports_pdf_input": True}}),
        day=DAY_2,
    )

    assert run.facts_changed == 2
    assert Model.objects.get(slug="o4-mini").context_window == 400_000
    fields = set(CatalogueChange.objects.values_list("field", flat=True))
    assert fields == {"context_window", "capability:pdf_input"}


def test_a_price_that_moves_more_than_tenfold_is_held_for_an_editor(tmp_path):
    sync(tmp_path, feed())

    run = sync(tmp_path, feed(**{"o4-mini": {"input_cost_per_token": 2e-05}}), day=DAY_2)

    assert run.held == 1
    assert len(o4_points()) == 1
    held = HeldPriceChange.objects.get()
    assert "input" in held.reason
    held_price_confirm(held=held, by=factories.user(staff=True))
    assert [p.input_per_million for p in o4_points()] == [Decimal("1.1"), Decimal("20")]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"o4-mini": {"mode": "chat", "input_cost', "JSON"),
        (b"[1, 2, 3]", "object"),
        (b'{"a": {"mode": "chat", "litellm_provider": "openai"}}', "50"),
    ],
)
def test_a_broken_feed_is_refused_whole_and_the_run_says_why(tmp_path, raw, reason):
    sync(tmp_path, feed())
    before = PricePoint.objects.count()
    path = tmp_path / "broken.json"
    path.write_bytes(raw)

    with pytest.raises(SyncRefused) as refused:
        prices_sync(path=path, as_of=DAY_2)

    assert refused.value.run.outcome == SyncRun.Outcome.REFUSED
    assert reason in refused.value.run.reason
    assert PricePoint.objects.count() == before


def test_bad_entries_are_reported_with_their_key_and_do_not_stop_the_others(tmp_path):
    data = feed(
        **{
            "model-1": {"input_cost_per_token": "0.000001"},
            "model-2": {"output_cost_per_token": -1e-06},
            "model-3": {"input_cost_per_token": 1.5},
        }
    )

    run = sync(tmp_path, {**feed(200), **data})

    assert run.invalid == 3
    assert {bad["key"] for bad in run.invalid_entries} == {"model-1", "model-2", "model-3"}
    assert Offering.objects.filter(source_key="model-4").exists()
    assert not Offering.objects.filter(source_key="model-1").exists()


def test_a_feed_missing_most_offerings_is_refused(tmp_path):
    sync(tmp_path, feed(150))
    missing = {f"model-{n}": None for n in range(90)}  # 60% of what the last sync saw

    with pytest.raises(SyncRefused) as refused:
        sync(tmp_path, feed(150, **missing), day=DAY_2)

    assert "drop 90 of the 150" in refused.value.run.reason
    assert Offering.objects.listed().count() == 150


def test_an_exception_half_way_through_leaves_the_database_unchanged(tmp_path, monkeypatch):
    sync(tmp_path, feed())
    before = (PricePoint.objects.count(), Offering.objects.count(), Model.objects.count())
    from models_catalog import services as catalogue_services

    calls = {"n": 0}
    real_apply = catalogue_services.CatalogueWriter.apply

    def failing_apply(self, entry):
        calls["n"] += 1
        if calls["n"] == 30:
            raise RuntimeError("disk on fire")
        return real_apply(self, entry)

    monkeypatch.setattr(catalogue_services.CatalogueWriter, "apply", failing_apply)
    changed = feed(80, **{"o4-mini": {"input_cost_per_token": 9e-07}})

    with pytest.raises(SyncRefused) as failed:
        sync(tmp_path, changed, day=DAY_2)

    assert failed.value.run.outcome == SyncRun.Outcome.FAILED
    assert "disk on fire" in failed.value.run.reason
    after = (PricePoint.objects.count(), Offering.objects.count(), Model.objects.count())
    assert after == before


def test_a_dry_run_reports_the_counts_and_writes_nothing(tmp_path):
    run = sync(tmp_path, feed(), dry_run=True)

    assert run.outcome == SyncRun.Outcome.DRY_RUN
    assert run.added == 60
    assert Offering.objects.count() == 0
    assert PricePoint.objects.count() == 0


def test_non_chat_modes_are_stored_but_not_published(tmp_path):
    data = feed(**{"text-embedding-9": {"mode": "embedding", "output_cost_per_token": 0}})

    sync(tmp_path, data)

    assert Model.objects.get(slug="text-embedding-9").is_published is False
    assert Model.objects.get(slug="o4-mini").is_published is True


def test_an_editor_alias_overrides_the_mapping(tmp_path):
    from models_catalog.models import ModelAlias

    target = factories.model(slug="house-model")
    ModelAlias.objects.create(alias="model-7", model=target)

    sync(tmp_path, feed())

    assert Offering.objects.get(source_key="model-7").model == target


def test_a_sync_run_whose_worker_died_is_failed_by_the_sweep(settings):
    import datetime as dt

    from django.utils import timezone

    from pricing.models import SyncRun
    from pricing.services import sync_runs_abandoned_fail

    settings.CELERY_TASK_TIME_LIMIT, settings.CELERY_VISIBILITY_TIMEOUT = 600, 660
    now = timezone.now()
    dead = SyncRun.objects.create(source="litellm", location="x", as_of=now.date())
    alive = SyncRun.objects.create(source="litellm", location="x", as_of=now.date())
    SyncRun.objects.filter(pk=dead.pk).update(started_at=now - dt.timedelta(minutes=22))

    assert sync_runs_abandoned_fail(now=now) == 1

    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.outcome == "failed" and dead.reason.startswith("abandoned")
    assert alive.outcome == "running"
    assert sync_runs_abandoned_fail(now=now) == 0
