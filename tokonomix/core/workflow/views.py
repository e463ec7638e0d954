from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from .models import Status
from .tasks import reviewable_models


@staff_member_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Everything waiting for a reviewer, and published content whose evidence drifted."""
    waiting = []
    stale = []
    for model in reviewable_models():
        meta = model._meta
        for item in model.objects.filter(status__in=[Status.IN_REVIEW, Status.APPROVED]):
            # Claims the data contradicts, for the reviewer to see before approving.
            waiting.append((meta.verbose_name, item, _change_url(item), item.claims_check()))
        for item in model.objects.published():
            since = item.needs_rereview_since()
            if since is not None:
                reasons = item.rereview_reasons()
                stale.append((meta.verbose_name, item, _change_url(item), since, reasons))
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


def _change_url(item: object) -> str:
    meta = item._meta  # type: ignore[attr-defined]
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])  # type: ignore[attr-defined]
