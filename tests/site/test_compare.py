"""Compare: two to four models side by side, every section, on a shareable URL."""

from __future__ import annotations

import pytest

from tests import factories
from tests.factories import publish
from tests.site.conftest import measured, priced, verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    first = priced(
        name="First",
        slug="first",
        input_price="1",
        output_price="4",
        capabilities={"vision": True},
        regions=["eu"],
    )
    second = priced(
        name="Second",
        slug="second",
        input_price="3",
        output_price="12",
        capabilities={"vision": False},
    )
    return first, second


def test_two_models_side_by_side_show_every_section_with_dates(
    client, pair, editor, reviewer
) -> None:
    first, _second = pair
    measured(
        first,
        p50_latency_ms_30d=900,
        p95_latency_ms_30d=1500,
        p50_ttft_ms_30d=300,
        median_decode_tps_30d=80,
        availability_30d=0.97,
        is_simulated=True,
    )
    publish(factories.profile(by=editor, model=first), editor=editor, reviewer=reviewer)
    verdict(first, editor=editor, reviewer=reviewer, headline="A fine pick")

    response = client.get("/en/compare/?models=first,second")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("First") < page.index("Second")
    for text in (
        "$1.00",
        "$12.00",
        "2026-01-05",
        "900 ms",
        "1,500 ms",
        "300 ms",
        "80.0 tok/s",
        "97.0%",
        "2026-01-20",
        "simulated",
        "Vision",
        "Cheap",
        "A fine pick",
        "Remy Reviewer",
        "no measurements yet",
        "Not reviewed yet",  # the second model's opinion rows
        "None listed",  # the first's review lists a strength and no weakness
        "No verdict published yet",
        "EU",
    ):
        assert text in page, text
    assert "/en/compare/?models=first,second" in page  # the shareable URL


def test_the_order_of_the_url_is_the_order_of_the_columns(client, pair) -> None:
    page = client.get("/en/compare/?models=second,first").content.decode()

    assert page.index(">Second</a>") < page.index(">First</a>")


def test_adding_a_model_redirects_to_the_canonical_shareable_url(client, pair) -> None:
    response = client.get("/en/compare/?models=first&add=second")

    assert response.status_code == 302
    assert response["Location"] == "/en/compare/?models=first%2Csecond"


def test_each_column_links_to_the_comparison_without_it(client, pair) -> None:
    priced(name="Third", slug="third")

    page = client.get("/en/compare/?models=first,second,third").content.decode()

    assert "/en/compare/?models=second%2Cthird" in page
    assert "/en/compare/?models=first%2Csecond" in page


def test_fewer_than_two_models_asks_for_more(client, pair) -> None:
    response = client.get("/en/compare/?models=first")

    assert response.status_code == 200
    assert "Pick at least 2 models" in response.content.decode()


def test_more_than_four_models_is_refused_with_a_message(client, pair) -> None:
    response = client.get("/en/compare/?models=a,b,c,d,e")

    assert response.status_code == 400
    assert "at most 4 models" in response.content.decode()


def test_unknown_and_unpublished_slugs_are_named(client, pair) -> None:
    factories.model(slug="secret", is_published=False)

    response = client.get("/en/compare/?models=first,second,secret,nobody")

    page = response.content.decode()
    assert response.status_code == 400
    assert "“secret”" in page and "“nobody”" in page
    assert ">First</a>" in page  # the known ones are still compared


@pytest.mark.parametrize("value", ["<script>", "a/b", "x" * 500, ",,,"])
def test_malformed_input_is_a_message_never_a_500(client, value: str) -> None:
    response = client.get("/en/compare/", {"models": value})

    assert response.status_code in {200, 400}
    assert 'role="alert"' in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_the_empty_compare_page_offers_the_published_models(client, pair) -> None:
    factories.model(name="Unpublished", is_published=False)

    response = client.get("/en/compare/")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<option value="first">First</option>' in page
    assert "Unpublished" not in page


def test_compare_is_a_fixed_number_of_queries(client, django_assert_max_num_queries) -> None:
    slugs = [priced(capabilities={"vision": True}, regions=["eu"]).slug for _ in range(4)]

    with django_assert_max_num_queries(10):
        response = client.get("/en/compare/", {"models": ",".join(slugs)})
    assert response.status_code == 200
