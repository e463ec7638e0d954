from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .forms import ModelFilterForm


def model_list(request: HttpRequest) -> HttpResponse:
    form = ModelFilterForm(request.GET or None)
    filters: dict = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "search": data["q"],
            "provider_id": data["provider"].pk if data["provider"] else None,
            "tier_id": data["tier"].pk if data["tier"] else None,
            "capabilities": data["capability"],
            "order_by": form.order_by(),
        }
    models = selectors.model_list(**filters)
    page = Paginator(models, settings.CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "models_catalog/model_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=status,
    )
