"""Pages that join every app. Each app renders its own sections from its own selectors."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from models_catalog import selectors as catalogue
from models_catalog.models import Model


def home(request: HttpRequest) -> HttpResponse:
    return redirect("models_catalog:model_list")


def model_profile(request: HttpRequest, slug: str) -> HttpResponse:
    staff_preview = request.user.is_staff
    try:
        model = catalogue.model_header(slug=slug, published_only=not staff_preview)
    except Model.DoesNotExist:
        raise Http404("No such model") from None
    return render(request, "site/model_profile.html", {"model": model})
