"""Migration pricing 0002 corrects a database synced before prices first listed were told
apart from changes: a point that only added prices folds into the point before it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("pricing", "0001_initial"), ("models_catalog", "0009_tier_is_flagship")]
AFTER = [("pricing", "0002_first_listed_prices"), ("models_catalog", "0009_tier_is_flagship")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_a_point_that_only_listed_new_prices_is_folded_into_the_one_before():
    old = migrate(BEFORE)
    provider = old.get_model("models_catalog", "Provider").objects.create(name="O", slug="o")
    host = old.get_model("models_catalog", "Host").objects.create(name="O", slug="o")
    model = old.get_model("models_catalog", "Model").objects.create(
        slug="o4-mini", name="o4-mini", provider=provider
    )
    offering = old.get_model("models_catalog", "Offering").objects.create(
        model=model, host=host, source="litellm", source_key="o4-mini"
    )
    Point = old.get_model("pricing", "PricePoint")
    days = [dt.date(2025, 4, 20), dt.date(2026, 11, 20), dt.date(2026, 11, 27)]
    Point.objects.create(
        offering=offering, effective_from=days[0], input_per_million=1.1, output_per_million=4.4
    )
    # What the old sync wrote when 1.110.2 first listed batch and flex prices: 1.1 -> 1.1.
    Point.objects.create(
        offering=offering,
        effective_from=days[1],
        input_per_million=1.1,
        output_per_million=4.4,
        batch_input_per_million=0.55,
        other_prices={"input_cost_per_token_flex": "0.55"},
    )
    # A real cut a week later.
    Point.objects.create(
        offering=offering,
        effective_from=days[2],
        input_per_million=1.0,
        output_per_million=4.4,
        batch_input_per_million=0.55,
        other_prices={"input_cost_per_token_flex": "0.55"},
    )

    new = migrate(AFTER)

    points = list(new.get_model("pricing", "PricePoint").objects.order_by("effective_from"))
    assert [(p.effective_from, p.input_per_million) for p in points] == [
        (days[0], Decimal("1.1")),
        (days[2], Decimal("1")),
    ]
    assert points[0].batch_input_per_million == Decimal("0.55")
    assert points[0].other_prices == {"input_cost_per_token_flex": "0.55"}
    assert [p.observed_on for p in points] == [days[0], days[2]]
    listings = dict(
        new.get_model("pricing", "PriceListing").objects.values_list("kind", "first_listed_on")
    )
    assert listings == {
        "input": days[0],
        "output": days[0],
        "batch_input": days[1],
        "input_cost_per_token_flex": days[1],
    }
    migrate(latest())
