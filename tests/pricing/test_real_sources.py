"""All three real sources (the shared data folder beside the checkout, test input only):
they apply together, and a week later the same data writes nothing."""

import datetime as dt
import gzip

import pytest

from models_catalog.models import Dispute, FactClaim, Model
from pricing.models import PriceListing, PricePoint, SyncRun
from pricing.services import prices_sync
from tests.pricing.conftest import REAL_MAP

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not REAL_MAP.exists(), reason=f"the real data is not at {REAL_MAP.parent}"),
]

GENAI = REAL_MAP.parent / "genai-prices-data-v2.json"
MODELS_DEV = REAL_MAP.parent / "models-dev-api.json.gz"


def sync_all(tmp_path, day):
    models_dev = tmp_path / "models-dev-api.json"
    models_dev.write_bytes(gzip.decompress(MODELS_DEV.read_bytes()))
    return [
        prices_sync(source="litellm", path=REAL_MAP, as_of=day),
        prices_sync(source="genai-prices", path=GENAI, as_of=day),
        prices_sync(source="models.dev", path=models_dev, as_of=day),
    ]


def state():
    return (
        PricePoint.objects.count(),
        list(PricePoint.objects.order_by("pk").values_list("pk", "effective_from", "date_source")),
        list(PriceListing.objects.order_by("pk").values_list("pk", "first_listed_on")),
        list(FactClaim.objects.order_by("pk").values_list("pk", "value", "since")),
        list(Dispute.objects.order_by("pk").values_list("pk", "status", "values")),
        list(
            Model.objects.order_by("pk").values_list("pk", "reference_offering", "context_window")
        ),
    )


def test_the_three_real_sources_apply_and_a_week_later_write_nothing(tmp_path):
    first = sync_all(tmp_path, dt.date(2026, 11, 16))
    assert [run.outcome for run in first] == [SyncRun.Outcome.APPLIED] * 3
    o3 = PricePoint.objects.get(offering__source_key="o3")
    assert (o3.effective_from, o3.date_source) == (dt.date(2025, 6, 10), "genai-prices")
    reference = Model.objects.get(slug="o4-mini").reference_offering
    assert reference is not None and reference.source_key == "o4-mini"
    before = state()

    again = sync_all(tmp_path, dt.date(2026, 11, 23))

    for run in again:
        assert (run.changed, run.first_listed, run.held, run.delisted) == (0, 0, 0, 0), run
        assert (run.facts_changed, run.disputes_opened) == (0, 0), run
    assert state() == before
