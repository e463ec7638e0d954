"""Helpers for the reader's pages: priced and measured models in a few lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from benchmarks.models import SpeedBreakdown, SpeedSummary
from models_catalog.models import Model
from pricing.models import PricePoint
from tests import factories
from tests.factories import publish
from tests.site.browsers import browser, chromium_present, demo_site, site_server  # noqa: F401
from tokonomix.editorial.models import Verdict

PRICE_DAY = dt.date(2026, 1, 5)


def priced(
    *,
    input_price: str | None = "1",
    output_price: str = "4",
    regions: list[str] = (),  # type: ignore[assignment]
    day: dt.date = PRICE_DAY,
    **fields: Any,
) -> Model:
    """A published model whose reference offering has a price in force since `day`."""
    model = factories.model(**fields)
    offering = factories.offering(model=model, regions=regions)
    model.reference_offering = offering
    model.save()
    if input_price is not None:
        PricePoint.objects.create(
            offering=offering,
            effective_from=day,
            input_per_million=Decimal(input_price),
            output_per_million=Decimal(output_price),
        )
    return model


def measured(model: Model, **fields: Any) -> SpeedSummary:
    """A speed summary for `model`: P50 latency, decode speed and availability over 30 days,
    and the same figures as its breakdown over every region, as the rebuild writes them."""
    fields.setdefault("computed_at", timezone.now())
    fields.setdefault("window_end", dt.date(2026, 1, 20))
    fields.setdefault("last_sample_at", timezone.now())
    fields.setdefault("ok_30d", 30)
    SpeedBreakdown.objects.create(model=model, region="all", workload="standard", **fields)
    return SpeedSummary.objects.create(model=model, **fields)


def verdict(model: Model, *, editor: Any, reviewer: Any | None = None, **fields: Any) -> Verdict:
    """A verdict saved by `editor`; published when a reviewer is given."""
    created = Verdict.objects.create(
        model=model,
        date=fields.pop("date", dt.date(2026, 1, 6)),
        headline=fields.pop("headline", "Still the reasoning bargain"),
        body=fields.pop("body", "Cheap **and** capable."),
        **fields,
    )
    if reviewer is None:
        created.record_revision(by=editor)
        return created
    return publish(created, editor=editor, reviewer=reviewer)
