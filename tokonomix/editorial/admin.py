"""Where editors write and reviewers sign off: every reviewed type, on the workflow's admin."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from tokonomix.core.uploads import RasterImageField
from tokonomix.core.workflow.admin import ReviewableAdmin

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


class ClaimsCheckedAdmin(ReviewableAdmin):
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


class ProfilePointInline(admin.TabularInline):
    model = ProfilePoint
    extra = 0
    fields = ["kind", "order", "text"]


class FAQInline(admin.StackedInline):
    model = FAQ
    extra = 0
    fields = ["order", "question", "answer"]


class IllustrationInline(admin.TabularInline):
    model = Illustration
    extra = 0
    fields = ["order", "image", "alt_text", "caption", "after_section"]
    # Raster only, decoded and re-encoded before it is stored (tokonomix/core/uploads.py).
    formfield_overrides = {models.FileField: {"form_class": RasterImageField}}


@admin.register(ModelProfile)
class ModelProfileAdmin(ClaimsCheckedAdmin):
    list_display = ["model", "status", "published_at", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["model"]
    search_fields = ["model__name", "model__slug"]
    autocomplete_fields = ["model"]
    filter_horizontal = ["authors"]
    fields = [
        "model",
        "authors",
        "status",
        "published_at",
        "publish_at",
        "review_summary",
        "claims_report",
    ]
    inlines = [ProfileSectionInline, ProfilePointInline, FAQInline, IllustrationInline]


class UseCaseEntryInline(admin.TabularInline):
    model = UseCaseEntry
    extra = 0
    fields = ["rank", "model", "note"]
    autocomplete_fields = ["model"]


@admin.register(UseCase)
class UseCaseAdmin(ClaimsCheckedAdmin):
    list_display = ["title", "slug", "status", "published_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    fields = [
        "title",
        "slug",
        "intro",
        "status",
        "published_at",
        "publish_at",
        "review_summary",
        "claims_report",
    ]
    inlines = [UseCaseEntryInline]


@admin.register(Verdict)
class VerdictAdmin(ClaimsCheckedAdmin):
    list_display = ["headline", "model", "date", "status", "published_at", "auto_drafted"]
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
        "status",
        "published_at",
        "publish_at",
        "review_summary",
        "claims_report",
    ]

    @admin.display(boolean=True, description=_("opened by a sync"))
    def auto_drafted(self, obj: Verdict) -> bool:
        return bool(obj.auto_draft_key)


@admin.register(EvaluationScore)
class EvaluationScoreAdmin(ReviewableAdmin):
    list_display = ["model", "suite", "metric", "language", "value", "unit", "date", "status"]
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
        "status",
        "published_at",
        "publish_at",
        "review_summary",
    ]
