"""Readers see only published editorial content, with who reviewed it; staff preview drafts."""

from html.parser import HTMLParser

import pytest

from tests import factories
from tokonomix.editorial.models import FAQ

pytestmark = pytest.mark.django_db


class ScriptCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ld_json: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_data(self, data):
        if self._inside:
            self.ld_json.append(data)

    def handle_endtag(self, tag):
        self._inside = False


@pytest.fixture
def people(editor, reviewer):
    return editor, reviewer


def review_and_publish(profile, people):
    """The profile as it is now: a revision by the editor, approved and published."""
    editor, reviewer = people
    factories.publish(profile, editor=editor, reviewer=reviewer)


def published_profile(people, body="It is **fast**."):
    editor, _reviewer = people
    model = factories.model(slug="o4-mini", name="o4-mini")
    profile = factories.profile(by=editor, model=model, body=body)
    FAQ.objects.create(profile=profile, question="Is it cheap?", answer="Yes, *very*.")
    review_and_publish(profile, people)
    return profile


def test_a_published_profile_shows_with_its_reviewer_and_date(client, people):
    profile = published_profile(people)

    page = client.get("/en/models/o4-mini/").content.decode()

    assert "<strong>fast</strong>" in page
    assert "Cheap" in page  # a strength
    assert "By Dana Editor" in page
    approval = profile.published_approval()
    assert f"Reviewed by Remy Reviewer, {approval.approved_at:%Y-%m-%d}" in page


def test_a_review_without_points_is_not_called_unreviewed(client, people):
    profile = published_profile(people)
    profile.points.all().delete()
    review_and_publish(profile, people)

    page = client.get("/en/models/o4-mini/").content.decode()

    assert "The published review lists no strengths or weaknesses." in page
    assert "have not reviewed this model" not in page


def test_an_unreviewed_model_says_so(client):
    factories.model(slug="o4-mini", name="o4-mini")

    page = client.get("/en/models/o4-mini/").content.decode()

    assert "our editors have not reviewed this model yet" in not_yet(page)


def test_the_faq_carries_faqpage_structured_data(client, people):
    import json

    published_profile(people)

    parser = ScriptCollector()
    parser.feed(client.get("/en/models/o4-mini/").content.decode())

    data = json.loads("".join(parser.ld_json))
    assert data["@type"] == "FAQPage"
    assert data["mainEntity"][0]["name"] == "Is it cheap?"


def test_readers_never_see_unpublished_edits(client, people):
    editor, _reviewer = people
    profile = published_profile(people)
    section = profile.sections.get()
    section.body = "UNREVIEWED CLAIM"
    section.save()
    profile.record_revision(by=editor)

    page = client.get("/en/models/o4-mini/").content.decode()

    assert "UNREVIEWED CLAIM" not in page
    assert "<strong>fast</strong>" in page


def test_staff_preview_the_working_copy_clearly_marked(client, people):
    editor, _reviewer = people
    profile = published_profile(people)
    section = profile.sections.get()
    section.body = "Draft wording"
    section.save()
    profile.record_revision(by=editor)
    client.force_login(editor)

    page = client.get("/en/models/o4-mini/").content.decode()

    assert "Draft wording" in page
    assert "Preview of the working copy" in page


def test_a_draft_profile_is_invisible_to_readers(client, people):
    editor, _reviewer = people
    factories.profile(by=editor, model=factories.model(slug="drafty"), body="Secret draft")

    page = client.get("/en/models/drafty/").content.decode()

    assert "Secret draft" not in page
    assert "our editors have not reviewed this model yet" in not_yet(page)


def test_markdown_in_a_profile_is_sanitised(client, people):
    published_profile(people, body="<script>alert(1)</script> [x](javascript:alert(1))")

    page = client.get("/en/models/o4-mini/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "javascript:alert" not in page


def test_illustrations_show_with_their_alt_text_and_caption(client, people):
    from tokonomix.editorial.models import Illustration

    editor, _reviewer = people
    profile = factories.profile(by=editor, model=factories.model(slug="o4-mini"))
    Illustration.objects.create(
        profile=profile,
        image="illustrations/chart.png",
        alt_text="Latency chart",
        caption="Median latency by week",
    )
    review_and_publish(profile, people)

    page = client.get("/en/models/o4-mini/").content.decode()

    assert '<img src="/media/illustrations/chart.png"' in page
    assert 'alt="Latency chart"' in page
    assert "Median latency by week" in page


def not_yet(page: str) -> str:
    """The one notice naming what a model page has no data for yet."""
    start = page.index('id="not-yet"')
    return page[start : page.index("</p>", start)]
