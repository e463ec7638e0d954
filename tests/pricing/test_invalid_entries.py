"""An invalid entry is not a missing entry: its offering keeps its last good price, it is
reported, and too many of them refuse the feed (issue 14.2)."""

import datetime as dt
from decimal import Decimal

import pytest

from models_catalog.models import Model, Offering
from pricing.models import PricePoint, SyncRun
from pricing.selectors import reference_price_of, with_reference_price
from pricing.services import SyncRefused, prices_sync
from tests.pricing.feeds import feed, write

pytestmark = pytest.mark.django_db

DAY_1 = dt.date(2026, 1, 5)
DAY_2 = dt.date(2026, 1, 12)
OPENAI_KEYS = ["o4-mini", *(f"model-{n}" for n in range(8))]


def sync(tmp_path, data, day):
    return prices_sync(path=write(tmp_path / f"feed-{day}.json", data), as_of=day)


def quoted(slug, day):
    model = with_reference_price(Model.objects.filter(slug=slug), as_of=day).get()
    return reference_price_of(model)


def broken(count, keys):
    """A feed whose given entries carry a negative or a string price."""
    bad = {}
    for n, key in enumerate(keys):
        bad[key] = (
            {"input_cost_per_token": "0.0000011"}
            if n % 2 == 0
            else {"output_cost_per_token": -4.4e-06}
        )
    return feed(count, **bad)


def test_nine_invalid_openai_entries_keep_their_offerings_and_quoted_prices(tmp_path):
    sync(tmp_path, feed(500), DAY_1)

    run = sync(tmp_path, broken(500, OPENAI_KEYS), DAY_2)

    assert run.outcome == SyncRun.Outcome.APPLIED
    assert run.invalid == 9
    assert {bad["key"] for bad in run.invalid_entries} == set(OPENAI_KEYS)
    assert run.delisted == 0
    assert Offering.objects.listed().filter(source_key__in=OPENAI_KEYS).count() == 9
    price = quoted("o4-mini", DAY_2)
    assert price is not None
    assert price.source_key == "o4-mini"  # not Azure EU, 10% dearer
    assert (price.input_per_million, price.output_per_million) == (Decimal("1.1"), Decimal("4.4"))
    assert PricePoint.objects.filter(effective_from=DAY_2).count() == 0


def test_an_invalid_entry_never_seen_before_creates_nothing_and_is_reported(tmp_path):
    run = sync(tmp_path, broken(500, ["model-1"]), DAY_1)

    assert run.invalid == 1
    assert run.invalid_entries[0]["key"] == "model-1"
    assert not Offering.objects.filter(source_key="model-1").exists()


def test_more_than_two_percent_invalid_entries_refuse_the_feed_whole(tmp_path):
    sync(tmp_path, feed(500), DAY_1)
    points = PricePoint.objects.count()
    keys = [*OPENAI_KEYS, "model-8", "model-9"]  # 11 of 500: 2.2%

    with pytest.raises(SyncRefused) as refused:
        sync(tmp_path, broken(500, keys), DAY_2)

    run = refused.value.run
    assert run.outcome == SyncRun.Outcome.REFUSED
    assert "11 of 500 entries are invalid" in run.reason
    assert "more than 2%" in run.reason
    assert run.invalid == 11
    assert PricePoint.objects.count() == points
    assert Offering.objects.listed().count() == 500
