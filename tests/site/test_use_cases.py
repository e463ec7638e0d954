"""Use cases: editor-written pages that readers see only once a reviewer published them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from tests import factories
from tests.factories import publish
from tests.site.conftest import measured, priced
from tokonomix.editorial.models import UseCase, UseCaseEntry

pytestmark = pytest.mark.django_db


def write_use_case(*, by, slug: str = "cheap-reasoning", **fields) -> UseCase:
    use_case = UseCase.objects.create(
        slug=slug,
        title=fields.pop("title", "Cheap reasoning"),
        intro=fields.pop("intro", "Small models that **think**."),
    )
    for rank, (model, note) in enumerate(fields.pop("entries", []), start=1):
        UseCaseEntry.objects.create(use_case=use_case, model=model, rank=rank, note=note)
    use_case.record_revision(by=by)
    return use_case


def test_a_published_use_case_shows_its_intro_and_ranked_models_with_dated_figures(
    client, editor, reviewer
) -> None:
    first = priced(name="First pick", input_price="1", output_price="4")
    second = priced(name="Second pick", input_price="0.5", output_price="2")
    measured(first, p50_latency_ms_30d=1200)
    use_case = write_use_case(by=editor, entries=[(first, "Best overall"), (second, "Cheaper")])
    publish(use_case, editor=editor, reviewer=reviewer)

    response = client.get("/en/usecases/cheap-reasoning/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Cheap reasoning" in page
    assert "<strong>think</strong>" in page
    assert page.index("First pick") < page.index("Second pick")
    assert "Best overall" in page and "1,200 ms" in page and "2026-01-05" in page


def test_readers_see_the_published_revision_not_later_edits(client, editor, reviewer) -> None:
    use_case = publish(write_use_case(by=editor), editor=editor, reviewer=reviewer)
    use_case.title = "Edited after publishing"
    use_case.save()
    use_case.record_revision(by=editor)

    page = client.get("/en/usecases/cheap-reasoning/").content.decode()
    listing = client.get("/en/usecases/").content.decode()

    assert "Cheap reasoning" in page and "Edited after publishing" not in page
    assert "Cheap reasoning" in listing and "Edited after publishing" not in listing


def test_a_draft_use_case_is_not_listed_and_its_page_is_a_404(client, editor) -> None:
    write_use_case(by=editor, slug="draft", title="Draft idea")

    assert "Draft idea" not in client.get("/en/usecases/").content.decode()
    assert client.get("/en/usecases/draft/").status_code == 404


def test_the_use_case_list_has_an_honest_empty_state(client) -> None:
    assert "No use case published yet." in client.get("/en/usecases/").content.decode()


def test_an_unpublished_model_in_a_ranking_is_left_out(client, editor, reviewer) -> None:
    hidden = factories.model(name="Withdrawn model", is_published=False)
    shown = priced(name="Shown model")
    use_case = write_use_case(by=editor, entries=[(hidden, ""), (shown, "")])
    publish(use_case, editor=editor, reviewer=reviewer)

    page = client.get("/en/usecases/cheap-reasoning/").content.decode()

    assert "Shown model" in page and "Withdrawn model" not in page


def test_an_author_cannot_approve_their_own_use_case(editor) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    use_case = write_use_case(by=editor)
    use_case.submit(by=editor)

    with pytest.raises((PermissionDenied, ValidationError)):
        use_case.approve(by=editor)


def test_restoring_a_revision_brings_back_its_ranking(editor) -> None:
    first, second = priced(), priced()
    use_case = write_use_case(by=editor, entries=[(first, "a")])
    old = use_case.current_revision
    assert old is not None
    use_case.entries.all().delete()
    UseCaseEntry.objects.create(use_case=use_case, model=second, rank=1, note="b")
    use_case.record_revision(by=editor)

    use_case.restore_revision(revision=old, by=editor)

    assert [(e.model_id, e.note) for e in use_case.entries.all()] == [(first.pk, "a")]


def test_editors_and_reviewers_may_edit_use_cases() -> None:
    for name in ("Editors", "Reviewers"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"add_usecase", "change_usecase", "view_usecase", "change_usecaseentry"} <= (
            codenames
        )
        assert "delete_usecase" not in codenames


def test_the_use_case_admin_pages_open(admin_client, editor) -> None:
    use_case = write_use_case(by=editor)

    assert admin_client.get("/admin/editorial/usecase/").status_code == 200
    assert admin_client.get(f"/admin/editorial/usecase/{use_case.pk}/change/").status_code == 200
    assert admin_client.get("/admin/editorial/usecase/add/").status_code == 200


def test_load_demo_publishes_its_use_cases_in_debug_mode_once(client, settings) -> None:
    settings.DEBUG = True
    with open("/dev/null", "w") as devnull:
        call_command("load_demo", stdout=devnull)
        call_command("load_demo", stdout=devnull)

    assert UseCase.objects.published().count() == 4  # budget reasoning and the reference's three
    page = client.get("/en/usecases/reasoning-on-a-budget/").content.decode()
    assert "Reasoning on a budget" in page and "GPT-5.4 Mini" in page


def test_a_hostile_note_model_name_or_maker_is_shown_as_text_in_the_ranked_rows(
    client, editor, reviewer
) -> None:
    """Names come from public price maps and notes from editors: the leaderboard's rows
    (drawn in Python, tokonomix/site/templatetags/leaderboard.py) escape every one."""
    hostile = priced(
        name='<img src=x onerror="alert(1)">',
        provider=factories.provider(name="<script>alert('maker')</script>"),
    )
    use_case = write_use_case(by=editor, entries=[(hostile, "<b onmouseover=alert(2)>Best</b>")])
    publish(use_case, editor=editor, reviewer=reviewer)

    for url in ("/en/", "/en/usecases/cheap-reasoning/"):
        page = client.get(url).content.decode()
        rows = page[page.index('<table class="leaderboard"') :]
        assert "<img src=x" not in rows and "<script>alert" not in rows, url
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in rows, url
        assert "&lt;script&gt;alert(&#x27;maker&#x27;)&lt;/script&gt;" in rows, url
    assert "&lt;b onmouseover=alert(2)&gt;Best&lt;/b&gt;" in rows
    assert "<b onmouseover" not in page
