"""Phones first, checked in Debian's chromium at 375 and 1280 px on the demo: no page
scrolls sideways, wide tables scroll in their box with a cue and a first column that
stays, the leaderboard leads with model, typical cost and speed with its filters folded
away, no date or figure breaks across lines, and the charts are drawn (the home scatter's
points open their model's page).

Set TOKONOMIX_SCREENSHOT_DIR to keep screenshots of each page at both widths.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.site.browsers import Browser

pytestmark = pytest.mark.usefixtures("chromium_present")

PAGES = {
    "home": "/en/",
    "compare": "/en/compare/?models=o4-mini,gpt-4.1-mini,deepseek-chat",
    "speed": "/en/benchmarks/speed/",
    "live-test": "/en/live-test/",
    "profile": "/en/models/gpt-4.1-mini/",
}
WIDTHS = (375, 1280)

CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-chart]')]
    .every(chart => chart.dataset.drawn === 'true'
        && Math.abs(chart.querySelector('.main-svg').getBoundingClientRect().width
                    - chart.getBoundingClientRect().width) < 2)"""

# Inline elements that must never wrap: a wrapped one has more than one line box.
BROKEN = """() => [...document.querySelectorAll('main time, main small.ci span, main .flag')]
    .filter(element => element.getClientRects().length > 1)
    .map(element => element.textContent.trim())"""


def settle(browser: Browser, width: int) -> None:
    browser.page.set_viewport_size({"width": width, "height": 900})
    # Plotly redraws responsive charts a moment after a resize: wait for the new width.
    browser.page.wait_for_function(CHARTS_DRAWN, timeout=20_000)


def screenshot(browser: Browser, name: str, width: int) -> None:
    folder = os.environ.get("TOKONOMIX_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)


def test_no_page_scrolls_sideways_and_nothing_breaks_a_date_or_figure(
    demo_site: str, browser: Browser
) -> None:
    page = browser.page
    for name, path in PAGES.items():
        page.goto(f"{demo_site}{path}")
        for width in WIDTHS:
            settle(browser, width)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, (name, width, scroll_width)
            assert page.evaluate(BROKEN) == [], (name, width)
            screenshot(browser, name, width)
    assert browser.problems == []


def test_on_a_phone_the_leaderboard_leads_with_model_cost_and_speed(
    demo_site: str, browser: Browser
) -> None:
    page = browser.page
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(f"{demo_site}/en/")

    # The filters fold behind one button, closed until asked for.
    fold = page.locator("details.filters-fold")
    assert fold.evaluate("element => element.open") is False
    assert not page.locator("#id_tier").is_visible()
    fold.locator("summary").click()
    assert page.locator("#id_tier").is_visible()
    # Model, typical conversation and tokens per second are on the screen, not off to the side.
    headers = page.locator("table.leaderboard thead th")
    lead = [headers.nth(n) for n in range(3)]
    names = [" ".join(h.inner_text().replace("▲", "").split()) for h in lead]
    assert names == ["Model", "Typical conversation", "Tokens/s"]
    for header in lead:
        box = header.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 375
    assert page.locator(".scroll-hint").first.is_visible()
    assert browser.problems == []


def test_on_a_phone_compare_scrolls_with_a_cue_and_keeps_its_first_column(
    demo_site: str, browser: Browser
) -> None:
    page = browser.page
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(f"{demo_site}{PAGES['compare']}")

    box = page.locator(".table-scroll", has=page.locator("table.compare"))
    assert box.evaluate("element => element.scrollWidth > element.clientWidth")
    assert page.locator(".scroll-hint").is_visible()
    label = page.locator("table.compare tbody th[scope=row]").first
    before = label.bounding_box()
    box.evaluate("element => { element.scrollLeft = 200; }")
    after = label.bounding_box()
    assert before is not None and after is not None
    assert abs(after["x"] - before["x"]) < 1  # sticky: the labels stay while the models move
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not page.locator(".scroll-hint").is_visible()
    assert browser.problems == []


def test_a_click_on_a_point_of_the_home_scatter_opens_its_model(
    demo_site: str, browser: Browser
) -> None:
    page = browser.page
    page.goto(f"{demo_site}/en/")
    page.wait_for_function(CHARTS_DRAWN, timeout=20_000)

    point = page.locator("[data-chart='tx-chart-price-speed'] .scatterlayer .point").first
    box = point.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    page.wait_for_url("**/en/models/*/", timeout=10_000)
    assert browser.problems == []
