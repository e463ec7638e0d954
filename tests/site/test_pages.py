"""Providers, search, speed leaderboard, methodology, feeds, sitemap, robots and head tags."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import escape

from benchmarks.speed.selectors import CHART_DAYS
from benchmarks.speed.stats import PERCENTILE_METHOD
from pricing.services import HOLD_FACTOR
from tests import factories
from tests.factories import publish
from tests.site.conftest import measured, priced, verdict

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_provider_list_shows_providers_with_published_models_and_their_count(client) -> None:
    maker = factories.provider(name="Maker One", slug="maker-one", country="France")
    priced(provider=maker)
    priced(provider=maker)
    factories.model(provider=maker, is_published=False)
    factories.provider(name="Nothing Published")

    page = client.get("/en/providers/").content.decode()

    assert "Maker One" in page and "France" in page
    assert '<td class="num">2</td>' in page
    assert "Nothing Published" not in page


def test_the_provider_page_lists_its_models_with_prices_and_tier(client) -> None:
    maker = factories.provider(name="Maker One", slug="maker-one")
    tier = factories.tier(label="Workhorse")
    priced(provider=maker, name="Their Model", tier=tier, input_price="2", output_price="8")
    priced(name="Someone Else's")

    response = client.get("/en/providers/maker-one/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Their Model" in page and "Workhorse" in page and "$2.00 / $8.00" in page
    assert "2026-01-05" in page
    assert "Someone Else" not in page


def test_a_provider_without_published_models_has_an_honest_empty_state(client) -> None:
    factories.provider(slug="quiet")

    page = client.get("/en/providers/quiet/").content.decode()

    assert "No published model from this provider yet." in page


@pytest.mark.parametrize("path", ["/en/providers/nobody/", "/en/providers/%E2%9C%93/"])
def test_an_unknown_provider_is_a_friendly_404(client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404


def test_search_finds_models_providers_and_published_use_cases(client, editor, reviewer) -> None:
    from tokonomix.editorial.models import UseCase

    maker = factories.provider(name="Reasonable Labs", slug="reasonable")
    priced(name="Reasoner One", provider=maker)
    factories.model(name="Reasoner Draft", is_published=False)
    publish(
        UseCase.objects.create(slug="reasoning", title="Reasoning cheaply"),
        editor=editor,
        reviewer=reviewer,
    )
    UseCase.objects.create(slug="reasoning-2", title="Reasoning unpublished")

    page = client.get("/en/search/?q=reason").content.decode()

    assert "Reasoner One" in page
    assert "Reasonable Labs" in page
    assert "Reasoning cheaply" in page
    assert "Reasoner Draft" not in page
    assert "Reasoning unpublished" not in page


def test_search_with_no_match_or_no_query_says_so(client) -> None:
    assert "Nothing matches" in client.get("/en/search/?q=zzzz").content.decode()
    assert "Type a model" in client.get("/en/search/").content.decode()


def test_a_search_that_is_too_long_is_a_message_not_a_500(client) -> None:
    response = client.get("/en/search/", {"q": "x" * 500})

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_the_speed_leaderboard_sorts_by_latency_and_marks_simulated_and_preliminary(
    client,
) -> None:
    measured(priced(name="Slow"), p50_latency_ms_30d=3000, median_decode_tps_30d=200)
    measured(
        priced(name="Quick"),
        p50_latency_ms_30d=500,
        median_decode_tps_30d=20,
        is_simulated=True,
        ok_30d=3,
    )
    priced(name="Never measured")

    page = client.get("/en/benchmarks/speed/").content.decode()
    by_tps = client.get("/en/benchmarks/speed/?sort=tps").content.decode()

    assert page.index("Quick") < page.index("Slow")
    assert by_tps.index("Slow") < by_tps.index("Quick")
    assert "Never measured" not in page
    assert "simulated" in page and "preliminary" in page
    assert "2026-01-20" in page


def test_the_speed_leaderboard_explains_a_bad_sort_and_an_empty_board(client) -> None:
    response = client.get("/en/benchmarks/speed/?sort=<x>")

    assert response.status_code == 400
    assert "No model has been measured yet." in response.content.decode()


def test_the_methodology_states_the_figures_the_code_uses(client, settings) -> None:
    settings.TYPICAL_INPUT_TOKENS = 1234
    settings.TYPICAL_OUTPUT_TOKENS = 321

    page = client.get("/en/benchmarks/methodology/").content.decode()

    assert escape(PERCENTILE_METHOD) in page
    assert "1234 input tokens and 321 output tokens" in page
    assert f"more than {HOLD_FACTOR}\u00d7" in page
    assert "more than 20% of the offerings" in page
    assert "ok / (ok + failed)" in page
    assert "(output tokens \u2212 1)" in page
    assert "<code>0 3 * * 1</code>" in page  # the weekly price sync's cron
    assert f"{settings.SPEEDTEST_TIMEOUT} s" in page
    assert f"the last {CHART_DAYS} days measured" in page


def test_the_verdict_feeds_carry_published_verdicts_only(client, editor, reviewer) -> None:
    model = priced(name="Judged", slug="judged")
    verdict(
        model, editor=editor, reviewer=reviewer, headline="Published call", date=dt.date(2026, 2, 1)
    )
    verdict(model, editor=editor, headline="Draft call")
    other = priced(name="Other", slug="other")
    verdict(other, editor=editor, reviewer=reviewer, headline="Other call")

    site = client.get("/en/verdicts/feed/")
    per_model = client.get("/en/models/judged/verdicts/feed/")

    assert site["Content-Type"].startswith("application/atom+xml")
    titles = [
        e.findtext(f"{ATOM}title", "") for e in ET.fromstring(site.content).iter(f"{ATOM}entry")
    ]
    assert sorted(titles) == ["Judged: Published call", "Other: Other call"]
    entries = list(ET.fromstring(per_model.content).iter(f"{ATOM}entry"))
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Judged: Published call"]
    assert entries[0].findtext(f"{ATOM}published", "").startswith("2026-02-01")
    assert "<strong>and</strong>" in entries[0].findtext(f"{ATOM}summary", "")


def test_an_unpublished_models_verdict_feed_is_a_404(client) -> None:
    factories.model(slug="hidden", is_published=False)

    assert client.get("/en/models/hidden/verdicts/feed/").status_code == 404


def test_pages_link_their_feeds_in_the_head(client) -> None:
    priced(slug="linked")

    home = client.get("/en/").content.decode()
    profile = client.get("/en/models/linked/").content.decode()

    assert 'type="application/atom+xml"' in home and "/en/verdicts/feed/" in home
    assert "/en/models/linked/verdicts/feed/" in profile
    assert "/en/models/linked/prices/feed/" in profile


def test_the_sitemap_lists_published_pages_only(client, editor, reviewer) -> None:
    from tokonomix.editorial.models import UseCase

    priced(slug="shown", provider=factories.provider(slug="shown-maker"))
    factories.model(slug="not-shown", is_published=False)
    publish(
        UseCase.objects.create(slug="listed-use", title="Listed"), editor=editor, reviewer=reviewer
    )
    UseCase.objects.create(slug="draft-use", title="Draft")

    response = client.get("/sitemap.xml")

    body = response.content.decode()
    assert response.status_code == 200
    for path in (
        "/en/",
        "/en/models/shown/",
        "/en/providers/shown-maker/",
        "/en/usecases/listed-use/",
        "/en/benchmarks/methodology/",
        "/en/benchmarks/speed/",
        "/en/compare/",
    ):
        assert f"{path}</loc>" in body, path
    assert "not-shown" not in body and "draft-use" not in body


def test_robots_txt_allows_readers_pages_and_points_to_the_sitemap(client) -> None:
    response = client.get("/robots.txt")

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/en/", "LLM leaderboard"),
        ("/en/models/og-model/", "OG Model · "),
        ("/en/providers/", "Providers"),
        ("/en/benchmarks/methodology/", "How we measure"),
    ],
)
def test_every_page_has_open_graph_tags(client, path: str, title: str) -> None:
    priced(slug="og-model", name="OG Model", summary="A model for sharing.")

    page = client.get(path).content.decode()

    assert f'<meta property="og:title" content="{title}' in page
    assert '<meta property="og:description" content="' in page
    assert f'<meta property="og:url" content="http://testserver{path}">' in page
    assert '<meta property="og:type" content="' in page
    if path.startswith("/en/models/"):
        assert 'content="A model for sharing."' in page


def test_the_navigation_links_every_readers_page(client) -> None:
    page = client.get("/en/benchmarks/methodology/").content.decode()

    for path in (
        "/en/models/",
        "/en/compare/",
        "/en/providers/",
        "/en/usecases/",
        "/en/benchmarks/speed/",
        "/en/pricing/changes/",
        "/en/search/",
    ):
        assert f'href="{path}"' in page, path


def test_plotly_is_served_by_the_site_with_a_hashed_name_and_cached_for_a_year(client) -> None:
    if not (settings.STATIC_ROOT / "staticfiles.json").exists():
        pytest.fail("run collectstatic first (make test does)")
    url = static("vendor/plotly-basic-4.1.1.min.js")

    response = client.get(url)

    assert url.startswith("/static/vendor/plotly-basic-4.1.1.min.") and url != (
        "/static/vendor/plotly-basic-4.1.1.min.js"
    )
    assert response.status_code == 200
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
