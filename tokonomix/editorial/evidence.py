"""The evidence reviewed content relies on: pinned at approval, compared to find drift.

A published profile or verdict "needs re-review" when, since its approval, a price of the
model's reference offering changed, its 30-day P50 latency moved by more than 30%, or a
capability flag changed. The workflow (in core, below every app) asks the content itself
through `Reviewable.evidence_collect()` and `evidence_drift()`; content about one model
implements them with `AboutAModel`, which reads pricing, speed and the catalogue here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from benchmarks.models import SpeedFigures, SpeedSummary
from benchmarks.speed.selectors import ModelSpeed
from models_catalog.models import CatalogueChange, Model, Offering
from models_catalog.selectors import loaded_offerings
from pricing.models import PricePoint, plain
from pricing.selectors import ModelPricing

LATENCY_DRIFT = 0.30


class AboutAModel:
    """Reviewed content about one catalogue model (its `model` field): the evidence its
    approval pins is that model's prices, speed and capabilities."""

    model: Model

    def evidence_collect(self) -> dict[str, Any]:
        return collect(self.model)

    def evidence_drift(self, pinned: dict[str, Any], current: Any = None) -> dt.date | None:
        return drift(pinned, self.model, current)


def collect(model: Model) -> dict[str, Any]:
    """The model's evidence now, read from the database (2 queries)."""
    point = (
        PricePoint.objects.filter(offering_id=model.reference_offering_id)
        .in_force_on(timezone.localdate())
        .first()
        if model.reference_offering_id
        else None
    )
    loaded = loaded_offerings(model)
    offering = (
        model.reference_offering
        if loaded is None
        else next((o for o in loaded if o.pk == model.reference_offering_id), None)
    )
    return assemble(
        model,
        offering=offering,
        point=point,
        summary=SpeedSummary.objects.filter(model=model).first(),
    )


def assemble(
    model: Model,
    *,
    offering: Offering | None,
    point: PricePoint | None,
    summary: SpeedFigures | None,
) -> dict[str, Any]:
    """The evidence from rows a page has already read: the reference offering, its point in
    force today and the speed summary (a model page has them all, so it reads nothing
    twice)."""
    return {
        "collected_at": timezone.now().isoformat(),
        "prices": None
        if point is None
        else {
            "offering": offering.source_key if offering else "",
            "effective_from": point.effective_from.isoformat(),
            "input_per_million": str(plain(point.input_per_million)),
            "output_per_million": str(plain(point.output_per_million)),
        },
        "p50_latency_ms": summary.p50_latency_ms_30d if summary else None,
        "capabilities": {row.capability: row.supported for row in model.capabilities.all()},
    }


def of_page(model: Model, *, pricing: ModelPricing, speed: ModelSpeed) -> dict[str, Any]:
    """The evidence from a model page's pricing and speed sections, reading nothing more
    unless the reference offering is delisted (then it is not on the page)."""
    reference = pricing.reference
    if not model.reference_offering_id:
        return assemble(model, offering=None, point=None, summary=speed.summary)
    if reference is None or reference.offering.pk != model.reference_offering_id:
        return collect(model)
    return assemble(
        model, offering=reference.offering, point=reference.current, summary=speed.summary
    )


def drift(
    pinned: dict[str, Any], model: Model, current: dict[str, Any] | None = None
) -> dt.date | None:
    """The earliest date on which the data stopped matching what was pinned, or None."""
    current = current or collect(model)
    dates: list[dt.date] = []
    if pinned.get("prices") != current["prices"] and current["prices"] is not None:
        dates.append(dt.date.fromisoformat(current["prices"]["effective_from"]))
    before, now = pinned.get("p50_latency_ms"), current["p50_latency_ms"]
    if before and now and abs(now - before) / before > LATENCY_DRIFT:
        summary = SpeedSummary.objects.get(model=model)
        dates.append(summary.window_end)
    if pinned.get("capabilities", {}) != current["capabilities"]:
        since = dt.datetime.fromisoformat(pinned["collected_at"])
        change = (
            CatalogueChange.objects.filter(
                model=model, field__startswith="capability:", recorded_at__gt=since
            )
            .order_by("recorded_at")
            .first()
        )
        dates.append(change.recorded_at.date() if change else timezone.localdate())
    return min(dates) if dates else None
