"""A model whose deprecation date has passed is marked deprecated on every page, kept out
of the default rankings (a filter shows it), and links its successor."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from models_catalog.models import Model
from tests import factories
from tokonomix.editorial.models import UseCase, UseCaseEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", "--no-live-test", verbosity=0)


def test_no_demo_profile_shows_a_past_deprecation_date_without_a_marker(client, demo):
    today = timezone.localdate()
    past = Model.objects.published().filter(deprecation_date__lte=today)
    assert past.count() >= 10

    for model in past:
        html = client.get(model.get_absolute_url()).content.decode()
        assert model.deprecation_date is not None
        assert model.deprecation_date.isoformat() in html
        start = html.index('<header class="profile-header">')
        header = html[start : html.index("</header>", start)]
        assert "flag-deprecated" in header or "flag-retired" in header, model.slug


def test_o4_minis_page_says_deprecated_and_links_its_successor(client, demo):
    html = client.get(reverse("site:model_profile", kwargs={"slug": "o4-mini"})).content.decode()

    assert "Deprecated since 2026-10-23." in html
    assert re.search(r'successor <a href="/en/models/gpt-5\.6-terra/">GPT-5\.6 Terra</a>', html)


def test_the_default_leaderboard_leaves_deprecated_models_out_and_the_filter_shows_them(
    client, demo
):
    default = client.get(reverse("site:leaderboard_json")).json()["models"]
    everything = client.get(reverse("site:leaderboard_json") + "?deprecated=on").json()["models"]

    slugs = {m["slug"] for m in default}
    assert "o4-mini" not in slugs and "o3-mini" not in slugs
    assert "gpt-4.1-mini" in slugs
    assert {"o4-mini", "o3-mini"} <= {m["slug"] for m in everything}
    assert all("deprecated" not in m["flags"] for m in default)


def test_a_use_case_ranks_no_deprecated_model_unless_asked(client, demo):
    o4 = Model.objects.get(slug="o4-mini")
    use_case = UseCase.objects.get(slug="reasoning-on-a-budget")
    UseCaseEntry.objects.create(use_case=use_case, model=o4, rank=9, note="Kept for reference.")
    factories.publish(use_case, editor=factories.editor(), reviewer=factories.reviewer())
    url = reverse("site:usecase_detail", kwargs={"slug": "reasoning-on-a-budget"})

    default = client.get(url).content.decode()
    everything = client.get(url + "?deprecated=1").content.decode()

    def ranking(html):
        return html[html.index("<table") : html.index("</table>")]

    assert "o4-mini" not in ranking(default)
    assert "deprecated or retired and left out of the ranking" in default
    assert "o4-mini" in ranking(everything)
    assert "flag-deprecated" in ranking(everything)
