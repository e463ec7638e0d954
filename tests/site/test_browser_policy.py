"""In Debian's chromium, with the site's Content-Security-Policy enforced: every page type,
the API docs and the admin work without a single violation report, an inline script someone
slipped in does not run, and an SVG with script never runs on the site's origin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.site.browsers import Browser

pytestmark = pytest.mark.usefixtures("chromium_present")

PASSWORD = "a-long-test-password-9"  # tests.factories.user's

# Collects what the browser reports: every violation, as the page sees it.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${location.pathname}`);
});
"""

READER_PAGES = [
    "/en/",
    "/en/?tier=B&sort=price",
    "/en/models/",
    "/en/models/o4-mini/",
    "/en/compare/?models=o4-mini,o3",
    "/en/providers/",
    "/en/usecases/",
    "/en/search/?q=o4",
    "/en/benchmarks/speed/",
    "/en/benchmarks/methodology/",
    "/en/pricing/changes/",
    "/en/accounts/login/",
    "/en/accounts/signup/",
    "/en/no-such-page/",
]


def violations(browser: Browser) -> list[str]:
    found: list[str] = browser.page.evaluate("window.__violations || []")
    return found


def visit(browser: Browser, url: str) -> Any:
    response = browser.page.goto(url)
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    browser.page.wait_for_load_state("load")
    return response


@pytest.fixture
def people(demo_site: str) -> dict[str, Any]:
    """Accounts and ids the test needs, read before the browser starts: Django's ORM refuses
    to run inside Playwright's event loop."""
    from tokonomix.editorial.models import ModelProfile, Verdict

    verdict = Verdict.objects.first()
    assert verdict is not None
    return {
        "reader": factories.user().username,
        "boss": factories.user(superuser=True).username,
        "profile": ModelProfile.objects.get(model__slug="o4-mini").pk,
        "verdict": verdict.pk,
    }


@pytest.fixture
def policed(people: dict[str, Any], browser: Browser) -> Browser:
    browser.page.add_init_script(RECORD_VIOLATIONS)
    # A 404 is one of the pages visited on purpose; it is not a problem here.
    browser.problems.clear()
    return browser


def test_every_page_type_the_api_docs_and_the_admin_run_with_no_violation(
    demo_site: str, people: dict[str, Any], policed: Browser
) -> None:
    page = policed.page
    for path in READER_PAGES:
        visit(policed, f"{demo_site}{path}")
        if path == "/en/models/o4-mini/":
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-chart]')]"
                ".every(e => e.getAttribute('data-drawn') === 'true')",
                timeout=20_000,
            )
        assert violations(policed) == [], path
    # The pages reached by links: a provider and a use case.
    for listing, selector in (
        ("/en/providers/", "main a[href*='/providers/']"),
        ("/en/usecases/", "main a[href*='/usecases/']"),
    ):
        visit(policed, f"{demo_site}{listing}")
        href = page.locator(selector).first.get_attribute("href")
        visit(policed, f"{demo_site}{href}")
        assert violations(policed) == [], href

    # Swagger UI draws the schema from the site's own files.
    visit(policed, f"{demo_site}/api/v1/docs")
    page.wait_for_selector("#swagger-ui .opblock", timeout=20_000)
    assert violations(policed) == [], "/api/v1/docs"

    # A reader signs in and opens the live testbench.
    visit(policed, f"{demo_site}/en/accounts/login/?next=/en/live-test/")
    page.fill("#id_username", people["reader"])
    page.fill("#id_password", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url("**/en/live-test/")
    assert violations(policed) == [], "/en/live-test/"
    page.goto(f"{demo_site}/en/accounts/login/")  # redirects home once signed in
    page.context.clear_cookies()

    # The admin: sign in, the index, a changelist, a change form with its widgets, the
    # review queue and an item's revisions.
    visit(policed, f"{demo_site}/admin/login/?next=/admin/")
    page.fill("#id_username", people["boss"])
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    profile, verdict = people["profile"], people["verdict"]
    for path in (
        "/admin/",
        "/admin/editorial/verdict/",
        f"/admin/editorial/verdict/{verdict}/change/",
        f"/admin/editorial/modelprofile/{profile}/change/",
        f"/admin/editorial/modelprofile/{profile}/revisions/",
        "/admin/review-queue/",
        "/admin/workflow/auditentry/",
        "/admin/auth/user/add/",
    ):
        visit(policed, f"{demo_site}{path}")
        assert violations(policed) == [], path
    # The admin's scripts ran: the inline formsets' "add another" row appears on a click.
    visit(policed, f"{demo_site}/admin/editorial/modelprofile/{profile}/change/")
    rows = page.locator("#illustrations-group tr.form-row:not(.empty-form)").count()
    page.locator("#illustrations-group summary").click()  # the inline folds: open it
    page.wait_for_selector("#illustrations-group details[open]")
    page.locator("#illustrations-group .add-row a").click()
    assert page.locator("#illustrations-group tr.form-row:not(.empty-form)").count() == rows + 1
    assert violations(policed) == []

    assert [p for p in policed.problems if "Content Security Policy" in p] == []


def test_an_inline_script_slipped_into_a_page_does_not_run(
    demo_site: str, policed: Browser
) -> None:
    visit(policed, f"{demo_site}/en/models/o4-mini/")

    ran = policed.page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__injected = true";
            document.body.appendChild(script);
            const handler = document.createElement("img");
            handler.setAttribute("onerror", "window.__handler = true");
            handler.src = "/no-such-image.png";
            document.body.appendChild(handler);
            return new Promise((resolve) => setTimeout(
                () => resolve([window.__injected === true, window.__handler === true]), 500));
        }"""
    )

    assert ran == [False, False]
    assert any(v.startswith("script-src") for v in violations(policed))


SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" onload="fetch('/xss-ran-onload')">
  <script>fetch('/xss-ran-script'); document.title = 'owned';</script>
</svg>"""


@pytest.fixture
def a_profile(site_server: str, settings: Any, tmp_path: Path) -> tuple[str, int]:
    """Made before the browser starts (see `people`); media in a folder of the test's own.
    A superuser uploads: the live server's transactional database has lost the permissions
    the data migrations gave the groups (the upload check is the same for everyone)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    uploader = factories.user(superuser=True)
    return uploader.username, factories.profile(by=uploader).pk


def test_an_svg_with_script_never_runs_on_the_sites_origin(
    site_server: str, a_profile: tuple[str, int], browser: Browser, tmp_path: Path
) -> None:
    uploader, profile = a_profile
    page = browser.page
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))

    # Uploaded through the admin: refused, with the reason.
    svg_file = tmp_path / "chart.svg"
    svg_file.write_bytes(SVG)
    page.goto(f"{site_server}/admin/login/?next=/admin/")
    page.fill("#id_username", uploader)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(f"{site_server}/admin/editorial/modelprofile/{profile}/change/")
    page.locator("#illustrations-group summary").click()  # the inline folds: open it
    page.wait_for_selector("#illustrations-group details[open]")
    page.locator("#illustrations-group .add-row a").click()
    page.set_input_files("#id_illustrations-0-image", str(svg_file))
    page.fill("#id_illustrations-0-alt_text", "A chart")
    page.click("input[name=_save]")
    page.wait_for_load_state("load")
    assert page.get_by_text("SVG images are refused").count() == 1
    assert not any((tmp_path / "media").rglob("*.svg")) if (tmp_path / "media").exists() else True

    # One stored before the check (or put there by hand) is served as a download, sandboxed.
    folder = tmp_path / "media" / "illustrations"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "legacy.svg").write_bytes(SVG)
    url = f"{site_server}/media/illustrations/legacy.svg"
    headers = page.request.get(url).headers
    assert headers["content-type"] == "application/octet-stream"
    assert headers["content-disposition"] == 'attachment; filename="legacy.svg"'
    assert headers["content-security-policy"].startswith("sandbox;")
    assert headers["x-content-type-options"] == "nosniff"
    try:
        page.goto(url)  # a victim opening the link
    except Exception as error:  # chromium turns the navigation into a download and aborts it
        assert "ERR_ABORTED" in str(error) or "Download is starting" in str(error)
    # Embedded as an image, as the profile page would: images never run script anyway.
    page.goto(f"{site_server}/en/")
    page.evaluate(
        """() => new Promise((resolve) => {
            const image = new Image();
            image.onload = image.onerror = () => resolve(true);
            image.src = "/media/illustrations/legacy.svg";
            document.body.appendChild(image);
        })"""
    )
    page.wait_for_timeout(500)

    assert not [url for url in asked if "xss-ran" in url]
    assert page.title() != "owned"
