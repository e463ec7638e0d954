"""The o4-mini demo page shows each element of the reference profile, one test each."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from tokonomix.editorial.models import Verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = True  # the demo's reviewed content is published in debug only
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", "--no-live-test", stdout=devnull)
    settings.DEBUG = False
    return client.get("/en/models/o4-mini/").content.decode()


def section(page: str, section_id: str) -> str:
    """A top-level section of the page, up to the next one (the article nests its own)."""
    start = page.index(f'<section id="{section_id}"')
    following = page.find('<section id="', start + 1)
    return page[start : following if following != -1 else len(page)]


def header(page: str) -> str:
    start = page.index('<header class="profile-header">')
    return page[start : page.index("</header>", start)]


def text(html: str) -> str:
    spaced = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return re.sub(r" ([,.])", r"\1", spaced)


def test_the_tier_shows_its_code_and_label_and_links_to_its_meaning(page, client):
    link = re.search(r'<a class="tier" href="([^"]+)"[^>]*>([^<]+)</a>', header(page))
    assert link is not None
    assert link.group(2) == "Tier B — Workhorse"
    assert link.group(1) == "/en/benchmarks/methodology/#tier-B"
    methodology = client.get("/en/benchmarks/methodology/").content.decode()
    tiers = section(methodology, "tiers")
    assert 'id="tier-B"' in tiers and "Tier B — Workhorse" in tiers
    assert "Strong general models at a middle price" in tiers


def test_a_one_line_quote_box_sits_under_the_introduction(page):
    top = header(page)
    quote = re.search(r'<blockquote class="quote-box">(.*?)</blockquote>', top, re.S)
    assert quote is not None
    assert "Deprecated: move reasoning work to GPT-5.6 Terra" in quote.group(1)
    assert 'href="#verdicts"' in quote.group(1) and "2026-11-16" in quote.group(1)
    assert top.index("catalogue-data") < top.index("quote-box")


def test_input_and_output_prices_are_drawn_as_bars(page):
    pricing = section(page, "pricing")
    bars = re.findall(r'<rect class="bar-(input|output)"[^>]*width="(\d+)"', pricing)
    # $1.10 against $4.40: the input bar is a quarter of the output bar.
    assert bars == [("input", "25"), ("output", "100")]
    assert "Input against output, per million tokens" in pricing


def test_each_rate_says_stable_or_changed_on_a_date(page, client):
    pricing = text(section(page, "pricing"))
    assert pricing.count("— stable since 2025-04-19") == 2  # input and output
    o3 = text(section(client.get("/en/models/o3/").content.decode(), "pricing"))
    assert "— changed on 2025-06-10, from $10.00" in o3
    assert "— changed on 2025-06-10, from $40.00" in o3


def test_the_verdict_shows_figure_boxes_from_the_evidence_pinned_at_approval(page):
    verdicts = section(page, "verdicts")
    boxes = re.search(r'<dl class="figure-boxes">(.*?)</dl>', verdicts, re.S)
    assert boxes is not None
    figures = text(boxes.group(1))
    assert "Quality 7 / 10" in figures
    latency = re.search(r"Latency p50 ([\d,]+) ms", figures)
    runs = re.search(r"Test runs ([\d,]+)", figures)
    assert latency and runs
    pinned = Verdict.objects.published().get(model__slug="o4-mini").published_approval().evidence
    assert latency.group(1) == f"{round(pinned['p50_latency_ms']):,}"
    assert runs.group(1) == f"{pinned['speed_samples_30d']:,}"
    assert "simulated" in figures  # the pinned speed figures came from the simulator
    assert "Figures as the reviewer approved them" in verdicts


def test_the_long_form_profile_has_a_captioned_lazy_webp_illustration(page, settings):
    article = section(page, "profile")
    figure = re.search(r'<figure class="illustration">(.*?)</figure>', article, re.S)
    assert figure is not None
    img = re.search(r'<img src="/media/(illustrations/[0-9a-f]{32}\.webp)"', figure.group(1))
    assert img is not None
    assert 'loading="lazy"' in figure.group(1)
    assert 'alt="Horizontal bars of input and output list prices' in figure.group(1)
    assert "<figcaption>List prices per million tokens of o4-mini" in figure.group(1)
    with Image.open(Path(settings.MEDIA_ROOT) / img.group(1)) as image:
        assert image.format == "WEBP" and image.width <= 1600
    # After the section it belongs to: the pricing comparison.
    pricing_section = article.index("Pricing vs alternatives")
    assert pricing_section < article.index('<figure class="illustration">')


def test_the_long_form_profile_has_the_reference_sections_and_length(page):
    article = section(page, "profile")
    titles = re.findall(r'<h3 id="article-\d+">([^<]+)</h3>', article)
    assert titles == [
        "Overview",
        "Architecture",
        "Where it shines",
        "Where it falls short",
        "Use cases",
        "Snapshot",
        "Pricing vs alternatives",
        "Verdict and alternatives",
    ]
    assert 1500 <= len(text(article).split()) <= 3000


def test_the_prose_links_to_use_cases_benchmarks_and_methodology(page, client):
    links = set(re.findall(r'href="(/en/[^"#]+)', section(page, "profile")))
    for href in (
        "/en/usecases/code/",
        "/en/usecases/data-extraction/",
        "/en/usecases/customer-service/",
        "/en/benchmarks/intelligence/",
        "/en/benchmarks/leaderboard/",
        "/en/benchmarks/methodology/",
    ):
        assert href in links, href
    for href in links:
        assert client.get(href).status_code == 200, href


def test_the_last_technical_review_date_is_in_the_header(page):
    review = re.search(
        r'Last technical review:\s*<time datetime="(\d{4}-\d\d-\d\d)">', header(page)
    )
    assert review is not None


def test_the_last_automated_test_box_ends_the_page(page):
    last = section(page, "last-test")
    assert "Last automated test" in last and "Simulated" in last
    sections = re.findall(r'<section id="([^"]+)"', page)
    assert sections[-1] == "last-test"


def test_a_model_without_data_says_so_once(client, page):
    bare = client.get("/en/models/gpt-5.4/").content.decode()
    notice = bare[bare.index('id="not-yet"') :]
    notice = text(notice[: notice.index("</p>")])
    assert "speed and availability" in notice and "a verdict" in notice
    assert bare.count('class="empty"') <= 1
    assert 'id="not-yet"' not in page  # o4-mini has everything
