"""The price a listing quotes (pricing.selectors.with_reference_price): which offering, which
point, and its figures exactly as stored, on PostgreSQL and SQLite alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from models_catalog.models import Model
from pricing.models import PricePoint
from pricing.selectors import quoted_rate_changes, reference_price_of, with_reference_price
from tests import factories

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 1)


def point(offering, day: dt.date, rate_in: str, rate_out: str, **fields) -> PricePoint:
    return PricePoint.objects.create(
        offering=offering,
        effective_from=day,
        input_per_million=Decimal(rate_in),
        output_per_million=Decimal(rate_out),
        **fields,
    )


def quoted(model: Model, as_of: dt.date = DAY):
    return reference_price_of(
        with_reference_price(Model.objects.filter(pk=model.pk), as_of=as_of).get()
    )


def test_the_quoted_figures_are_exactly_the_stored_ones() -> None:
    model = factories.model()
    offering = factories.offering(model=model, source_key="maker/exact")
    model.reference_offering = offering
    model.save()
    point(
        offering, DAY, "0.0000001234", "12345.6789012345", cache_read_per_million=Decimal("0.075")
    )

    price = quoted(model)

    assert price is not None
    assert price.input_per_million == Decimal("0.0000001234")
    assert price.output_per_million == Decimal("12345.6789012345")
    assert price.cache_read_per_million == Decimal("0.075")
    assert price.source_key == "maker/exact"
    assert price.effective_from == DAY
    # As the field itself reads them: to its ten decimal places.
    assert price.output_per_million.as_tuple().exponent == -10


def test_the_point_in_force_on_the_day_is_quoted_not_a_later_one() -> None:
    model = factories.model()
    offering = factories.offering(model=model)
    model.reference_offering = offering
    model.save()
    point(offering, DAY - dt.timedelta(days=30), "10", "40")
    point(offering, DAY, "2", "8")
    point(offering, DAY + dt.timedelta(days=1), "1", "4")

    assert quoted(model).input_per_million == Decimal("2")
    assert quoted(model, as_of=DAY - dt.timedelta(days=1)).input_per_million == Decimal("10")
    assert quoted(model, as_of=DAY - dt.timedelta(days=31)) is None


def test_a_delisted_reference_offering_gives_way_to_the_first_listed_by_source_key() -> None:
    model = factories.model()
    reference = factories.offering(model=model, source_key="a/reference")
    second = factories.offering(model=model, source_key="c/second")
    first = factories.offering(model=model, source_key="b/first")
    for offering, rate in ((reference, "1"), (second, "3"), (first, "2")):
        point(offering, DAY, rate, "9")
    model.reference_offering = reference
    model.save()
    assert quoted(model).source_key == "a/reference"

    reference.delisted_at = timezone.now()
    reference.save()

    price = quoted(model)
    assert (price.source_key, price.input_per_million) == ("b/first", Decimal("2"))


def test_another_models_offering_is_never_quoted_even_when_named_the_reference() -> None:
    model = factories.model()
    own = factories.offering(model=model, source_key="z/own")
    other = factories.offering(source_key="a/other")
    point(own, DAY, "5", "6")
    point(other, DAY, "0.01", "0.02")
    model.reference_offering = other
    model.save()

    assert quoted(model).source_key == "z/own"


def test_the_quoted_offering_without_a_point_in_force_quotes_nothing() -> None:
    """No borrowing of another offering's price: the quoted offering says what readers see."""
    model = factories.model()
    reference = factories.offering(model=model, source_key="a/reference")
    other = factories.offering(model=model, source_key="b/other")
    point(other, DAY, "1", "2")
    model.reference_offering = reference
    model.save()

    assert quoted(model) is None


def test_filters_and_sorts_read_the_quoted_rates() -> None:
    cheap, dear = factories.model(name="Cheap"), factories.model(name="Dear")
    for model, rate in ((cheap, "1"), (dear, "9")):
        offering = factories.offering(model=model)
        model.reference_offering = offering
        model.save()
        point(offering, DAY, rate, rate)
    # Any: the aliases are names django-stubs cannot see.
    models: Any = with_reference_price(Model.objects.all(), as_of=DAY)

    assert [m.name for m in models.order_by("-quoted_input_per_million")] == ["Dear", "Cheap"]
    assert [m.name for m in models.filter(quoted_output_per_million__lte=5)] == ["Cheap"]


def test_rate_changes_follow_the_quoted_offering() -> None:
    model = factories.model()
    reference = factories.offering(model=model)
    other = factories.offering(model=model)
    model.reference_offering = reference
    model.save()
    point(reference, DAY - dt.timedelta(days=10), "4", "8")
    point(reference, DAY, "2", "8")
    point(other, DAY, "7", "7")
    read = list(with_reference_price(Model.objects.filter(pk=model.pk), as_of=DAY))

    changes = quoted_rate_changes(models=read, as_of=DAY)[model.pk]

    assert [(p.offering_id, p.input_per_million) for p in changes][-1] == (
        reference.pk,
        Decimal("2"),
    )
    assert all(p.offering_id == reference.pk for p in changes)
