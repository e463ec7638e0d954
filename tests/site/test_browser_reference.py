"""In Debian's chromium: a reader follows each link the reference profile names, and the
pages this issue added fit a phone. Screenshots at 375 and 1280 px with
TOKONOMIX_SCREENSHOT_DIR set."""

from __future__ import annotations

import pytest

from tests import factories
from tests.site.browsers import Browser
from tests.site.test_browser import assert_fits_a_phone, screenshot
from tests.site.test_reference_routes import REFERENCE_LINKS

pytestmark = pytest.mark.usefixtures("chromium_present")


@pytest.fixture
def reader(demo_site: str) -> str:
    """Made before the browser starts (Django's ORM refuses Playwright's event loop)."""
    return factories.user().username


def redirects(response) -> int:  # type: ignore[no-untyped-def]
    hops, request = 0, response.request.redirected_from
    while request is not None:
        hops, request = hops + 1, request.redirected_from
    return hops


def test_a_reader_follows_every_reference_link(demo_site: str, reader: str, browser: Browser):
    page = browser.page
    # The testbench asks anonymous readers to sign in (part B of issue 16 opens it).
    page.goto(f"{demo_site}/en/accounts/login/")
    page.fill("#id_username", reader)
    page.fill("#id_password", "a-long-test-password-9")
    page.click("form.account-form button[type=submit]")
    page.wait_for_load_state()

    for link in REFERENCE_LINKS:
        response = page.goto(f"{demo_site}{link}")
        assert response is not None
        assert response.status == 200, (link, response.status)
        assert redirects(response) <= 1, link
        assert page.locator("main h1").count() == 1, link
    assert browser.problems == []


def test_the_new_pages_fit_a_phone(demo_site: str, browser: Browser):
    page = browser.page
    for name, path in [
        ("o4-mini", "/en/models/o4-mini/"),
        ("intelligence", "/en/benchmarks/intelligence/"),
        ("usecase-code", "/en/usecases/code/"),
        ("o3", "/en/models/o3/"),
        ("unreviewed-model", "/en/models/gpt-5.4/"),
    ]:
        page.goto(f"{demo_site}{path}")
        assert_fits_a_phone(browser)
        screenshot(browser, name)
    # The profile's illustration is served (WebP, from the site's media view) and shown.
    page.goto(f"{demo_site}/en/models/o4-mini/")
    image = page.locator("figure.illustration img")
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('figure.illustration img');"
        " return i.complete && i.naturalWidth > 0; }",
        timeout=10_000,
    )
    assert image.get_attribute("loading") == "lazy"
    assert browser.problems == []
