from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .dashboard import change_url, my_work
from .models import Status
from .reviewable import Reviewable
from .tasks import reviewable_models


@staff_member_required
def my_work_view(request: HttpRequest) -> HttpResponse:
    """The signed-in person's work in the workflow (dashboard.py)."""

    def changes(item: Reviewable) -> list[str]:
        model_admin = admin.site.get_model_admin(type(item))
        found: list[str] = model_admin.evidence_changes(item)  # type: ignore[attr-defined]
        return found

    return TemplateResponse(
        request,
        "admin/workflow/my_work.html",
        {
            **admin.site.each_context(request),
            "title": _("My work"),
            "work": my_work(request.user, changes=changes),
        },
    )


@staff_member_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Everything waiting for a reviewer, and published content whose evidence drifted."""
    waiting = []
    stale = []
    for model in reviewable_models():
        meta = model._meta
        for item in model.objects.filter(status__in=[Status.IN_REVIEW, Status.APPROVED]):
            # Claims the data contradicts, for the reviewer to see before approving.
            waiting.append((meta.verbose_name, item, change_url(item), item.claims_check()))
        for item in model.objects.published():
            since = item.needs_rereview_since()
            if since is not None:
                reasons = item.rereview_reasons()
                stale.append((meta.verbose_name, item, change_url(item), since, reasons))
    return TemplateResponse(
        request,
        "admin/workflow/review_queue.html",
        {
            **admin.site.each_context(request),
            "title": "Review queue",
            "waiting": waiting,
            "stale": stale,
        },
    )
