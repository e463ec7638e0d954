"""The home page leaderboard, its filters and sorting, and its CSV/JSON downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from benchmarks.models import SpeedSummary
from models_catalog.models import Host, Model, Offering, Provider
from pricing.models import PricePoint
from tests import factories
from tests.site.conftest import measured, priced

pytestmark = pytest.mark.django_db


def names_in_order(page: str, names: list[str]) -> list[str]:
    """The names in the order the leaderboard table lists them (the scatter above it
    names them too, in its own order)."""
    table = page[page.index('<table class="leaderboard"') :]
    return sorted(names, key=table.index)


def test_the_home_page_lists_published_models_with_dated_prices_and_speed(client) -> None:
    fast = priced(name="Fastmodel", input_price="0.5", output_price="2")
    measured(
        fast,
        p50_latency_ms_30d=800,
        median_decode_tps_30d=120,
        availability_30d=0.99,
        is_simulated=True,
    )
    factories.model(name="Hiddenmodel", is_published=False)

    response = client.get("/en/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Fastmodel" in page
    assert "Hiddenmodel" not in page
    assert "$0.50 / $2.00" in page
    assert "2026-01-05" in page  # the price's effective date
    assert "2026-01-20" in page  # the speed window's end
    assert "800 ms" in page and "120.0 tok/s" in page and "99.0%" in page
    assert "simulated" in page


def test_the_home_page_says_so_when_no_model_matches(client) -> None:
    response = client.get("/en/?max_price=0")

    assert response.status_code == 200
    assert "No model matches these filters." in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price", ["Cheap", "Dear", "Unpriced"]),
        ("typical", ["Cheap", "Dear", "Unpriced"]),
        ("latency", ["Dear", "Cheap", "Unpriced"]),
        ("tps", ["Dear", "Cheap", "Unpriced"]),
        ("availability", ["Cheap", "Dear", "Unpriced"]),
        ("tier", ["Dear", "Cheap", "Unpriced"]),
    ],
)
def test_each_sort_puts_the_best_first_and_models_without_the_figure_last(
    client, sort: str, expected: list[str]
) -> None:
    top, low = factories.tier(rank=1), factories.tier(rank=2)
    cheap = priced(name="Cheap", input_price="0.1", output_price="0.2", tier=low)
    dear = priced(name="Dear", input_price="5", output_price="10", tier=top)
    priced(name="Unpriced", input_price=None)
    measured(cheap, p50_latency_ms_30d=900, median_decode_tps_30d=50, availability_30d=1.0)
    measured(dear, p50_latency_ms_30d=400, median_decode_tps_30d=90, availability_30d=0.9)

    page = client.get(f"/en/?sort={sort}").content.decode()

    assert names_in_order(page, expected) == expected


def test_the_filters_select_by_provider_tier_capability_eu_and_max_price(client) -> None:
    maker = factories.provider(slug="maker-x", name="Maker X")
    workhorse = factories.tier(code="W", rank=7)
    priced(
        name="Alpha",
        provider=maker,
        tier=workhorse,
        capabilities={"vision": True},
        regions=["eu"],
        input_price="1",
    )
    priced(
        name="Bravo",
        provider=maker,
        tier=workhorse,
        capabilities={"vision": False},
        regions=["eu"],
        input_price="1",
    )
    priced(
        name="Charlie",
        provider=maker,
        tier=workhorse,
        capabilities={"vision": True},
        regions=["us"],
        input_price="1",
    )
    priced(
        name="Delta",
        provider=maker,
        tier=workhorse,
        capabilities={"vision": True},
        regions=["eu"],
        input_price="9",
    )
    priced(name="Echo", capabilities={"vision": True}, regions=["eu"], input_price="1")

    response = client.get("/en/?provider=maker-x&tier=W&capability=vision&eu=on&max_price=2")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Alpha" in page
    for name in ("Bravo", "Charlie", "Delta", "Echo"):
        assert name not in page


def test_a_delisted_eu_offering_does_not_count_as_offered_in_the_eu(client) -> None:
    model = priced(name="Gone", regions=["us"])
    factories.offering(model=model, regions=["eu"], delisted_at=timezone.now())

    assert "Gone" not in client.get("/en/?eu=on").content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "max_price=abc",
        "max_price=-1",
        "sort=nonsense",
        "provider=nobody",
        "tier=ZZ",
        "capability=teleportation",
        "page=999",
        "max_price=1e400",
    ],
)
def test_bad_filter_values_re_render_the_page_with_a_message_never_a_500(
    client, query: str
) -> None:
    priced(name="Still listed")

    response = client.get(f"/en/?{query}")

    assert response.status_code in {200, 400}
    page = response.content.decode()
    assert "Still listed" in page
    if response.status_code == 400:
        assert 'role="alert"' in page


def test_the_leaderboard_reads_300_models_in_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
) -> None:
    providers = [factories.provider() for _ in range(5)]
    tier = factories.tier()
    models = Model.objects.bulk_create(
        Model(
            slug=f"bulk-{n}",
            name=f"Bulk {n}",
            provider=providers[n % 5],
            tier=tier,
            is_published=True,
        )
        for n in range(300)
    )
    host = Host.objects.create(slug="bulk-host", name="Bulk host")
    offerings = Offering.objects.bulk_create(
        Offering(model=m, host=host, source="litellm", source_key=f"bulk/{m.slug}") for m in models
    )
    for m, o in zip(models, offerings, strict=True):
        m.reference_offering = o
    Model.objects.bulk_update(models, ["reference_offering"])
    PricePoint.objects.bulk_create(
        PricePoint(
            offering=o,
            effective_from=dt.date(2026, 1, day),
            input_per_million=Decimal(n % 7 + 1),
            output_per_million=Decimal(4),
        )
        for n, o in enumerate(offerings)
        for day in (1, 2, 3)
    )
    SpeedSummary.objects.bulk_create(
        SpeedSummary(
            model=m,
            computed_at=timezone.now(),
            window_end=dt.date(2026, 1, 20),
            p50_latency_ms_30d=1000 + n,
        )
        for n, m in enumerate(models[:150])
    )

    # models, reference offerings, prices, speed, and the form's provider and tier choices.
    with django_assert_max_num_queries(8):
        response = client.get("/en/?sort=latency&capability=vision&eu=on")
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        response = client.get("/en/?sort=price&page=2")
    assert response.status_code == 200
    assert "Page 2 of 6" in response.content.decode()
    with django_assert_max_num_queries(6):
        response = client.get("/en/leaderboard.csv")
    assert response.content.decode().count("\n") == 301


def test_the_csv_download_honours_the_filters_and_dates_every_number(client) -> None:
    measured(
        priced(
            name="Listed", slug="listed", input_price="0.15", output_price="0.6", regions=["eu"]
        ),
        p50_latency_ms_30d=700,
        is_simulated=True,
    )
    priced(name="Filtered out", regions=["us"])

    response = client.get("/en/leaderboard.csv?eu=on")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["slug"] for row in rows] == ["listed"]
    row = rows[0]
    assert row["input_per_million_usd"] == "0.15"
    assert row["price_effective_from"] == "2026-01-05"
    assert row["typical_conversation_usd"] == "0.00021"  # 600 x 0.15 + 200 x 0.6, per million
    assert row["speed_window_end"] == "2026-01-20"
    assert row["speed_simulated"] == "True"
    assert row["p50_latency_ms_30d"] == "700.0"


def test_the_json_download_honours_the_filters_and_says_what_was_not_measured(client) -> None:
    priced(name="Unmeasured", slug="unmeasured", input_price="2")
    priced(name="Too dear", input_price="20")

    response = client.get("/en/leaderboard.json?max_price=5")

    body = response.json()
    assert response.status_code == 200
    assert body["typical_conversation"] == {"input_tokens": 600, "output_tokens": 200}
    assert [m["slug"] for m in body["models"]] == ["unmeasured"]
    assert body["models"][0]["speed_simulated"] is None
    assert body["models"][0]["p50_latency_ms_30d"] is None


@pytest.mark.parametrize("path", ["/en/leaderboard.csv", "/en/leaderboard.json"])
def test_downloads_refuse_bad_filters_with_a_400_that_says_why(client, path: str) -> None:
    response = client.get(f"{path}?max_price=lots")

    assert response.status_code == 400
    assert "max_price" in response.json()["errors"]


def test_provider_choices_come_from_the_catalogue(client) -> None:
    Provider.objects.create(slug="lab", name="The Lab")

    assert 'value="lab"' in client.get("/en/").content.decode()


def test_the_filter_widgets_render_exactly_what_django_s_own_templates_render() -> None:
    import re

    from django import forms

    from models_catalog.forms import ModelFilterForm
    from tests import factories
    from tokonomix.site.forms import LeaderboardForm

    factories.provider(name="Acme", slug="acme")
    factories.tier(code="B", label="Fast")
    form = LeaderboardForm(
        {"provider": "acme", "tier": "B", "sort": "price", "capability": ["vision", "tools"]}
    )
    assert form.is_valid()
    bad = LeaderboardForm({"tier": "nope", "sort": "sideways"})
    assert not bad.is_valid()
    catalogue = ModelFilterForm(
        {"provider": "acme", "sort": "-release", "capability": ["pdf_input"]}
    )
    assert catalogue.is_valid()

    def markup(text: object) -> str:
        """Markup as a browser reads it: a whitespace run is one space, none between tags."""
        return re.sub(r">\s<", "><", re.sub(r"\s+", " ", str(text))).strip()

    for bound_form in (form, bad, catalogue):
        for name in ("provider", "tier", "sort", "capability"):
            ours = markup(bound_form[name])
            widget = bound_form.fields[name].widget
            django_widget = forms.CheckboxSelectMultiple if name == "capability" else forms.Select
            widget.template_name = django_widget.template_name
            assert markup(bound_form[name]) == ours, name
    assert "selected" in markup(form["tier"]) and "checked" in markup(form["capability"])
