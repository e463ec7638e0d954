"""Three sources, one truth per field: what each source says is kept with its date, the
reference price stays where it was, a dated source refines an effective date, and a
disagreement beyond the tolerance is disputed, shown, and kept out of the changes."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from models_catalog.models import Dispute, FactClaim, Model
from pricing.models import PriceListing, PricePoint, SyncRun
from pricing.services import SyncRefused, prices_sync
from tests import factories
from tests.pricing.feeds import feed, genai_feed, models_dev_feed, write
from tests.pricing.test_real_litellm_history import RELEASES, excerpt

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "tokonomix" / "site" / "demo"
DAY_1 = dt.date(2026, 1, 5)
DAY_2 = dt.date(2026, 1, 12)
O4_GENAI = {"id": "o4-mini", "prices": {"input_mtok": 1.1, "output_mtok": 4.4}}
O4_MODELS_DEV = {
    "o4-mini": {
        "cost": {"input": 1.1, "output": 4.4},
        "limit": {"context": 200000, "output": 100000},
        "modalities": {"input": ["text", "image"], "output": ["text"]},
        "tool_call": True,
        "release_date": "2025-04-16",
    }
}


def sync(tmp_path, data, day=DAY_1, source="litellm"):
    path = write(tmp_path / f"{source}-{day}.json", data)
    return prices_sync(source=source, path=path, as_of=day)


def litellm_releases():
    for version, day in RELEASES:
        try:
            prices_sync(path=excerpt(version), as_of=day)
        except SyncRefused:
            prices_sync(path=excerpt(version), as_of=day, accept_drops=True)


def test_o3s_cut_is_dated_2025_06_10_in_the_api_and_on_the_page(client):
    litellm_releases()

    prices_sync(source="genai-prices", path=DEMO / "genai-prices.json", as_of=RELEASES[-1][1])

    points = client.get(reverse("api:model_prices", kwargs={"slug": "o3"})).json()
    cut = next(p for p in points if p["offering"] == "o3" and p["input_per_million"] == "2")
    assert cut["effective_from"] == "2025-06-10"
    assert cut["first_seen_on"] == "2025-07-05"  # litellm 1.74.0, the first release with it
    assert cut["effective_date_source"] == "genai-prices"
    assert [p["effective_from"] for p in points if p["offering"] == "o3"] == [
        "2025-04-20",
        "2025-06-10",
    ]
    page = client.get(reverse("site:model_profile", kwargs={"slug": "o3"})).content.decode()
    assert "in force since 2025-06-10" in page
    assert "our sync first saw this price on 2025-07-05" in page
    changes = client.get(reverse("api:price_changes")).json()
    assert {c["effective_from"] for c in changes if c["offering"] == "o3"} == {"2025-06-10"}


def test_the_dated_source_refines_the_date_whichever_syncs_first():
    prices_sync(path=excerpt("1.67.0"), as_of=RELEASES[0][1])
    prices_sync(source="genai-prices", path=DEMO / "genai-prices.json", as_of=RELEASES[2][1])
    prices_sync(path=excerpt("1.74.0"), as_of=RELEASES[2][1])

    cut = PricePoint.objects.get(offering__source_key="o3", input_per_million=2)
    assert (cut.effective_from, cut.observed_on, cut.date_source) == (
        dt.date(2025, 6, 10),
        dt.date(2025, 7, 5),
        "genai-prices",
    )


def test_the_command_takes_the_other_sources_by_their_names(tmp_path):
    sync(tmp_path, feed())
    genai = write(tmp_path / "genai.json", genai_feed(O4_GENAI))
    models_dev = write(tmp_path / "models-dev.json", models_dev_feed(O4_MODELS_DEV))

    call_command("sync_prices", "--source", "genai-prices", "--file", str(genai), verbosity=0)
    call_command("sync_prices", "--source", "models.dev", "--file", str(models_dev), verbosity=0)

    runs = SyncRun.objects.filter(outcome=SyncRun.Outcome.APPLIED)
    assert set(runs.values_list("source", flat=True)) == {"litellm", "genai-prices", "models.dev"}


def test_other_sources_add_no_models_and_leave_the_quoted_offering(tmp_path):
    sync(tmp_path, feed())
    models = Model.objects.count()

    run = sync(tmp_path, genai_feed(O4_GENAI), source="genai-prices")

    assert run.not_in_catalogue == 55
    assert Model.objects.count() == models
    reference = Model.objects.get(slug="o4-mini").reference_offering
    assert reference is not None
    assert (reference.source_key, reference.source) == ("o4-mini", "litellm")
    assert Model.objects.get(slug="o4-mini").offerings.filter(source="genai-prices").count() == 1


def test_every_fact_keeps_which_source_says_what_since_when(tmp_path):
    sync(tmp_path, feed())
    sync(tmp_path, models_dev_feed(O4_MODELS_DEV), day=DAY_2, source="models.dev")

    said = {
        (c.field, c.source): (c.value, c.since)
        for c in FactClaim.objects.filter(model__slug="o4-mini")
    }
    assert said[("context_window", "litellm")] == ("200000", DAY_1)
    assert said[("context_window", "models.dev")] == ("200000", DAY_2)
    assert said[("capability:vision", "models.dev")] == ("true", DAY_2)
    assert said[("release_date", "models.dev")] == ("2025-04-16", DAY_2)
    o4 = Model.objects.get(slug="o4-mini")
    assert o4.release_date == dt.date(2025, 4, 16)
    assert not Dispute.objects.exists()


def test_a_fact_takes_the_source_it_trusts_first_within_the_tolerance(tmp_path):
    sync(tmp_path, feed(**{"o4-mini": {"max_input_tokens": 1000000}}))
    exact = {"o4-mini": {**O4_MODELS_DEV["o4-mini"], "limit": {"context": 1047576}}}

    sync(tmp_path, models_dev_feed(exact), day=DAY_2, source="models.dev")

    assert Model.objects.get(slug="o4-mini").context_window == 1_047_576  # models.dev's
    assert not Dispute.objects.exists()  # under 5% apart


def test_a_planted_price_disagreement_is_disputed_on_the_page_and_in_the_admin(tmp_path, client):
    sync(tmp_path, feed())

    run = sync(
        tmp_path,
        genai_feed({**O4_GENAI, "prices": {"input_mtok": 1.5, "output_mtok": 4.4}}),
        source="genai-prices",
    )

    assert run.disputes_opened == 1
    dispute = Dispute.objects.get()
    assert (dispute.field, dispute.host, dispute.status) == ("price:input", "openai", "open")
    assert dispute.values == {"litellm": "1.1", "genai-prices": "1.5"}
    page = client.get(reverse("site:model_profile", kwargs={"slug": "o4-mini"})).content.decode()
    assert "flag-disputed" in page
    assert "litellm says $1.10" in page
    assert "genai-prices says $1.50" in page
    client.force_login(factories.user(staff=True, superuser=True))
    admin = client.get(reverse("admin:models_catalog_dispute_changelist")).content.decode()
    assert "o4-mini" in admin


def test_a_planted_fact_disagreement_is_disputed(tmp_path, client):
    sync(tmp_path, feed())
    narrow = {"o4-mini": {**O4_MODELS_DEV["o4-mini"], "limit": {"context": 128000}}}

    sync(tmp_path, models_dev_feed(narrow), source="models.dev")

    dispute = Dispute.objects.get(field="context_window")
    assert dispute.values == {"litellm": "200000", "models.dev": "128000"}
    page = client.get(reverse("site:model_profile", kwargs={"slug": "o4-mini"})).content.decode()
    assert "litellm says 200,000 tokens" in page
    assert "models.dev says 128,000 tokens" in page
    model = client.get(reverse("api:get_model", kwargs={"slug": "o4-mini"})).json()
    context = next(f for f in model["facts"] if f["field"] == "context_window")
    assert context["disputed"] is True
    assert "disputed" in model["flags"]


def test_a_disputed_change_waits_until_confirmed_or_resolved(tmp_path, client):
    sync(tmp_path, feed())
    sync(tmp_path, genai_feed(O4_GENAI), source="genai-prices")
    cut = feed(**{"o4-mini": {"input_cost_per_token": 1e-06}})

    sync(tmp_path, cut, day=DAY_2)  # litellm cuts to $1.00; genai-prices still says $1.10

    dispute = Dispute.objects.get(field="price:input")
    changes = client.get(reverse("api:price_changes")).json()
    assert not [c for c in changes if c["offering"] == "o4-mini"]

    dispute.confirm(by=factories.user(staff=True))
    changes = client.get(reverse("api:price_changes")).json()
    assert [c["input_per_million"] for c in changes if c["offering"] == "o4-mini"] == ["1"]

    agreed = {**O4_GENAI, "prices": {"input_mtok": 1.0, "output_mtok": 4.4}}
    sync(tmp_path, genai_feed(agreed), day=DAY_2, source="genai-prices")
    dispute.refresh_from_db()
    assert (dispute.status, dispute.closed_on) == (Dispute.Status.RESOLVED, DAY_2)


def test_syncing_all_three_again_writes_nothing(tmp_path):
    sources = [
        ("litellm", feed()),
        ("genai-prices", genai_feed({**O4_GENAI, "prices": {"input_mtok": 1.5}})),
        ("models.dev", models_dev_feed(O4_MODELS_DEV)),
    ]
    for source, data in sources:
        sync(tmp_path, data, source=source)

    def state():
        return (
            list(PricePoint.objects.values_list("pk", "effective_from", "input_per_million")),
            list(PriceListing.objects.values_list("pk", "first_listed_on")),
            list(FactClaim.objects.values_list("pk", "value", "since")),
            list(Dispute.objects.values_list("pk", "status", "values")),
            list(Model.objects.values_list("pk", "context_window", "reference_offering")),
        )

    before = state()
    for source, data in sources:
        run = sync(tmp_path, data, day=DAY_2, source=source)
        assert (run.changed, run.first_listed, run.disputes_opened, run.facts_changed) == (
            0,
            0,
            0,
            0,
        )
    assert state() == before


def test_the_demo_excerpts_apply_and_o4_mini_names_its_successor():
    call_command("load_demo", "--no-live-test", verbosity=0)

    o4 = Model.objects.get(slug="o4-mini")
    assert o4.successor is not None and o4.successor.slug == "gpt-5.6-terra"
    assert o4.reference_offering is not None
    assert o4.reference_offering.source_key == "o4-mini"
    # The demo's history lists o3 at launch prices first; the cut is dated by genai-prices.
    o3 = PricePoint.objects.filter(offering__source_key="o3").order_by("effective_from").last()
    assert o3 is not None
    assert (o3.effective_from, o3.date_source) == (dt.date(2025, 6, 10), "genai-prices")
    assert Decimal(o3.input_per_million) == 2
