"""Pages that join every app. Each app renders its own sections from its own selectors."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from models_catalog import selectors as catalogue
from models_catalog.models import Model
from pricing.sections import pricing_context


def home(request: HttpRequest) -> HttpResponse:
    return redirect("models_catalog:model_list")


def model_profile(request: HttpRequest, slug: str) -> HttpResponse:
    staff_preview = request.user.is_staff
    try:
        model = catalogue.model_header(slug=slug, published_only=not staff_preview)
    except Model.DoesNotExist:
        raise Http404("No such model") from None
    context = {"model": model}
    context.update(pricing_context(model=model, query=request.GET))
    return render(request, "site/model_profile.html", context)
