"""A small published world for the API tests: the demo catalogue, a profile, verdicts, scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from models_catalog.models import Model
from pricing.services import prices_sync
from tokonomix.editorial.models import EvaluationScore, Verdict

DEMO_MAP = Path(__file__).resolve().parents[2] / "tokonomix" / "site" / "demo" / "price-map.json"
DEMO_DATE = dt.date(2026, 11, 16)


def verdict(model: Model, **fields: Any) -> Verdict:
    return Verdict.objects.create(
        model=model,
        date=fields.pop("date", dt.date(2026, 11, 17)),
        headline=fields.pop("headline", "The reasoning bargain"),
        body=fields.pop("body", "Cheap and capable."),
        highlights=fields.pop("highlights", "Reasoning\nVision"),
        quality_score=fields.pop("quality_score", Decimal("8.5")),
        **fields,
    )


def score(model: Model, **fields: Any) -> EvaluationScore:
    return EvaluationScore.objects.create(
        model=model,
        suite=fields.pop("suite", "MMLU-Pro"),
        metric=fields.pop("metric", "accuracy"),
        value=fields.pop("value", Decimal("81.5")),
        unit=fields.pop("unit", "%"),
        date=fields.pop("date", dt.date(2026, 10, 1)),
        source_url=fields.pop("source_url", "https://example.com/leaderboard"),
        **fields,
    )


@pytest.fixture
def catalogue(db: None) -> None:
    """The demo excerpt of litellm's price map, synced as the site does it."""
    prices_sync(path=DEMO_MAP, as_of=DEMO_DATE)


@pytest.fixture
def o4(catalogue: None) -> Model:
    return Model.objects.get(slug="o4-mini")
