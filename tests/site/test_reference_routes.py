"""The addresses the reference profile links to answer on the demo, after at most one
redirect: the three use cases, the leaderboard, the intelligence board and the live test."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

REFERENCE_LINKS = [
    "/en/usecases/code",
    "/en/usecases/data-extraction",
    "/en/usecases/customer-service",
    "/en/benchmarks/leaderboard",
    "/en/benchmarks/intelligence",
    "/live-test",
]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # the demo's reviewed content is published in debug only
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", "--no-live-test", stdout=devnull)
    settings.DEBUG = False


def follow_once(client, url):
    response = client.get(url)
    hops = 0
    if response.status_code in (301, 302):
        hops = 1
        response = client.get(response["Location"])
    return response, hops


def test_each_reference_link_answers_200_after_at_most_one_redirect(client, demo):
    # The testbench itself asks anonymous readers to sign in (issue 16 part B opens it to
    # them); a signed-in reader walks every link.
    reader = get_user_model().objects.create_user("reader", password="a-long-password-1")
    client.force_login(reader)
    for url in REFERENCE_LINKS:
        response, hops = follow_once(client, url)
        assert response.status_code == 200, (url, response.status_code)
        assert hops <= 1


def test_live_test_without_prefix_redirects_to_the_testbench(client):
    response = client.get("/live-test")
    assert response.status_code == 301
    assert response["Location"] == "/en/live-test/"


def test_the_use_cases_are_reviewed_demo_content_with_ranked_models(client, demo):
    for slug, model in [
        ("code", "Claude Opus 4.5"),
        ("data-extraction", "Gemini 2.5 Flash Lite"),
        ("customer-service", "Claude Haiku 4.5"),
    ]:
        page = client.get(f"/en/usecases/{slug}/").content.decode()
        assert "Our ranking" in page and model in page, slug
        assert "Published" in page


def test_the_leaderboard_address_shows_the_leaderboard_and_the_home_page_names_it(client, demo):
    board = client.get("/en/benchmarks/leaderboard/").content.decode()
    home = client.get("/en/").content.decode()

    assert 'class="filters"' in board and "table" in board
    assert 'action="/en/benchmarks/leaderboard/"' in board
    canonical = '<link rel="canonical" href="http://testserver/en/benchmarks/leaderboard/">'
    assert canonical in home and canonical in board


def test_the_intelligence_board_ranks_scores_by_suite_with_source_date_and_reviewer(client, demo):
    page = client.get("/en/benchmarks/intelligence/").content.decode()

    swe = page.index("SWE-bench Verified")
    opus, haiku = page.index("Claude Opus 4.5", swe), page.index("Claude Haiku 4.5", swe)
    assert opus < haiku  # 80.9% above 73.3%
    assert "80.9%" in page
    assert "https://www.anthropic.com/news/claude-opus-4-5" in page
    assert "2025-11-24" in page
    assert "Remy Reviewer" in page
    for suite in ("AIME 2024", "GPQA Diamond"):
        assert suite in page


def test_the_intelligence_board_says_so_when_nothing_is_published(client):
    page = client.get("/en/benchmarks/intelligence/").content.decode()
    assert "No evaluation scores published yet." in page
