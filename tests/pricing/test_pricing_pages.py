"""The pricing parts of the model page, the changes page, feeds and the API agree with the data."""

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from pricing.services import prices_sync
from tests.pricing.feeds import feed, write
from tokonomix.site.management.commands.load_demo import PRICE_MAP as DEMO_PRICE_MAP

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def demo_prices():
    return prices_sync(path=DEMO_PRICE_MAP, as_of=dt.date(2026, 1, 5))


@pytest.fixture
def price_cut(tmp_path):
    prices_sync(path=write(tmp_path / "a.json", feed()), as_of=dt.date(2026, 1, 5))
    cheaper = feed(**{"o4-mini": {"input_cost_per_token": 9e-07}})
    prices_sync(path=write(tmp_path / "b.json", cheaper), as_of=dt.date(2026, 2, 2))


def test_the_o4_mini_page_shows_its_prices_and_typical_conversation_cost(client, demo_prices):
    response = client.get("/en/models/o4-mini/")

    page = response.content.decode()
    assert "$1.10" in page
    assert "$4.40" in page
    assert "$0.0015" in page
    assert "600 input and 200 output tokens" in page
    assert "last synced" in page
    assert 'id="tx-chart-price"' in page
    chart = response.context["price_chart"]
    assert chart["data"][0]["y"][0] == 1.1


def test_the_page_lists_every_offering_with_its_region(client, demo_prices):
    page = client.get("/en/models/o4-mini/").content.decode()

    assert "azure/eu/o4-mini" in page
    assert "Microsoft Azure" in page


def test_the_typical_conversation_split_is_a_setting(client, demo_prices, settings):
    settings.TYPICAL_INPUT_TOKENS = 1000
    settings.TYPICAL_OUTPUT_TOKENS = 0

    page = client.get("/en/models/o4-mini/").content.decode()

    assert "1000 input and 0 output tokens" in page
    assert "$0.0011" in page


def test_the_cost_calculator_prices_the_readers_workload(client, demo_prices):
    response = client.get(
        "/en/models/o4-mini/",
        {
            "input_tokens": 1000,
            "cached_input_tokens": 500,
            "output_tokens": 500,
            "requests_per_month": 1000,
            "reasoning_overhead": 100,
        },
    )

    estimate = response.context["estimate"]
    # 500 x 1.10 + 500 x 0.275 (cached) + 1000 billed output x 4.40, per million
    assert estimate.per_request == Decimal("0.0050875")
    assert estimate.per_month == Decimal("5.0875")


def test_a_bad_calculator_input_re_renders_with_a_message(client, demo_prices):
    response = client.get(
        "/en/models/o4-mini/",
        {
            "input_tokens": "lots",
            "cached_input_tokens": 10,
            "output_tokens": 1,
            "requests_per_month": 1,
            "reasoning_overhead": 0,
        },
    )

    assert response.status_code == 200
    assert "estimate" not in response.context
    assert response.context["calculator"].errors


def test_a_model_without_prices_says_so(client):
    from tests import factories

    factories.model(slug="unpriced")

    page = client.get("/en/models/unpriced/").content.decode()

    assert "No prices yet" in page


def test_the_api_returns_price_points_with_offering_and_date(client, price_cut):
    rows = client.get("/api/v1/models/o4-mini/prices").json()

    o4 = [r for r in rows if r["offering"] == "o4-mini"]
    assert [(r["effective_from"], r["input_per_million"]) for r in o4] == [
        ("2026-01-05", "1.1"),
        ("2026-02-02", "0.9"),
    ]
    assert {r["offering"] for r in rows} == {"o4-mini", "azure/eu/o4-mini-2025-04-16"}


def test_the_api_returns_the_prices_in_force_on_a_date(client, price_cut):
    rows = client.get("/api/v1/models/o4-mini/prices", {"as_of": "2026-01-20"}).json()

    o4 = [r for r in rows if r["offering"] == "o4-mini"]
    assert [r["input_per_million"] for r in o4] == ["1.1"]
    assert client.get("/api/v1/models/o4-mini/prices", {"as_of": "2025-01-01"}).json() == []


def test_the_api_rejects_a_malformed_date_clearly(client, price_cut):
    response = client.get("/api/v1/models/o4-mini/prices", {"as_of": "yesterday"})

    assert response.status_code == 422


def test_the_api_answers_404_for_an_unknown_model(client):
    assert client.get("/api/v1/models/nope/prices").status_code == 404
    assert client.get("/api/v1/models/nope/prices.csv").status_code == 404


def test_the_csv_matches_the_json(client, price_cut):
    rows = client.get("/api/v1/models/o4-mini/prices").json()
    response = client.get("/api/v1/models/o4-mini/prices.csv")

    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["offering"], r["effective_from"], r["input_per_million"]) for r in table] == [
        (r["offering"], r["effective_from"], r["input_per_million"]) for r in rows
    ]


def test_price_changes_since_a_date(client, price_cut):
    changes = client.get("/api/v1/prices/changes", {"since": "2026-01-10"}).json()

    assert [
        (c["model"], c["offering"], c["previous_input_per_million"], c["input_per_million"])
        for c in changes
    ] == [("o4-mini", "o4-mini", "1.1", "0.9")]
    assert client.get("/api/v1/prices/changes", {"since": "2026-03-01"}).json() == []
    table = client.get("/api/v1/prices/changes.csv").content.decode()
    assert "o4-mini" in table


def test_the_changes_page_and_its_atom_feed_list_the_change(client, price_cut):
    page = client.get("/en/pricing/changes/").content.decode()
    assert "$1.10 → $0.90" in page

    atom = ET.fromstring(client.get("/en/pricing/changes/feed/").content)
    titles = [entry.findtext(f"{ATOM}title") for entry in atom.iter(f"{ATOM}entry")]
    assert titles == [
        "o4-mini on OpenAI API: input $1.10 → $0.90, output $4.40 → $4.40 per million"
    ]


def test_each_model_has_its_own_price_feed(client, price_cut):
    atom = ET.fromstring(client.get("/en/models/o4-mini/prices/feed/").content)
    assert len(list(atom.iter(f"{ATOM}entry"))) == 1

    assert client.get("/en/models/model-3/prices/feed/").status_code == 200
    assert client.get("/en/models/nope/prices/feed/").status_code == 404


def test_a_malformed_since_date_on_the_changes_page_is_a_clear_400(client):
    response = client.get("/en/pricing/changes/", {"since": "last week"})

    assert response.status_code == 400
    assert b"Use a date like" in response.content


def test_the_history_chart_and_its_table_mark_where_the_input_or_output_rate_moved(
    client, tmp_path
):
    prices_sync(path=write(tmp_path / "a.json", feed()), as_of=dt.date(2026, 1, 5))
    # A point that moves only the cached-input price: no step in the input/output chart.
    cache_only = {"cache_read_input_token_cost": 1e-07}
    prices_sync(
        path=write(tmp_path / "b.json", feed(**{"o4-mini": cache_only})),
        as_of=dt.date(2026, 1, 12),
    )
    cheaper = {**cache_only, "input_cost_per_token": 9e-07}
    prices_sync(
        path=write(tmp_path / "c.json", feed(**{"o4-mini": cheaper})),
        as_of=dt.date(2026, 1, 19),
    )

    page = client.get("/en/models/o4-mini/").content.decode()

    figure = json.loads(
        re.search(r'id="tx-chart-price"[^>]*>(.*?)</script>', page, re.S).group(1)  # type: ignore[union-attr]
    )
    for trace in figure["data"]:
        recorded = [x for x, size in zip(trace["x"], trace["marker"]["size"], strict=True) if size]
        assert recorded == ["2026-01-05", "2026-01-19"]
    table = re.search(r"Price history as a table.*?</table>", page, re.S).group(0)  # type: ignore[union-attr]
    assert "<td>2026-01-05</td>" in table and "<td>2026-01-19</td>" in table
    assert "2026-01-12" not in table
    assert "<td>$0.90</td>" in table
    # The point itself is kept: the API lists every recorded point.
    api = client.get("/api/v1/models/o4-mini/prices").json()
    assert "2026-01-12" in json.dumps(api)


def test_alternatives_quote_the_price_each_alternative_s_own_page_quotes(client):
    from models_catalog.models import Offering
    from pricing.models import PricePoint
    from tests import factories

    tier = factories.tier()
    subject = factories.model(slug="subject", tier=tier)
    chosen = factories.model(slug="chosen", tier=tier)
    fallback = factories.model(slug="fallback", tier=tier)
    day = dt.date(2026, 1, 5)
    points: dict[str, Offering] = {}
    for model, keys in (
        (subject, ["subject"]),
        (chosen, ["a-chosen", "b-chosen"]),
        (fallback, ["b-fb", "a-fb"]),
    ):
        for key in keys:
            offering = factories.offering(model=model, source_key=key)
            price = Decimal(len(points) + 1)
            PricePoint.objects.create(
                offering=offering,
                effective_from=day,
                input_per_million=price,
                output_per_million=price * 2,
            )
            points[key] = offering
    subject.reference_offering = points["subject"]
    subject.save()
    chosen.reference_offering = points["b-chosen"]  # the editors' pick, not the first key
    chosen.save()

    page = client.get("/en/models/subject/").content.decode()

    table = re.search(r'<section id="alternatives".*?</section>', page, re.S).group(0)  # type: ignore[union-attr]
    rows = {
        slug: re.search(rf'href="/en/models/{slug}/".*?</tr>', table, re.S).group(0)  # type: ignore[union-attr]
        for slug in ("chosen", "fallback")
    }
    assert "$3.00" in rows["chosen"] and "$6.00" in rows["chosen"]  # b-chosen, the reference
    assert "$5.00" in rows["fallback"] and "$10.00" in rows["fallback"]  # a-fb, first by key
    assert all('<time datetime="2026-01-05">' in row for row in rows.values())  # dated
    assert "price in force on" in table
    # The model's own page quotes the same prices as its line here.
    assert "$5.00" in client.get("/en/models/fallback/").content.decode()
