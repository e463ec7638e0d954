"""Acceptance, in Debian's chromium: an editor and a reviewer, each signed in with a password
and an authenticator code, walk one verdict from "Add verdict" to the public page through a
request for changes and a resubmission, using only the buttons on the item's own page and
the "My work" dashboard. Counts the clicks and screens and prints them; screenshots of the
dashboard, the item's page, the diff and the preview go to /tmp/shots-17/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.site.browsers import Browser

pytestmark = pytest.mark.usefixtures("chromium_present")

PASSWORD = "a-long-test-password-9"  # tests.factories.user's
SHOTS = Path("/tmp/shots-17")
HEADLINE = "Reasoning for a tenth of the price"


@pytest.fixture
def accounts(demo_site: str, settings: Any) -> dict[str, Any]:
    """Two staff accounts with confirmed authenticator devices, read before the browser
    starts (Django's ORM refuses to run inside Playwright's event loop)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.STAFF_TWO_FACTOR = True
    groups_with_their_permissions()
    found: dict[str, Any] = {}
    for role, make in (("editor", factories.editor), ("reviewer", factories.reviewer)):
        person = make(username=f"the-{role}")
        device = TOTPDevice.objects.create(user=person, name="app", confirmed=True)
        found[role] = {
            "username": person.username,
            "key": device.bin_key,
            "step": device.step,
            "t0": device.t0,
            "digits": device.digits,
        }
    return found


def groups_with_their_permissions() -> None:
    """The Editors and Reviewers groups as the data migrations grant them: a transactional
    test's flush empties the groups' permissions, and the demo only creates the groups."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    editorial = Permission.objects.filter(
        content_type__app_label="editorial", codename__regex=r"^(add|change|view)_"
    )
    catalogue = Permission.objects.filter(
        content_type__app_label="models_catalog", codename__startswith="view_"
    )
    for name in ("Editors", "Reviewers"):
        group = Group.objects.get_or_create(name=name)[0]
        group.permissions.add(*editorial, *catalogue)


def code(account: dict[str, Any]) -> str:
    from django_otp.oath import totp

    value = totp(account["key"], step=account["step"], t0=account["t0"], digits=account["digits"])
    return str(value).zfill(account["digits"])


class Walk:
    """Counts the clicks and the screens (page loads) of a walk through the admin."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.clicks = 0
        self.screens = 0
        page.on("load", lambda _page: self._screen())

    def _screen(self) -> None:
        self.screens += 1

    def click(self, selector: str) -> None:
        self.clicks += 1
        self.page.locator(selector).first.click()
        self.page.wait_for_load_state("load")


def sign_in(page: Any, base: str, account: dict[str, Any]) -> None:
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", account["username"])
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/two-factor/**")
    page.fill("#id_token", code(account))
    page.click("#two-factor-form input[type=submit]")
    page.wait_for_url("**/admin/")


def message(page: Any) -> str:
    return str(page.locator("ul.messagelist").inner_text())


def test_a_verdict_from_add_verdict_to_the_public_page(
    demo_site: str, accounts: dict[str, Any], browser: Browser
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    editor_page = browser.page
    sign_in(editor_page, demo_site, accounts["editor"])
    # The reviewer in a second browser context: their own cookies, the same chromium.
    context = editor_page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    if True:
        reviewer_page = context.new_page()
        sign_in(reviewer_page, demo_site, accounts["reviewer"])
        editor, reviewer = Walk(editor_page), Walk(reviewer_page)

        # The editor: "Add verdict", the form, Save, Submit for review.
        editor_page.goto(f"{demo_site}/admin/editorial/verdict/")
        editor.click(".object-tools a.addlink")
        editor_page.screenshot(path=str(SHOTS / "add-verdict.png"), full_page=True)
        editor.click(".field-model .select2-selection")
        editor_page.locator(".select2-search__field").fill("o4-mini")
        editor.click(".select2-results__option:has-text('o4-mini')")
        editor_page.fill("#id_date", "2026-01-20")
        editor_page.fill("#id_headline", HEADLINE)
        editor_page.fill("#id_body", "## Summary\n\nIt costs {{ price:o4-mini.input }} for input.")
        editor.click("input[name=_save]")
        assert "Live" not in editor_page.locator(".workflow-panel").inner_text()
        editor.click("button[value=submit]")
        assert "You submitted the verdict" in message(editor_page)
        happy = {"editor": editor.clicks}

        # The reviewer finds it in My work and asks for changes, with a comment.
        reviewer_page.goto(f"{demo_site}/admin/")
        reviewer.click("a.my-work-link")
        reviewer_page.screenshot(path=str(SHOTS / "dashboard-reviewer.png"), full_page=True)
        reviewer.click(f"#to-review a:has-text('{HEADLINE}')")
        reviewer_page.fill("#workflow-comment", "Say what a typical conversation costs.")
        loop_start = (editor.clicks, reviewer.clicks, editor.screens + reviewer.screens)
        reviewer.click("button[value=request_changes]")
        assert "back to its editor" in message(reviewer_page)

        # The editor sees it sent back with the comment, edits, saves, resubmits.
        editor.click("a.my-work-link")
        assert (
            "Say what a typical conversation costs."
            in editor_page.locator("#sent-back").inner_text()
        )
        editor_page.screenshot(path=str(SHOTS / "dashboard-editor.png"), full_page=True)
        editor.click(f"#sent-back a:has-text('{HEADLINE}')")
        assert (
            "Say what a typical conversation costs."
            in editor_page.locator(".workflow-panel").inner_text()
        )
        editor_page.fill(
            "#id_body",
            "## Summary\n\nIt costs {{ price:o4-mini.input }} for input; "
            "a typical conversation costs {{ typical:o4-mini }}.",
        )
        editor.click("input[name=_save]")
        editor.click("button[value=submit]")
        loop = (editor.clicks - loop_start[0], reviewer.clicks - loop_start[1])
        loop_screens = editor.screens + reviewer.screens - loop_start[2]

        # The reviewer compares with the first revision, approves and publishes.
        reviewer.click("a.my-work-link")
        reviewer.click(f"#to-review a:has-text('{HEADLINE}')")
        reviewer_page.screenshot(path=str(SHOTS / "item-in-review.png"), full_page=True)
        # (A look at the diff and the preview, in another tab: not counted.)
        side = context.new_page()
        side.goto(reviewer_page.url.replace("/change/", "/revisions/"))
        assert side.locator(".word-diff ins").count() > 0
        side.screenshot(path=str(SHOTS / "diff-verdict.png"), full_page=True)
        side.goto(reviewer_page.url.replace("/change/", "/preview/"))
        side.screenshot(path=str(SHOTS / "preview-verdict.png"), full_page=True)
        side.close()
        reviewer.click("button[value=approve]")
        assert "You approved" in message(reviewer_page)
        reviewer.click("button[value=publish]")
        reviewer_page.screenshot(path=str(SHOTS / "publish-confirm.png"), full_page=True)
        reviewer.click("form button.default")
        assert "readers see it now" in message(reviewer_page)
        reviewer.click("a.workflow-public")
        article = reviewer_page.locator("#verdicts article.verdict").filter(has_text=HEADLINE)
        assert article.count() == 1
        assert article.locator("h4").first.inner_text().startswith("Summary")
        assert article.locator("h2").count() == 0
        reviewer_page.screenshot(path=str(SHOTS / "public-verdict.png"))

        total = editor.clicks + reviewer.clicks
        screens = editor.screens + reviewer.screens
        # Less the request-changes loop, and the reviewer's first visit (My work, the item).
        happy_path = total - sum(loop) - 2
        happy_screens = screens - loop_screens - 2
        print(
            f"\nverdict walk: {total} clicks, {editor.screens + reviewer.screens} screens in all "
            f"(editor {editor.clicks} clicks / {editor.screens} screens, reviewer "
            f"{reviewer.clicks} / {reviewer.screens}); request changes and resubmission "
            f"took {sum(loop)} clicks; happy path from 'Add verdict' to the public page: "
            f"{happy_path} clicks (editor {happy['editor']}) and {happy_screens} screens, "
            "counting each person's starting page"
        )
        assert happy_path <= 15
        context.close()
    # No script error and no server error (the favicon's 404 is not the workspace's).
    assert [p for p in browser.problems if p.startswith(("page error", "5"))] == []


@pytest.fixture
def workload(demo_site: str) -> dict[str, Any]:
    """On the demo: a changed sentence in the o4-mini profile's working copy, a price cut
    that makes the published texts about o4-mini stale, and a draft a sync opened."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from pricing.models import PricePoint
    from tokonomix.editorial.drafts import automation_user
    from tokonomix.editorial.models import ModelProfile, Verdict

    profile = ModelProfile.objects.get(model__slug="o4-mini")
    editor = factories.editor(username="profile-editor")
    section = profile.sections.order_by("order", "pk").first()
    assert section is not None
    first = section.body.split(". ")[0]
    section.body = section.body.replace(first, first + ", and it is rarely the slowest", 1)
    section.save()
    profile.record_revision(by=editor)
    model = profile.model
    assert model.reference_offering is not None
    PricePoint.objects.create(
        offering=model.reference_offering,
        effective_from=timezone.localdate() - dt.timedelta(days=1),
        input_per_million=Decimal("0.55"),
        output_per_million=Decimal("2.20"),
    )
    other = Verdict.objects.create(
        model=model,
        date=timezone.localdate(),
        headline="Input price cut from $1.10 to $0.55 per million",
        highlights="Input price cut from $1.10 to $0.55 per million\nOutput price cut too",
        body="Editors: check what this means for readers before submitting.",
        auto_draft_key="sync:demo:1",
    )
    other.record_revision(by=automation_user())
    groups_with_their_permissions()
    return {
        "profile": profile.pk,
        "reviewer": factories.group_user("Editors", "Reviewers", username="both").username,
        "superuser": factories.user(superuser=True, username="boss").username,
    }


def test_the_profile_diff_the_dashboard_and_the_forms_in_the_browser(
    demo_site: str, workload: dict[str, Any], browser: Browser
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.page
    page.goto(f"{demo_site}/admin/login/?next=/admin/")
    page.fill("#id_username", workload["reviewer"])
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto(f"{demo_site}/admin/editorial/modelprofile/{workload['profile']}/revisions/")
    inserted = page.locator(".word-diff ins").all_inner_texts()
    assert any("and it is rarely the slowest" in text for text in inserted), (
        page.url + page.locator("body").inner_text()[:1500]
    )
    assert '"sections"' not in page.content()
    page.screenshot(path=str(SHOTS / "diff-profile.png"), full_page=True)

    page.goto(f"{demo_site}/admin/my-work/")
    assert "Output price cut too" in page.locator("#sync-drafts").inner_text()
    stale = page.locator("#stale").inner_text()
    assert "Input price: $1.10 per million" in stale and "$0.55 per million" in stale
    page.screenshot(path=str(SHOTS / "dashboard-stale-and-sync.png"), full_page=True)

    # The forms: the profile's sections fold, and the verdict list fits 1280 px.
    page.goto(f"{demo_site}/admin/editorial/modelprofile/{workload['profile']}/change/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert page.locator(".char-count").count() > 0
    page.screenshot(path=str(SHOTS / "profile-form.png"), full_page=True)
    page.goto(f"{demo_site}/admin/editorial/verdict/")
    overflow = page.evaluate(
        "document.querySelector('#result_list').getBoundingClientRect().right"
        " - document.documentElement.clientWidth"
    )
    page.screenshot(path=str(SHOTS / "verdict-list.png"))
    print(f"\nprofile form: {height} px tall; verdict list overflows 1280 px by {overflow:.0f} px")
    assert overflow <= 0
    assert height < 3000
