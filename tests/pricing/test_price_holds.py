"""Moves an editor confirms first: more than tenfold, to or from zero, and any move of a
flagship model's quoted price (issue 14.3)."""

import datetime as dt
from decimal import Decimal

import pytest

from models_catalog.models import Model, Tier
from pricing.models import HeldPriceChange, PricePoint
from pricing.services import held_price_confirm, prices_sync
from tests import factories
from tests.pricing.feeds import feed, write

pytestmark = pytest.mark.django_db

DAY_1 = dt.date(2026, 1, 5)
DAY_2 = dt.date(2026, 1, 12)


def sync(tmp_path, data, day):
    return prices_sync(path=write(tmp_path / f"feed-{day}.json", data), as_of=day)


def points(key):
    return list(
        PricePoint.objects.filter(offering__source_key=key)
        .order_by("effective_from")
        .values_list("input_per_million", flat=True)
    )


def test_a_price_falling_to_zero_is_held_not_applied(tmp_path):
    sync(tmp_path, feed(), DAY_1)

    run = sync(tmp_path, feed(**{"o4-mini": {"input_cost_per_token": 0}}), DAY_2)

    assert run.held == 1
    assert points("o4-mini") == [Decimal("1.1")]
    held = HeldPriceChange.objects.get()
    assert "to or from zero" in held.reason


def test_five_zeroed_models_are_all_held(tmp_path):
    sync(tmp_path, feed(), DAY_1)
    zeroed = {
        f"model-{n}": {"input_cost_per_token": 0, "output_cost_per_token": 0} for n in range(5)
    }

    run = sync(tmp_path, feed(**zeroed), DAY_2)

    assert run.held == 5
    assert run.changed == 0
    assert not PricePoint.objects.filter(effective_from=DAY_2).exists()


def test_a_price_rising_from_zero_is_held(tmp_path):
    sync(tmp_path, feed(**{"model-3": {"input_cost_per_token": 0}}), DAY_1)

    run = sync(tmp_path, feed(), DAY_2)

    assert run.held == 1
    assert points("model-3") == [Decimal("0")]


def test_any_move_of_a_flagship_models_quoted_price_is_held(tmp_path):
    sync(tmp_path, feed(), DAY_1)
    tier = Tier.objects.create(code="A", label="Frontier", rank=1, is_flagship=True)
    Model.objects.filter(slug="o4-mini").update(tier=tier)
    cut = {"input_cost_per_token": 1e-06}

    run = sync(tmp_path, feed(**{"o4-mini": cut, "azure/eu/o4-mini-2025-04-16": cut}), DAY_2)

    # The quoted (reference) offering waits; another host's offering of it moves at once.
    assert run.held == 1
    assert points("o4-mini") == [Decimal("1.1")]
    assert points("azure/eu/o4-mini-2025-04-16") == [Decimal("1.21"), Decimal("1")]
    held = HeldPriceChange.objects.get()
    assert "flagship" in held.reason
    held_price_confirm(held=held, by=factories.user(staff=True))
    assert points("o4-mini") == [Decimal("1.1"), Decimal("1")]


def test_the_same_move_outside_a_flagship_tier_is_applied(tmp_path):
    sync(tmp_path, feed(), DAY_1)
    tier = Tier.objects.create(code="B", label="Workhorse", rank=2)
    Model.objects.filter(slug="o4-mini").update(tier=tier)

    run = sync(tmp_path, feed(**{"o4-mini": {"input_cost_per_token": 1e-06}}), DAY_2)

    assert run.held == 0
    assert points("o4-mini") == [Decimal("1.1"), Decimal("1")]
