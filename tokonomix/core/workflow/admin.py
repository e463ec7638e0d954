"""Admin for reviewed content: workflow actions, locking, revisions, diffs, audit trail."""

from __future__ import annotations

import difflib
import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, Revision, Status
from .reviewable import Reviewable
from .roles import acting_as


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 4}), required=True
    )


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at (UTC), empty for now"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


def _messages_for(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or str(_("Not allowed."))


class ReviewableAdmin(admin.ModelAdmin):
    """Edits record revisions; transitions go through the model's guarded methods."""

    actions = [
        "submit_selected",
        "approve_selected",
        "request_changes_selected",
        "publish_selected",
        "withdraw_selected",
        "archive_selected",
    ]
    workflow_readonly = [
        "status",
        "published_at",
        "publish_at",
        "review_summary",
    ]

    # --- editing --------------------------------------------------------------------

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*super().get_readonly_fields(request, obj), *self.workflow_readonly]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Content in review is locked: staff see it read-only until changes are requested.
        if obj is not None and obj.status not in Reviewable.EDITABLE:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Reviewed content is archived, never deleted: its audit trail must stay whole.
        return False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.record_revision(by=request.user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.ensure_editable()
        super().save_model(request, obj, form, change)

    @admin.display(description=_("Review"))
    def review_summary(self, obj: Reviewable) -> str:
        if obj.pk is None:
            return "—"
        approval = obj.published_approval()
        trail = reverse(
            f"admin:{obj._meta.app_label}_{obj._meta.model_name}_revisions", args=[obj.pk]
        )
        if approval is None:
            return format_html('<a href="{}">{}</a>', trail, _("Revisions and audit trail"))
        return format_html(
            '{} {} · <a href="{}">{}</a>',
            _("Published revision reviewed by"),
            f"{approval.reviewer_name}, {approval.approved_at:%Y-%m-%d}",
            trail,
            _("Revisions and audit trail"),
        )

    # --- actions ----------------------------------------------------------------------

    def _run(self, request: HttpRequest, queryset: QuerySet[Any], verb: str, **kwargs: Any) -> None:
        done = 0
        for item in queryset:
            try:
                getattr(item, verb)(by=request.user, **kwargs)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{item}: {_messages_for(error)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("%(count)d item(s) updated.") % {"count": done})

    @admin.action(description=_("Submit for review"))
    def submit_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._run(request, queryset, "submit")

    @admin.action(description=_("Approve"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._run(request, queryset, "approve")

    @admin.action(description=_("Publish (or schedule)"))
    def publish_selected(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse | None:
        if "apply" not in request.POST:
            return self._intermediate(request, queryset, ScheduleForm(), "publish_selected")
        form = ScheduleForm(request.POST)
        if not form.is_valid():
            return self._intermediate(request, queryset, form, "publish_selected")
        self._run(request, queryset, "publish", at=form.cleaned_data["publish_at"])
        return None

    @admin.action(description=_("Request changes (with a comment)"))
    def request_changes_selected(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> HttpResponse | None:
        if "apply" not in request.POST:
            return self._intermediate(request, queryset, CommentForm(), "request_changes_selected")
        form = CommentForm(request.POST)
        if not form.is_valid():
            return self._intermediate(request, queryset, form, "request_changes_selected")
        self._run(request, queryset, "request_changes", comment=form.cleaned_data["comment"])
        return None

    @admin.action(description=_("Withdraw from review"))
    def withdraw_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._run(request, queryset, "withdraw")

    @admin.action(description=_("Archive (take off the site)"))
    def archive_selected(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._run(request, queryset, "archive")

    def _intermediate(
        self, request: HttpRequest, queryset: QuerySet[Any], form: forms.Form, action: str
    ) -> HttpResponse:
        return render(
            request,
            "admin/workflow/action_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": getattr(getattr(self, action), "short_description", action),
                "items": queryset,
                "form": form,
                "action": action,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    # --- revisions ------------------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:object_id>/revisions/",
                self.admin_site.admin_view(self.revisions_view),
                name=f"{info[0]}_{info[1]}_revisions",
            ),
            *super().get_urls(),
        ]

    def revisions_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        revisions = list(obj.revisions().select_related("created_by").order_by("-number"))
        by_number = {r.number: r for r in revisions}
        if request.method == "POST" and "restore" in request.POST:
            revision = by_number.get(int(request.POST["restore"]))
            if revision is None:
                messages.error(request, _("No such revision."))
            elif not super().has_change_permission(request, obj):
                raise PermissionDenied
            else:
                try:
                    with transaction.atomic():
                        obj.restore_revision(revision=revision, by=request.user)
                except (PermissionDenied, ValidationError) as error:
                    messages.error(request, _messages_for(error))
                else:
                    messages.success(
                        request,
                        _("Revision %(n)s restored as a new edit; it needs review again.")
                        % {"n": revision.number},
                    )
            return HttpResponseRedirect(request.path)
        diff: list[tuple[str, str]] = []
        older, newer = request.GET.get("a"), request.GET.get("b")
        if older and newer and older.isdigit() and newer.isdigit():
            a, b = by_number.get(int(older)), by_number.get(int(newer))
            if a is not None and b is not None:
                diff = revision_diff(a, b)
        return TemplateResponse(
            request,
            "admin/workflow/revisions.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                "title": _("Revisions of %(item)s") % {"item": obj},
                "revisions": revisions,
                "audit": obj.audit_trail(),
                "diff": diff,
                "selected": (older, newer),
                "status": Status,
            },
        )


def revision_diff(older: Revision, newer: Revision) -> list[tuple[str, str]]:
    """The unified diff of two revisions as (kind, line) pairs; the template escapes them."""
    left = json.dumps(older.data, indent=2, ensure_ascii=False, sort_keys=True).splitlines()
    right = json.dumps(newer.data, indent=2, ensure_ascii=False, sort_keys=True).splitlines()
    lines = difflib.unified_diff(
        left, right, f"revision {older.number}", f"revision {newer.number}", lineterm="", n=2
    )
    kinds = {"+": "added", "-": "removed", "@": "hunk"}
    return [(kinds.get(line[:1], "same"), line) for line in lines]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail: readable by staff, changeable by nobody."""

    list_display = [
        "at",
        "content_type",
        "object_id",
        "action",
        "from_status",
        "to_status",
        "by_username",
    ]
    list_filter = ["action", "content_type"]
    list_select_related = ["content_type"]
    search_fields = ["comment", "by_username"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AuditedUserAdmin(UserAdmin):  # type: ignore[type-arg]
    """Django's user admin; group changes made here are recorded as made by the signed-in
    superuser (tokonomix/core/workflow/roles.py writes the entry)."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with acting_as(request.user):
            super().save_related(request, form, formsets, change)
