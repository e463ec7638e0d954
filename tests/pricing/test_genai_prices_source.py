"""genai-prices' data as a source: dated changes kept with their dates, tiers, what is
left out, and what refuses the feed."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from pricing.sources import FeedRefused, available_sources, get_source
from tests.pricing.feeds import genai_feed

DEMO = Path(__file__).resolve().parents[2] / "tokonomix" / "site" / "demo" / "genai-prices.json"
REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "genai-prices-data-v2.json"
M = Decimal(1_000_000)


def parse(data):
    return get_source("genai-prices").parse(json.dumps(data).encode())


def entry(feed, key):
    return next(e for e in feed.entries if e.key == key)


def per_million(prices):
    return {kind: value * M for kind, value in prices.items()}


def test_the_source_is_found_by_its_published_name():
    assert "genai-prices" in available_sources()
    assert get_source("genai-prices").name == "genai-prices"
    assert get_source("genai-prices").creates_models is False


def test_o3s_cut_keeps_the_date_genai_prices_gives_it():
    o3 = entry(get_source("genai-prices").parse(DEMO.read_bytes()), "openai/o3")

    assert (o3.model_slug, o3.host_slug, o3.provider_slug) == ("o3", "openai", "openai")
    assert per_million(o3.prices) == {
        "input": Decimal(10),
        "output": Decimal(40),
        "cache_read": Decimal("0.5"),
    }
    prices, since = o3.prices_on(dt.date(2026, 11, 20))
    assert since == dt.date(2025, 6, 10)
    assert per_million(prices)["input"] == Decimal(2)
    assert o3.prices_on(dt.date(2025, 5, 1)) == (o3.prices, None)


def test_a_tiered_price_is_its_base_price_and_each_tier_is_kept_by_name():
    feed = parse(
        genai_feed(
            {
                "id": "gpt-long",
                "prices": {
                    "input_mtok": {"base": 2.5, "tiers": [{"start": 272000, "price": 5}]},
                    "output_mtok": 15,
                    "requests_kcount": 3,
                },
            }
        )
    )

    prices = per_million(entry(feed, "openai/gpt-long").prices)

    assert prices == {
        "input": Decimal("2.5"),
        "input_mtok_above_272000": Decimal(5),
        "output": Decimal(15),
    }


def test_prices_by_time_of_day_are_left_out_and_the_base_price_stands():
    feed = parse(
        genai_feed(
            {
                "id": "night-owl",
                "prices": [
                    {"prices": {"input_mtok": 0.135, "output_mtok": 0.55}},
                    {
                        "constraint": {"start_time": "00:30:00Z", "end_time": "16:30:00Z"},
                        "prices": {"input_mtok": 0.55, "output_mtok": 2.19},
                    },
                ],
            }
        )
    )

    night = entry(feed, "openai/night-owl")

    assert per_million(night.prices)["input"] == Decimal("0.135")
    assert night.price_changes == ()


def test_a_bad_price_makes_its_model_invalid_and_the_others_count():
    feed = parse(
        genai_feed(
            {"id": "negative", "prices": {"input_mtok": -1, "output_mtok": 2}},
            {"id": "string", "prices": {"input_mtok": "1.1", "output_mtok": 2}},
        )
    )

    assert {bad.key for bad in feed.invalid} == {"openai/negative", "openai/string"}
    assert len(feed.entries) == 55


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'[{"id": "openai", "models": [', "JSON"),
        (b'{"openai": {}}', "list"),
        (json.dumps(genai_feed(filler=10)).encode(), "at least 50"),
    ],
)
def test_a_feed_that_is_not_a_price_list_is_refused_whole(raw, reason):
    with pytest.raises(FeedRefused, match=reason):
        get_source("genai-prices").parse(raw)


@pytest.mark.skipif(not REAL.exists(), reason=f"the real genai-prices data is not at {REAL}")
def test_the_real_data_parses_whole():
    feed = get_source("genai-prices").parse(REAL.read_bytes())

    assert len(feed.entries) == feed.entry_count == 1466
    assert feed.invalid == []
    dated = [e for e in feed.entries if e.price_changes]
    assert "openai/o3" in {e.key for e in dated}
