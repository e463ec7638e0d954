"""The demo's real price history: earlier litellm releases (tokonomix/site/demo/
litellm-history/), synced in date order before the current map, show o3's June 2025 cut
as a step on its chart and on the changes page."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from pricing.models import PricePoint, SyncRun
from tokonomix.site.management.commands.load_demo import PRICE_HISTORY, PRICE_HISTORY_DIR

pytestmark = pytest.mark.django_db


def load_demo():
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", "--no-live-test", stdout=devnull)


def rates(key):
    return [
        (p.effective_from, p.input_per_million.normalize(), p.output_per_million.normalize())
        for p in PricePoint.objects.filter(
            offering__source="litellm", offering__source_key=key
        ).order_by("effective_from")
    ]


def test_each_release_excerpt_is_shipped_with_its_date_in_order():
    days = [day for _version, day in PRICE_HISTORY]
    assert days == sorted(days) and len(days) >= 3
    readme = (PRICE_HISTORY_DIR / "README.md").read_text()
    for version, day in PRICE_HISTORY:
        excerpt = json.loads((PRICE_HISTORY_DIR / f"litellm-{version}.json").read_text())
        assert "o3" in excerpt
        assert f"| {version} | {day.isoformat()} |" in readme


def test_o3s_cut_is_a_step_on_its_chart_and_on_the_changes_page(client):
    load_demo()

    assert rates("o3") == [
        (dt.date(2025, 4, 19), Decimal("10"), Decimal("40")),
        (dt.date(2025, 6, 10), Decimal("2"), Decimal("8")),  # genai-prices' date of the cut
    ]
    chart = client.get("/en/models/o3/").content.decode()
    data = re.search(r'<script id="tx-chart-price"[^>]*>(.*?)</script>', chart, re.S)
    assert data is not None
    series = json.loads(data.group(1))["data"][0]
    assert series["x"][:2] == ["2025-04-19", "2025-06-10"]
    assert series["y"][:2] == [10.0, 2.0]

    changes = client.get("/en/pricing/changes/").content.decode()
    row = re.search(r"<tr>\s*<td>2025-06-10</td>.*?</tr>", changes, re.S)
    assert row is not None
    assert "/en/models/o3/" in row.group(0)
    assert "$10.00 → $2.00" in row.group(0) and "$40.00 → $8.00" in row.group(0)
    assert "No price changes recorded yet" not in changes
    # Other real moves between releases are there too.
    assert "$2.70 → $0.40" in changes  # Mistral Medium, litellm 1.72.0


def test_a_second_load_syncs_no_history_again():
    load_demo()
    points = PricePoint.objects.count()
    runs = SyncRun.objects.count()

    load_demo()

    assert PricePoint.objects.count() == points
    # Only the current map and the two other sources are synced again.
    assert SyncRun.objects.count() == runs + 3
