"""Providers, models and offerings through /api/v1/."""

from __future__ import annotations

import pytest

from models_catalog.models import Model, Offering, Provider, Tier
from tests import factories

pytestmark = pytest.mark.django_db


def test_providers_are_those_with_a_published_model(client, catalogue):
    hidden = factories.provider(name="Stealth lab", slug="stealth")
    factories.model(provider=hidden, is_published=False)

    body = client.get("/api/v1/providers").json()

    slugs = [p["slug"] for p in body]
    assert "openai" in slugs
    assert "stealth" not in slugs
    assert slugs == sorted(slugs, key=lambda s: Provider.objects.get(slug=s).name)


def test_a_provider_lists_its_published_models_and_an_unknown_one_is_a_404(client, catalogue):
    openai = client.get("/api/v1/providers/openai")
    unknown = client.get("/api/v1/providers/nobody")

    assert openai.status_code == 200
    models = [m["slug"] for m in openai.json()["models"]]
    assert "o4-mini" in models
    assert set(models) == set(
        Model.objects.published().filter(provider__slug="openai").values_list("slug", flat=True)
    )
    assert unknown.status_code == 404
    assert "nobody" in unknown.json()["detail"]


def test_models_filter_by_provider_tier_capability_and_text(client, catalogue):
    tier = Tier.objects.create(code="R", label="Reasoning", rank=90)
    Model.objects.filter(slug="o4-mini").update(tier=tier)

    by_provider = client.get("/api/v1/models", {"provider": "openai", "limit": 100}).json()
    by_tier = client.get("/api/v1/models", {"tier": "R"}).json()
    by_capability = client.get("/api/v1/models", {"capability": "reasoning,vision"}).json()
    by_text = client.get("/api/v1/models", {"q": "o4-m"}).json()

    assert {m["provider"]["slug"] for m in by_provider["items"]} == {"openai"}
    assert [m["slug"] for m in by_tier["items"]] == ["o4-mini"]
    assert "o4-mini" in [m["slug"] for m in by_capability["items"]]
    for item in by_capability["items"]:
        supported = {c["capability"] for c in item["capabilities"] if c["supported"]}
        assert {"reasoning", "vision"} <= supported
    assert [m["slug"] for m in by_text["items"]] == ["o4-mini"]


def test_a_page_holds_at_most_100_models(client, catalogue):
    assert client.get("/api/v1/models", {"limit": 100}).status_code == 200
    too_many = client.get("/api/v1/models", {"limit": 101})

    assert too_many.status_code == 422


def test_a_huge_offset_is_refused_rather_than_sent_to_the_database(client, catalogue):
    assert client.get("/api/v1/offerings", {"offset": 10**19}).status_code == 422


def test_offerings_filter_by_model_host_region_and_source(client, catalogue):
    everything = client.get("/api/v1/offerings", {"limit": 100}).json()
    o4 = client.get("/api/v1/offerings", {"model": "o4-mini"}).json()
    eu = client.get("/api/v1/offerings", {"model": "o4-mini", "region": "eu"}).json()
    azure = client.get("/api/v1/offerings", {"host": "azure", "source": "litellm"}).json()
    nothing = client.get("/api/v1/offerings", {"source": "openrouter"}).json()

    assert everything["count"] == Offering.objects.listed().filter(model__is_published=True).count()
    assert {o["model"]["slug"] for o in o4["items"]} == {"o4-mini"}
    assert [o["source_key"] for o in eu["items"]] == ["azure/eu/o4-mini"]
    assert eu["items"][0]["regions"] == ["eu"]
    assert eu["items"][0]["host"]["slug"] == "azure"
    assert azure["count"] > 0
    assert {o["host"]["slug"] for o in azure["items"]} == {"azure"}
    assert nothing == {"items": [], "count": 0}


def test_a_page_of_offerings_takes_the_same_queries_however_long(
    client, catalogue, django_assert_num_queries
):
    # count, the page with model and host, the page's regions
    with django_assert_num_queries(3):
        client.get("/api/v1/offerings", {"limit": 2})
    with django_assert_num_queries(3):
        client.get("/api/v1/offerings", {"limit": 100})
