"""Four real litellm releases synced in date order (excerpts in tests/pricing/data): a
price point only where a listed price moved; prices first listed are not changes."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from pricing.models import PriceListing, PricePoint, SyncRun
from pricing.services import SyncRefused, prices_sync

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
RELEASES = [
    ("1.67.0", dt.date(2025, 4, 20)),
    ("1.72.0", dt.date(2025, 6, 1)),
    ("1.74.0", dt.date(2025, 7, 5)),
    ("1.110.2", dt.date(2026, 11, 20)),
]


def excerpt(version):
    return DATA / f"litellm-{version}-excerpt.json"


def sync_all():
    runs = []
    for version, day in RELEASES:
        try:
            runs.append(prices_sync(path=excerpt(version), as_of=day))
        except SyncRefused as refused:
            assert "--accept-drops" in refused.run.reason
            runs.append(prices_sync(path=excerpt(version), as_of=day, accept_drops=True))
    return runs


def rates(key):
    return [
        (p.effective_from, p.input_per_million.normalize(), p.output_per_million.normalize())
        for p in PricePoint.objects.filter(offering__source_key=key).order_by("effective_from")
    ]


def test_o3_has_two_points_and_o4_mini_one():
    sync_all()

    assert rates("o3") == [
        (dt.date(2025, 4, 20), Decimal("10"), Decimal("40")),
        (dt.date(2025, 7, 5), Decimal("2"), Decimal("8")),
    ]
    assert rates("o4-mini") == [(dt.date(2025, 4, 20), Decimal("1.1"), Decimal("4.4"))]


def test_batch_flex_and_priority_prices_are_first_listed_not_changed():
    runs = sync_all()

    listed = dict(
        PriceListing.objects.filter(offering__source_key="o4-mini").values_list(
            "kind", "first_listed_on"
        )
    )
    assert listed["input"] == dt.date(2025, 4, 20)
    assert listed["batch_input"] == dt.date(2026, 11, 20)
    assert listed["input_cost_per_token_flex"] == dt.date(2026, 11, 20)
    assert listed["output_cost_per_token_priority"] == dt.date(2026, 11, 20)
    point = PricePoint.objects.get(offering__source_key="o4-mini")
    assert point.vector()["input_cost_per_token_flex"] == Decimal("0.55")
    assert runs[-1].first_listed > 0


def test_the_changes_api_lists_only_moves_of_input_or_output(client):
    sync_all()

    changes = client.get(reverse("api:price_changes")).json()

    assert changes
    for change in changes:
        assert (change["input_per_million"], change["output_per_million"]) != (
            change["previous_input_per_million"],
            change["previous_output_per_million"],
        ), change
    o3 = [c for c in changes if c["offering"] == "o3"]
    assert [(c["previous_input_per_million"], c["input_per_million"]) for c in o3] == [("10", "2")]
    assert not [c for c in changes if c["model"] == "o4-mini"]


def test_a_move_of_another_listed_price_is_a_change_of_its_own():
    sync_all()

    # gpt-4o-transcribe: only its audio input price moved (6 -> 2.5 $/M) in 1.110.2.
    points = PricePoint.objects.filter(offering__source_key="gpt-4o-transcribe")
    assert points.count() == 2
    latest = points.order_by("effective_from").last()
    assert latest is not None
    assert latest.vector()["input_cost_per_audio_token"] == Decimal("2.5")


def test_the_shrink_guard_refuses_1_110_2_until_its_drops_are_accepted():
    for version, day in RELEASES[:3]:
        prices_sync(path=excerpt(version), as_of=day)

    with pytest.raises(SyncRefused) as refused:
        prices_sync(path=excerpt("1.110.2"), as_of=dt.date(2026, 11, 20))

    assert refused.value.run.would_drop == 26
    assert "--accept-drops" in refused.value.run.reason


def test_a_re_sync_writes_nothing():
    sync_all()
    points = list(PricePoint.objects.values_list("pk", "effective_from", "other_prices"))
    listings = PriceListing.objects.count()

    again = prices_sync(path=excerpt("1.110.2"), as_of=dt.date(2026, 11, 27))

    assert again.outcome == SyncRun.Outcome.APPLIED
    assert (again.changed, again.first_listed, again.held, again.delisted) == (0, 0, 0, 0)
    assert list(PricePoint.objects.values_list("pk", "effective_from", "other_prices")) == points
    assert PriceListing.objects.count() == listings
