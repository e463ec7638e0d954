"""Admin for reviewed content: workflow actions, locking, revisions, diffs, audit trail."""

from __future__ import annotations

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
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .diffs import revisions_compare
from .models import Approval, AuditEntry, Status
from .reviewable import Reviewable
from .roles import acting_as
from .steps import STEPS, live_state, standing, status_label, steps_for


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
        "workflow_status",
        "published_at",
        "publish_at",
        "review_summary",
    ]

    change_form_template = "admin/workflow/change_form.html"

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

    @admin.display(description=_("Status"))
    def workflow_status(self, obj: Reviewable) -> str:
        if obj.pk is None:
            return str(_("New: not saved yet"))
        return f"{status_label(obj)}. {live_state(obj)}"

    @admin.display(description=_("Readers see"), ordering="status")
    def workflow_state(self, obj: Reviewable) -> str:
        """Short, for the list: the live revision, and the working copy if it differs."""
        current = obj.current_revision.number if obj.current_revision else "—"
        status = obj.get_status_display().lower()
        if obj.published_revision is None:
            return str(_("nothing yet (r%(n)s %(status)s)") % {"n": current, "status": status})
        live = obj.published_revision.number
        if obj.current_revision_id == obj.published_revision_id:
            return str(_("r%(n)s, published") % {"n": live})
        return str(
            _("r%(live)s; r%(n)s %(status)s") % {"live": live, "n": current, "status": status}
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super().get_queryset(request).select_related("current_revision", "published_revision")
        )

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
                # The model's messages name the item themselves.
                self.message_user(request, _messages_for(error), messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d item was updated.", "%(count)d items were updated.", done)
                % {"count": done},
            )

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
            # No confirmation for a publish that will be refused: say why, and stop there.
            allowed = [
                item.pk
                for item in queryset
                if any(step.name == "publish" for step in steps_for(item, request.user))
            ]
            for item in queryset:
                if item.pk not in allowed:
                    self._refusal(request, item, "publish")
            if not allowed:
                return None
            queryset = queryset.filter(pk__in=allowed)
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

    def _refusal(self, request: HttpRequest, item: Any, verb: str) -> None:
        """The model's own message for a step it would refuse, without attempting it."""
        try:
            with transaction.atomic():
                getattr(item, verb)(by=request.user)
                transaction.set_rollback(True)  # only the refusal was wanted
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, _messages_for(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("%(item)s cannot be published by you now.") % {"item": item.workflow_title()},
                messages.ERROR,
            )

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

    # --- the item's own page: where it stands, and the steps this person may take ------

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None:
            context["workflow"] = self.workflow_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_context(self, request: HttpRequest, obj: Reviewable) -> dict[str, Any]:
        steps = steps_for(obj, request.user)
        return {
            "item": obj,
            "standing": standing(obj),
            "status_label": status_label(obj),
            "plain_steps": [s for s in steps if not s.needs_comment and not s.confirm],
            "confirm_steps": [s for s in steps if s.confirm],
            "comment_step": next((s for s in steps if s.needs_comment), None),
            "step_url": self._url(obj, "step"),
            "revisions_url": self._url(obj, "revisions"),
            "preview_url": self._url(obj, "preview"),
            "public_url": self.public_url(obj) if obj.published_revision_id else "",
            "stale_since": obj.needs_rereview_since() if obj.published_revision_id else None,
            "changes": self.evidence_changes(obj) if obj.published_revision_id else [],
        }

    def public_url(self, obj: Any) -> str:
        """Where readers see the item (content admins say)."""
        return ""

    def evidence_changes(self, obj: Any) -> list[str]:
        """What changed in the data since the published revision's approval, in words."""
        return []

    def _url(self, obj: Any, view: str, *args: Any) -> str:
        meta = obj._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk, *args])

    def response_post_save_add(self, request: HttpRequest, obj: Any) -> HttpResponseRedirect:
        # Back to the item, where its next step is.
        return HttpResponseRedirect(self._url(obj, "change"))

    def response_post_save_change(self, request: HttpRequest, obj: Any) -> HttpResponseRedirect:
        return HttpResponseRedirect(self._url(obj, "change"))

    def step_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """One workflow step from the item's page, through the same guarded model method as
        the list's actions. Publishing and archiving ask for confirmation first, and only
        when this person may take that step now."""
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        change_url = self._url(obj, "change")
        step = STEPS.get(request.POST.get("step") or request.GET.get("step") or "")
        if step is None:
            return HttpResponseRedirect(change_url)
        if step.confirm and not request.POST.get("confirmed"):
            if step not in steps_for(obj, request.user):
                self._refusal(request, obj, step.name)
                return HttpResponseRedirect(change_url)
            form = ScheduleForm() if step.name == "publish" else None
            return self._confirmation(request, obj, step, form)
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        kwargs: dict[str, Any] = {}
        if step.name in {"approve", "request_changes", "withdraw", "archive", "reconfirm"}:
            kwargs["comment"] = request.POST.get("comment", "").strip()
        if step.name == "publish":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                return self._confirmation(request, obj, step, form)
            kwargs["at"] = form.cleaned_data["publish_at"]
        try:
            getattr(obj, step.name)(by=request.user, **kwargs)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, _messages_for(error))
        else:
            done = step.done
            if step.name == "publish" and obj.status != Status.PUBLISHED:
                done = _("You scheduled %(item)s to be published at %(at)s UTC.")
            messages.success(
                request,
                str(capfirst(done % {"item": obj.workflow_name(), "at": kwargs.get("at")})),
            )
        return HttpResponseRedirect(change_url)

    def _confirmation(
        self, request: HttpRequest, obj: Any, step: Any, form: forms.Form | None
    ) -> HttpResponse:
        return TemplateResponse(
            request,
            "admin/workflow/confirm_step.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                "title": capfirst(
                    _("%(step)s %(item)s?")
                    % {"step": str(step.label).rstrip("…"), "item": obj.workflow_name()}
                ),
                "step": step,
                "form": form,
                "standing": standing(obj),
                "change_url": self._url(obj, "change"),
                "step_url": self._url(obj, "step"),
            },
        )

    # --- preview ------------------------------------------------------------------------

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Any revision (?revision=, the working copy by default) as the public page shows
        it, with its live figures as they are now, and the evidence its approval pinned."""
        obj = get_object_or_404(self.model, pk=object_id)
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        revisions = {r.number: r for r in obj.revisions().select_related("created_by")}
        wanted = request.GET.get("revision", "")
        revision = revisions.get(int(wanted)) if wanted.isdigit() else obj.current_revision
        if revision is None:
            messages.error(request, _("That revision does not exist."))
            return HttpResponseRedirect(self._url(obj, "revisions"))
        approval = Approval.objects.filter(revision=revision).first()
        template, context = self.preview(request, obj, revision)
        return TemplateResponse(
            request,
            "admin/workflow/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                "title": capfirst(
                    _("Preview of revision %(n)s of %(item)s")
                    % {"n": revision.number, "item": obj.workflow_name()}
                ),
                "revision": revision,
                "revisions": sorted(revisions.values(), key=lambda r: -r.number),
                "approval": approval,
                "evidence_rows": self.evidence_rows(obj, approval.evidence if approval else None),
                "public_template": template,
                **context,
                "live_state": live_state(obj),
                "change_url": self._url(obj, "change"),
                "revisions_url": self._url(obj, "revisions"),
            },
        )

    def preview(self, request: HttpRequest, obj: Any, revision: Any) -> tuple[str, dict[str, Any]]:
        """The public template that shows this kind of content, and its context for the
        revision (content admins say)."""
        raise NotImplementedError

    def evidence_rows(self, obj: Any, pinned: dict[str, Any] | None) -> list[tuple[str, str, str]]:
        """(figure, as pinned at approval, now) for content whose approval pins evidence."""
        return []

    # --- revisions ------------------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{info[0]}_{info[1]}_preview",
            ),
            path(
                "<int:object_id>/step/",
                self.admin_site.admin_view(self.step_view),
                name=f"{info[0]}_{info[1]}_step",
            ),
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
        # By default: the published revision (else the first) against the working copy.
        default_a = obj.published_revision or (revisions[-1] if revisions else None)
        default_b = obj.current_revision
        older = request.GET.get("a") or (str(default_a.number) if default_a else "")
        newer = request.GET.get("b") or (str(default_b.number) if default_b else "")
        diff: list[Any] = []
        a = by_number.get(int(older)) if older.isdigit() else None
        b = by_number.get(int(newer)) if newer.isdigit() else None
        if a is not None and b is not None and a.number != b.number:
            diff = revisions_compare(a.data, b.data)
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
                "live_state": live_state(obj),
                "status_label": status_label(obj),
                "change_url": self._url(obj, "change"),
                "preview_url": self._url(obj, "preview"),
            },
        )


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
