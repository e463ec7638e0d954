"""Claims in reviewed text meet the data: live figures render today's value, a reviewer sees
a contradicted claim before approving, and published text whose claim the data stops
bearing out needs re-review, naming the claim and the figure."""

import datetime as dt

import pytest
from django.urls import reverse

from models_catalog.models import Model
from pricing.services import prices_sync
from tests import factories
from tests.pricing.feeds import feed, write
from tokonomix.editorial.figures import figures_render
from tokonomix.editorial.models import ModelProfile, ProfileSection, Verdict

pytestmark = pytest.mark.django_db

DAY_1 = dt.date(2026, 1, 5)
DAY_2 = dt.date(2026, 1, 12)
CUT = {"o4-mini": {"input_cost_per_token": 9e-07}}


@pytest.fixture
def priced(tmp_path):
    prices_sync(path=write(tmp_path / "a.json", feed()), as_of=DAY_1)
    return Model.objects.get(slug="o4-mini")


def test_a_live_figure_renders_the_current_dated_value(priced, tmp_path):
    text = "Input costs {{ price:o4-mini.input }}; {{ context:o4-mini }}; {{ price:nope.input }}."

    assert figures_render([text]) == [
        "Input costs $1.10 (since 2026-01-05); 200,000 tokens; [no published model 'nope']."
    ]
    prices_sync(path=write(tmp_path / "b.json", feed(**CUT)), as_of=DAY_2)
    assert figures_render([text])[0].startswith("Input costs $0.90 (since 2026-01-12)")


def test_the_profile_page_writes_live_figures_in_and_never_goes_stale_for_them(
    priced, tmp_path, client
):
    editor, reviewer = factories.editor(), factories.reviewer()
    profile = factories.profile(by=editor, model=priced, body="It costs {{ price:o4-mini.input }}.")
    factories.publish(profile, editor=editor, reviewer=reviewer)
    prices_sync(path=write(tmp_path / "b.json", feed(**CUT)), as_of=DAY_2)

    page = client.get(reverse("site:model_profile", kwargs={"slug": "o4-mini"})).content.decode()

    assert "It costs $0.90 (since 2026-01-12)." in page
    assert "{{" not in page
    assert profile.rereview_reasons() == []


def test_the_reviewer_sees_a_contradicted_claim_before_approving(priced, client):
    editor, reviewer = factories.editor(), factories.reviewer()
    verdict = Verdict.objects.create(
        model=priced, date=DAY_2, headline="Cheap", body="Input is $2.00 per million input tokens."
    )
    verdict.record_revision(by=editor)
    verdict.submit(by=editor)
    client.force_login(reviewer)

    form = client.get(reverse("admin:editorial_verdict_change", args=[verdict.pk]))
    queue = client.get(reverse("review_queue"))

    for html in (form.content.decode(), queue.content.decode()):
        assert "Input is $2.00 per million input tokens." in html
        assert "o4-mini&#x27;s input price is $1.10 per million" in html


def test_a_published_claim_the_data_stops_bearing_out_needs_re_review(priced, tmp_path, client):
    editor, reviewer = factories.editor(), factories.reviewer()
    verdict = Verdict.objects.create(
        model=priced,
        date=DAY_1,
        headline="Fair",
        body="At $1.10 per million input tokens it is fair.\n\nIt reads 200,000 tokens.",
    )
    factories.publish(verdict, editor=editor, reviewer=reviewer)
    assert verdict.needs_rereview_since() is None

    prices_sync(path=write(tmp_path / "b.json", feed(**CUT)), as_of=DAY_2)

    assert verdict.needs_rereview_since() == DAY_2
    [reason] = Verdict.objects.get(pk=verdict.pk).rereview_reasons()
    assert "“At $1.10 per million input tokens it is fair.”" in reason
    assert "o4-mini's input price is $0.90 per million" in reason
    api = client.get(reverse("api:model_verdicts", kwargs={"slug": "o4-mini"})).json()[0]
    assert api["stale_since"] == "2026-01-12"
    assert api["stale_reasons"] == [reason]
    assert api["flags"] == ["stale"]
    page = client.get(reverse("site:model_profile", kwargs={"slug": "o4-mini"})).content.decode()
    assert "flag-stale" in page
    assert "is $0.90 per million" in page


def test_a_profile_claim_the_data_contradicts_at_once_is_stale_from_its_approval(priced):
    editor, reviewer = factories.editor(), factories.reviewer()
    profile = ModelProfile.objects.create(model=priced)
    ProfileSection.objects.create(
        profile=profile, title="Overview", body="A 128,000-token context window."
    )
    factories.publish(profile, editor=editor, reviewer=reviewer)

    [reason] = profile.rereview_reasons()
    assert "o4-mini's context window is 200,000 tokens" in reason
    approval = profile.published_approval()
    assert approval is not None
    assert profile.needs_rereview_since() == approval.approved_at.date()
