import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def price_changes(request: HttpRequest) -> HttpResponse:
    since_text = request.GET.get("since", "")
    error = ""
    since = None
    if since_text:
        try:
            since = dt.date.fromisoformat(since_text)
        except ValueError:
            error = "Use a date like 2026-01-31."
    changes = selectors.price_changes(since=since, limit=200)
    return render(
        request,
        "pricing/price_changes.html",
        {
            "changes": changes,
            "first_listed": selectors.first_listings(since=since, limit=50),
            "since": since_text,
            "error": error,
            "last_sync": selectors.last_sync(),
        },
        status=400 if error else 200,
    )
