"""Pages that join every app. Each app renders its own sections from its own selectors."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from benchmarks.sections import opinion_context, speed_context
from models_catalog import selectors as catalogue
from models_catalog.models import Model
from models_catalog.sections import profile_context
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
    context.update(profile_context(model=model, preview=staff_preview))
    context.update(pricing_context(model=model, query=request.GET))
    context.update(speed_context(model=model))
    context.update(opinion_context(model=model))
    return render(request, "site/model_profile.html", context)
