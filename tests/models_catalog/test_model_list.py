import pytest

from tests import factories

pytestmark = pytest.mark.django_db

URL = "/en/models/"


def names(response) -> list[str]:
    return [model.name for model in response.context["page"].object_list]


def test_it_lists_published_models_only(client):
    factories.model(name="Visible")
    factories.model(name="Hidden", is_published=False)

    response = client.get(URL)

    assert response.status_code == 200
    assert names(response) == ["Visible"]


def test_it_searches_by_name(client):
    factories.model(name="o4-mini")
    factories.model(name="Claude Sonnet 4.5")

    assert names(client.get(URL, {"q": "sonnet"})) == ["Claude Sonnet 4.5"]


def test_it_filters_by_provider(client):
    openai = factories.provider(name="OpenAI", slug="openai")
    factories.model(name="o4-mini", provider=openai)
    factories.model(name="Mistral Large")

    assert names(client.get(URL, {"provider": "openai"})) == ["o4-mini"]


def test_it_filters_by_tier(client):
    specialist = factories.tier(code="C", label="Specialist")
    factories.model(name="Codestral", tier=specialist)
    factories.model(name="Generalist")

    assert names(client.get(URL, {"tier": "C"})) == ["Codestral"]


def test_it_filters_by_every_chosen_capability(client):
    factories.model(name="Both", capabilities={"vision": True, "tools": True})
    factories.model(name="Vision only", capabilities={"vision": True, "tools": False})
    factories.model(name="Unknown")

    response = client.get(URL, {"capability": ["vision", "tools"]})

    assert names(response) == ["Both"]


def test_it_sorts_by_release_date_newest_first_with_undated_last(client):
    import datetime as dt

    factories.model(name="Old", release_date=dt.date(2023, 1, 1))
    factories.model(name="Undated")
    factories.model(name="New", release_date=dt.date(2025, 6, 1))

    assert names(client.get(URL, {"sort": "-release"})) == ["New", "Old", "Undated"]


def test_it_sorts_by_name_in_reverse(client):
    for name in ["Alpha", "Charlie", "Bravo"]:
        factories.model(name=name)

    assert names(client.get(URL, {"sort": "-name"})) == ["Charlie", "Bravo", "Alpha"]


def test_it_paginates_and_keeps_the_filters_in_page_links(client, settings):
    settings.CATALOGUE_PAGE_SIZE = 2
    for n in range(5):
        factories.model(name=f"Model {n}", capabilities={"tools": True})

    response = client.get(URL, {"capability": "tools", "page": 3})

    assert names(response) == ["Model 4"]
    assert b"capability=tools&amp;page=2" in response.content


def test_a_bad_page_number_shows_the_first_page(client):
    factories.model(name="Only")

    response = client.get(URL, {"page": "abc"})

    assert response.status_code == 200
    assert names(response) == ["Only"]


def test_an_unknown_filter_value_re_renders_with_a_message_instead_of_failing(client):
    factories.model(name="Only")

    response = client.get(URL, {"provider": "nobody", "capability": "telepathy"})

    assert response.status_code == 400
    assert b"Some filters could not be used" in response.content
    assert names(response) == ["Only"]


def test_the_list_page_query_count_does_not_grow_with_the_models(
    client, django_assert_max_num_queries
):
    for n in range(30):
        factories.model(name=f"Model {n}", capabilities={"tools": True, "vision": n % 2 == 0})

    with django_assert_max_num_queries(6):
        client.get(URL, {"capability": "tools"})
