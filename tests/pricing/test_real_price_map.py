"""The sync against litellm's real map.

The map is read from the shared data folder beside the checkout (test input only).
"""

import datetime as dt
import json

import pytest

from models_catalog.models import Offering
from pricing.models import PricePoint, SyncRun
from pricing.services import prices_sync
from tests.pricing.conftest import REAL_MAP

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not REAL_MAP.exists(), reason=f"the real price map is not at {REAL_MAP}"),
]


def test_the_real_map_imports_every_priced_chat_model(tmp_path):
    run = prices_sync(path=REAL_MAP, as_of=dt.date(2026, 11, 16))

    assert run.outcome == SyncRun.Outcome.APPLIED
    assert run.entry_count == 4878
    raw = json.loads(REAL_MAP.read_text())
    priced_chat_keys = {
        key
        for key, entry in raw.items()
        if entry.get("mode") == "chat"
        and any(name.endswith("cost_per_token") or name.startswith("cache_") for name in entry)
    }
    # 3,471 chat entries; 3,339 of them carry a per-token price (the rest price by
    # commitment or container), so "at least 3,400" holds for chat offerings, not prices.
    assert Offering.objects.filter(mode="chat").count() >= 3400
    chat_priced = Offering.objects.filter(mode="chat", price_points__isnull=False).distinct()
    assert set(chat_priced.values_list("source_key", flat=True)) == priced_chat_keys
    o4 = PricePoint.objects.get(offering__source_key="o4-mini")
    assert (str(o4.input_per_million.normalize()), str(o4.output_per_million.normalize())) == (
        "1.1",
        "4.4",
    )
    assert run.invalid == len(run.invalid_entries)


def test_maps_of_several_dates_step_exactly_where_a_price_changed(tmp_path):
    data = json.loads(REAL_MAP.read_text())
    changed_keys = ["o4-mini", "gpt-4.1", "claude-sonnet-4-5", "mistral/mistral-small-latest"]
    for key in changed_keys:
        data[key]["input_cost_per_token"] *= 0.5
    later = tmp_path / "later.json"
    later.write_text(json.dumps(data))

    prices_sync(path=REAL_MAP, as_of=dt.date(2026, 11, 16))
    before = PricePoint.objects.count()
    prices_sync(path=later, as_of=dt.date(2026, 11, 23))
    prices_sync(path=later, as_of=dt.date(2026, 11, 30))

    new_points = PricePoint.objects.filter(effective_from__gt=dt.date(2026, 11, 16))
    assert PricePoint.objects.count() == before + len(changed_keys)
    assert sorted(p.offering.source_key for p in new_points) == sorted(changed_keys)
    assert {p.effective_from for p in new_points} == {dt.date(2026, 11, 23)}
