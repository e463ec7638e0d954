import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_profile_shows_provider_tier_context_window_and_capabilities(client):
    openai = factories.provider(name="OpenAI", slug="openai", country="United States")
    tier = factories.tier(code="B", label="Workhorse")
    model = factories.model(
        name="o4-mini",
        slug="o4-mini",
        provider=openai,
        tier=tier,
        context_window=200_000,
        capabilities={"vision": True, "audio_out": False},
    )
    factories.offering(model=model, regions=["eu"])

    response = client.get("/en/models/o4-mini/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "OpenAI" in page
    assert "Workhorse" in page
    assert "200,000 tokens" in page
    assert "United States" in page
    rows = {row.capability: row for row in response.context["model"].capability_rows()}
    assert rows["vision"].supported is True
    assert rows["audio_out"].supported is False
    assert rows["tools"].supported is None
    assert "litellm (test)" in page


def test_an_undisclosed_context_window_says_so(client):
    factories.model(slug="secretive", context_window=None)

    response = client.get("/en/models/secretive/")

    assert "undisclosed" in response.content.decode()


def test_slugs_with_dots_resolve(client):
    factories.model(slug="gpt-4.1", name="GPT-4.1")

    assert client.get("/en/models/gpt-4.1/").status_code == 200


def test_an_unknown_slug_is_a_friendly_404(client):
    response = client.get("/en/models/no-such-model/")

    assert response.status_code == 404
    assert b"We could not find that page" in response.content


def test_an_unpublished_model_is_hidden_from_readers_but_previewed_by_staff(client):
    factories.model(slug="draft-model", is_published=False)

    assert client.get("/en/models/draft-model/").status_code == 404
    client.force_login(factories.user(staff=True))
    response = client.get("/en/models/draft-model/")
    assert response.status_code == 200
    assert b"Draft: not published" in response.content


def test_the_root_redirects_to_the_english_site(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/en/"
