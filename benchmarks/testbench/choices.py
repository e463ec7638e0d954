"""What the testbench offers: published models with a target it may call, and the price
each is billed at."""

from __future__ import annotations

import os
from dataclasses import dataclass

from models_catalog.models import Model
from pricing.models import PricePoint
from pricing.selectors import current_points

from ..speed.models import SpeedTarget
from .limits import utc_today


@dataclass(frozen=True)
class TestbenchChoice:
    """A model the testbench offers, the target it calls, and the price it is billed at."""

    model: Model
    target: SpeedTarget
    price: PricePoint | None

    @property
    def label(self) -> str:
        return f"{self.model.name} (simulated)" if self.target.is_simulated else self.model.name


def testbench_choices() -> list[TestbenchChoice]:
    """Published models with an enabled target whose key this server has; 2 queries.

    A model with several targets is called through its best one: a real endpoint before
    the simulator, the reference offering before others. It is billed at the prices in
    force for the offering called, or else at its reference offering's.
    """
    targets = SpeedTarget.objects.filter(
        enabled=True, offering__model__is_published=True
    ).select_related("offering__model")
    best: dict[int, SpeedTarget] = {}
    for target in targets.order_by("pk"):
        if target.api_key_env and not os.environ.get(target.api_key_env):
            continue
        model = target.offering.model
        rank = (target.is_simulated, target.offering_id != model.reference_offering_id)
        current = best.get(model.pk)
        if current is None or rank < (
            current.is_simulated,
            current.offering_id != model.reference_offering_id,
        ):
            best[model.pk] = target
    offering_ids = {t.offering_id for t in best.values()}
    offering_ids |= {
        t.offering.model.reference_offering_id
        for t in best.values()
        if t.offering.model.reference_offering_id
    }
    prices = current_points(offering_ids=sorted(offering_ids), as_of=utc_today())
    choices = []
    for target in best.values():
        model = target.offering.model
        price = prices.get(target.offering_id) or prices.get(model.reference_offering_id or 0)
        if price is not None and (
            price.input_per_million is None or price.output_per_million is None
        ):
            price = None
        choices.append(TestbenchChoice(model=model, target=target, price=price))
    choices.sort(key=lambda c: (c.model.name.lower(), c.model.pk))
    return choices
