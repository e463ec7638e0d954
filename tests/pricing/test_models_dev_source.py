"""models.dev's api.json as a source: prices, limits, capabilities from modalities,
lifecycle, and what refuses the feed."""

import datetime as dt
import gzip
import json
from decimal import Decimal
from pathlib import Path

import pytest

from pricing.sources import FeedRefused, available_sources, get_source
from tests.pricing.feeds import models_dev_feed

DEMO = Path(__file__).resolve().parents[2] / "tokonomix" / "site" / "demo" / "models-dev.json"
REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "models-dev-api.json.gz"
M = Decimal(1_000_000)


def parse(data):
    return get_source("models.dev").parse(json.dumps(data).encode())


def entry(feed, key):
    return next(e for e in feed.entries if e.key == key)


def test_the_source_is_found_by_its_published_name():
    assert "models.dev" in available_sources()
    assert get_source("models.dev").name == "models.dev"


def test_o4_mini_as_models_dev_states_it():
    o4 = entry(get_source("models.dev").parse(DEMO.read_bytes()), "openai/o4-mini")

    assert (o4.model_slug, o4.host_slug) == ("o4-mini", "openai")
    assert {k: v * M for k, v in o4.prices.items()} == {
        "input": Decimal("1.1"),
        "output": Decimal("4.4"),
        "cache_read": Decimal("0.28"),
    }
    assert (o4.context_window, o4.max_output_tokens) == (200_000, 100_000)
    assert o4.capabilities == {
        "tools": True,
        "reasoning": True,
        "json_schema": True,
        "vision": True,
    }
    assert o4.release_date == dt.date(2025, 4, 16)
    assert o4.knowledge_cutoff == "2024-05"
    assert o4.open_weights is False
    assert o4.price_changes == ()


def test_a_missing_pdf_modality_says_nothing_about_pdf_input():
    feed = parse(
        models_dev_feed(
            {
                "text-only": {"modalities": {"input": ["text"], "output": ["text"]}},
                "reader": {"modalities": {"input": ["text", "pdf"], "output": ["audio"]}},
            }
        )
    )

    assert entry(feed, "openai/text-only").capabilities == {"vision": False}
    assert entry(feed, "openai/reader").capabilities == {
        "vision": False,
        "pdf_input": True,
        "audio_out": True,
    }


def test_a_deprecated_status_and_a_month_only_release_date():
    feed = parse(models_dev_feed({"old": {"status": "deprecated", "release_date": "2023-06"}}))

    old = entry(feed, "openai/old")

    assert old.deprecated is True
    assert old.release_date is None


def test_a_bad_entry_is_reported_and_the_others_count():
    feed = parse(models_dev_feed({"bad": {"cost": {"input": -2}}, "worse": {"limit": [200000]}}))

    assert {bad.key for bad in feed.invalid} == {"openai/bad", "openai/worse"}


@pytest.mark.parametrize(("raw", "reason"), [(b"[]", "object"), (b"{", "JSON")])
def test_a_feed_that_is_not_a_model_list_is_refused_whole(raw, reason):
    with pytest.raises(FeedRefused, match=reason):
        get_source("models.dev").parse(raw)


@pytest.mark.skipif(not REAL.exists(), reason=f"the real models.dev data is not at {REAL}")
def test_the_real_data_parses_with_one_bad_date_reported():
    feed = get_source("models.dev").parse(gzip.decompress(REAL.read_bytes()))

    assert feed.entry_count == 4803
    assert [bad.key for bad in feed.invalid] == ["scaleway/qwen3-embedding-8b"]
