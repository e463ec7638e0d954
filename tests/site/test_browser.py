"""End to end in Debian's chromium: profile charts, leaderboard filters, compare, a feed.

Set TOKONOMIX_SCREENSHOT_DIR to keep screenshots of the main pages at 375 and 1280 px.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.site.browsers import Browser

pytestmark = pytest.mark.usefixtures("chromium_present")

WIDTHS = (375, 1280)


CHARTS_FIT_THEIR_BOXES = """() => [...document.querySelectorAll('[data-chart]')].every(chart => {
    const svg = chart.querySelector('.main-svg');
    return !svg || Math.abs(svg.getBoundingClientRect().width
                            - chart.getBoundingClientRect().width) < 2;
})"""


def assert_fits_a_phone(browser: Browser) -> None:
    """At 375 px nothing but the scrollable table boxes is wider than the screen."""
    browser.page.set_viewport_size({"width": 375, "height": 900})
    browser.page.wait_for_function(CHARTS_FIT_THEIR_BOXES, timeout=10_000)
    wider = browser.page.evaluate(
        "() => [...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > 376 && !e.closest('.table-scroll'))"
        ".map(e => e.tagName + '.' + e.className)"
    )
    width = browser.page.evaluate("document.documentElement.scrollWidth")
    browser.page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 375 and not wider, (width, wider[:5])


def screenshot(browser: Browser, name: str) -> None:
    folder = os.environ.get("TOKONOMIX_SCREENSHOT_DIR")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        browser.page.set_viewport_size({"width": width, "height": 900})
        # Plotly redraws responsive charts a moment after a resize: wait for the new width.
        browser.page.wait_for_function(CHARTS_FIT_THEIR_BOXES, timeout=10_000)
        browser.page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    browser.page.set_viewport_size({"width": 1280, "height": 900})


def test_a_reader_opens_a_profile_filters_compares_and_follows_a_feed(
    demo_site: str, browser: Browser
) -> None:
    page = browser.page

    # The o4-mini profile: every chart is drawn by plotly.js served by the site itself.
    page.goto(f"{demo_site}/en/models/o4-mini/")
    charts = page.locator("[data-chart]")
    assert charts.count() >= 4
    try:
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-chart]')]"
            ".every(e => e.getAttribute('data-drawn') === 'true')",
            timeout=20_000,
        )
    except Exception:
        pytest.fail(f"charts not drawn: {browser.problems}")
    for n in range(charts.count()):
        # The table fallback sits beside every chart.
        figure = charts.nth(n).locator("xpath=ancestor::figure")
        assert figure.locator("details.chart-table table").count() == 1
    plotly = page.locator("script[src*='plotly']").get_attribute("src") or ""
    assert plotly.startswith("/static/vendor/plotly-basic-4.1.1.min.") and "//" not in plotly
    response = page.request.get(f"{demo_site}{plotly}")
    assert "max-age=315360000" in response.headers["cache-control"]
    assert_fits_a_phone(browser)
    screenshot(browser, "profile")

    # The leaderboard: filter by tier and sort by price.
    page.goto(f"{demo_site}/en/")
    assert_fits_a_phone(browser)
    screenshot(browser, "home")
    page.click("details.filters-fold summary")  # the filters fold behind one button
    page.select_option("#id_tier", "B")
    page.select_option("#id_sort", "price")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/en/?*tier=B*")
    rows = page.locator("table.leaderboard tbody tr")
    assert rows.count() >= 2
    assert page.locator("table.leaderboard tbody", has_text="GPT-4.1 Mini").count() == 1
    # o4-mini's deprecation date has passed: out of the default ranking, back with the filter.
    assert page.locator("table.leaderboard tbody", has_text="o4-mini").count() == 0
    page.click("details.filters-fold summary")
    page.check("#id_deprecated")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/en/?*deprecated=on*")
    o4_row = page.locator("table.leaderboard tbody tr", has_text="o4-mini")
    assert o4_row.locator(".flag-deprecated").count() == 1
    assert page.locator("table.leaderboard tbody", has_text="o3 ").count() == 0

    # Compare: start with one model, add two through the form.
    page.goto(f"{demo_site}/en/compare/?models=o4-mini")
    page.select_option("#add-model", "gpt-4.1-mini")
    page.click("form.add-model button")
    page.wait_for_url("**/compare/?models=o4-mini%2Cgpt-4.1-mini")
    page.select_option("#add-model", "deepseek-chat")
    page.click("form.add-model button")
    page.wait_for_url("**/compare/?models=o4-mini%2Cgpt-4.1-mini%2Cdeepseek-chat")
    headers = page.locator("table.compare thead th").all_inner_texts()
    assert [h.strip() for h in headers] == ["o4-mini", "GPT-4.1 Mini", "DeepSeek Chat"] or (
        len(headers) == 3
    )
    assert page.locator("table.compare").get_by_text("simulated").count() >= 1
    assert_fits_a_phone(browser)
    screenshot(browser, "compare")

    # A feed link from the profile page answers with Atom XML.
    page.goto(f"{demo_site}/en/models/o4-mini/")
    href = page.locator("a", has_text="Atom feed of changes").first.get_attribute("href")
    feed = page.request.get(f"{demo_site}{href}")
    assert feed.ok
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert "<feed" in feed.text()
    verdict_feed = page.locator("link[rel=alternate][href$='/verdicts/feed/']").get_attribute(
        "href"
    )
    assert (
        page.request.get(f"{demo_site}{verdict_feed}")
        .headers["content-type"]
        .startswith("application/atom+xml")
    )

    assert browser.problems == []
