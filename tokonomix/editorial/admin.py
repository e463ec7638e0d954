"""Where editors write and reviewers sign off: every reviewed type, on the workflow's admin,
with its preview in the public templates and its evidence in words."""

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from tokonomix.core.uploads import RasterImageField
from tokonomix.core.workflow.admin import ReviewableAdmin
from tokonomix.core.workflow.models import Approval, Revision

from .evidence import AboutAModel, collect, evidence_changes, evidence_rows
from .figures import data_render
from .models import (
    FAQ,
    EvaluationScore,
    Illustration,
    ModelProfile,
    ProfilePoint,
    ProfileSection,
    UseCase,
    UseCaseEntry,
    Verdict,
)
from .selectors import PublishedVerdict, ScoreRow

# Under every Markdown field: where its headings go, and the syntax one click away (a
# <details>; the admin shows help text as HTML). Plain text, no user input in it.
MARKDOWN_HELP = (
    "Markdown. {where} "
    "<details class='markdown-help'><summary>Markdown help</summary>"
    "<code>**bold**</code>, <code>*italic*</code>, <code>[link](https://…)</code>, "
    "<code>- item</code> for a list, <code>## Heading</code>, <code>`code`</code>. "
    "Raw HTML shows as text. Live figures: <code>{{{{ price:o4-mini.input }}}}</code>, "
    "<code>{{{{ typical:o4-mini }}}}</code>, <code>{{{{ latency:o4-mini }}}}</code> "
    "(docs/editorial-workflow.md).</details>"
)
UNDER_H3 = (
    "Headings are shifted to fit under the {what}'s own heading: the first level you use "
    "(# or ##) shows as a sub-heading (h4), the next one level below."
)


def markdown_help(what: str, under: str = UNDER_H3) -> str:
    return MARKDOWN_HELP.format(where=under.format(what=what))


class EditorialAdmin(ReviewableAdmin):
    """What the workflow's admin asks of content: where readers see it, what changed in the
    data it relied on (naming the figures), and the public templates for its preview."""

    def public_url(self, obj: Any) -> str:
        if isinstance(obj, AboutAModel):
            return f"{obj.published_subject().get_absolute_url()}#{self.public_anchor}"
        if isinstance(obj, EvaluationScore):
            return f"{obj.model.get_absolute_url()}#{self.public_anchor}"
        return str(obj.get_absolute_url())

    public_anchor = "profile"

    def evidence_changes(self, obj: Any) -> list[str]:
        found: list[str] = []
        approval = obj.published_approval()
        if isinstance(obj, AboutAModel) and approval is not None and approval.evidence:
            found += evidence_changes(approval.evidence, collect(obj.published_subject()))
        return found + list(obj.rereview_reasons())

    def evidence_rows(self, obj: Any, pinned: dict[str, Any] | None) -> list[tuple[str, str, str]]:
        if isinstance(obj, AboutAModel):
            return evidence_rows(pinned, collect(obj.model))
        return []


class ClaimsCheckedAdmin(EditorialAdmin):
    """Shows the reviewer, on the change form, every claim of the working copy the data
    contradicts (tokonomix/editorial/claims.py), before anyone approves it."""

    readonly_fields = ["claims_report"]

    @admin.display(description=_("Claims checked against the data"))
    def claims_report(self, obj: Any) -> str:
        if obj.pk is None:
            return "—"
        found = obj.claims_check()
        if not found:
            return str(_("No claim of this text contradicts the data."))
        return format_html(
            '<ul class="errorlist">{}</ul>',
            format_html_join("", "<li>{}</li>", ((str(claim),) for claim in found)),
        )


class ProfileSectionInline(admin.StackedInline):
    model = ProfileSection
    extra = 0
    fields = ["order", "title", "body"]
    classes = ["collapse"]  # one section open at a time keeps the form short

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["help_texts"] = {"body": markdown_help("section")}
        kwargs["widgets"] = {"body": forms.Textarea(attrs={"rows": 8, "cols": 80})}
        return super().get_formset(request, obj, **kwargs)


class ProfilePointInline(admin.TabularInline):
    model = ProfilePoint
    extra = 0
    fields = ["kind", "order", "text"]
    classes = ["collapse"]


class FAQInline(admin.StackedInline):
    model = FAQ
    extra = 0
    fields = ["order", "question", "answer"]
    classes = ["collapse"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["help_texts"] = {
            "answer": markdown_help(
                "answer", "Headings start one level under the FAQ heading (h3)."
            )
        }
        kwargs["widgets"] = {"answer": forms.Textarea(attrs={"rows": 4, "cols": 80})}
        return super().get_formset(request, obj, **kwargs)


class IllustrationInline(admin.TabularInline):
    model = Illustration
    extra = 0
    classes = ["collapse"]
    fields = ["order", "image", "alt_text", "caption", "after_section"]
    # Raster only, decoded and re-encoded before it is stored (tokonomix/core/uploads.py).
    formfield_overrides = {models.FileField: {"form_class": RasterImageField}}


@admin.register(ModelProfile)
class ModelProfileAdmin(ClaimsCheckedAdmin):
    list_display = ["model", "workflow_state", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["model"]
    search_fields = ["model__name", "model__slug"]
    autocomplete_fields = ["model"]
    filter_horizontal = ["authors"]
    fields = [
        "model",
        "authors",
        "workflow_status",
        "published_at",
        "publish_at",
        "review_summary",
        "claims_report",
    ]
    inlines = [ProfileSectionInline, ProfilePointInline, FAQInline, IllustrationInline]

    def preview(self, request: HttpRequest, obj: Any, revision: Revision) -> Any:
        data = data_render(revision.data)
        sections = [
            {"id": f"article-{number}", "title": section["title"], "body": section["body"]}
            for number, section in enumerate(data["sections"], start=1)
        ]
        return (
            [
                "editorial/profile_article.html",
                "editorial/strengths.html",
                "editorial/faq.html",
            ],
            {"model": obj.model, "profile_data": data, "profile_sections": sections},
        )


class UseCaseEntryInline(admin.TabularInline):
    model = UseCaseEntry
    extra = 0
    fields = ["rank", "model", "note"]
    autocomplete_fields = ["model"]


@admin.register(UseCase)
class UseCaseAdmin(ClaimsCheckedAdmin):
    list_display = ["title", "slug", "workflow_state", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "intro",
        "workflow_status",
        "published_at",
        "publish_at",
        "review_summary",
        "claims_report",
    ]
    inlines = [UseCaseEntryInline]

    def preview(self, request: HttpRequest, obj: Any, revision: Revision) -> Any:
        # The use case page's own text (its ranking table is the data's, not the review's).
        return ["editorial/usecase_preview.html"], {"usecase_data": data_render(revision.data)}


@admin.register(Verdict)
class VerdictAdmin(ClaimsCheckedAdmin):
    list_display = ["headline", "model", "date", "workflow_state", "auto_drafted"]
    list_filter = ["status", "date"]
    list_select_related = ["model"]
    search_fields = ["headline", "model__name", "model__slug"]
    autocomplete_fields = ["model"]
    fields = [
        "model",
        "date",
        "headline",
        "body",
        "highlights",
        "quality_score",
        "workflow_status",
        "published_at",
        "publish_at",
        "review_summary",
        "claims_report",
    ]

    public_anchor = "verdicts"

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs["help_texts"] = {"body": markdown_help("verdict")}
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(boolean=True, description=_("by a sync"))
    def auto_drafted(self, obj: Verdict) -> bool:
        return bool(obj.auto_draft_key)

    def preview(self, request: HttpRequest, obj: Any, revision: Revision) -> Any:
        item = PublishedVerdict(
            verdict=obj,
            data=data_render(revision.data),
            approval=Approval.objects.filter(revision=revision).first(),
            stale_since=None,
        )
        return ["editorial/verdicts.html"], {"model": obj.model, "verdicts": [item]}


@admin.register(EvaluationScore)
class EvaluationScoreAdmin(EditorialAdmin):
    list_display = [
        "model",
        "suite",
        "metric",
        "language",
        "value",
        "unit",
        "date",
        "workflow_state",
    ]
    list_filter = ["status", "suite"]
    list_select_related = ["model"]
    search_fields = ["suite", "metric", "model__name", "model__slug"]
    autocomplete_fields = ["model"]
    fields = [
        "model",
        "suite",
        "metric",
        "value",
        "unit",
        "language",
        "date",
        "source_url",
        "notes",
        "workflow_status",
        "published_at",
        "publish_at",
        "review_summary",
    ]

    public_anchor = "scores"

    def preview(self, request: HttpRequest, obj: Any, revision: Revision) -> Any:
        data = revision.data
        row = ScoreRow(
            suite=data["suite"],
            metric=data["metric"],
            language=data["language"],
            unit=data["unit"],
            value=data["value"],
            date=dt.date.fromisoformat(data["date"]),
            source_url=data["source_url"],
            peers=[],
        )
        return ["editorial/score_snapshot.html"], {"model": obj.model, "score_rows": [row]}
