"""Pages that join every app. Each app renders its own sections from its own selectors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from benchmarks.models import SPEED_SOURCES
from benchmarks.speed import selectors as speed_selectors
from benchmarks.speed.forms import speed_view
from benchmarks.speed.regions import ALL_REGIONS, configured_regions, prober_region
from benchmarks.speed.regions import region as region_of
from benchmarks.speed.sections import board_chart_context, speed_context
from benchmarks.speed.selectors import CHART_DAYS, PRELIMINARY_BELOW
from benchmarks.speed.stats import INTERVAL_METHOD, PERCENTILE_METHOD
from benchmarks.speed.workloads import DEFAULT_WORKLOAD, WORKLOADS
from models_catalog import selectors as catalogue
from models_catalog.models import Model, Provider
from models_catalog.sections import catalogue_context
from pricing.sections import pricing_context
from pricing.services import HOLD_FACTOR, MAX_DROP_SHARE, MAX_INVALID_SHARE
from tokonomix.core import flags
from tokonomix.core.downloads import csv_download
from tokonomix.core.pagecache import cache_page_for_readers
from tokonomix.editorial import evidence
from tokonomix.editorial.models import UseCase
from tokonomix.editorial.sections import last_review, opinion_context, profile_context
from tokonomix.editorial.selectors import profile_prefetch, score_board

from . import selectors
from .charts import price_speed_chart
from .compare import compare_charts, compare_rows
from .forms import MAX_COMPARED, MIN_COMPARED, CompareForm, LeaderboardForm, SearchForm

LEADERBOARD_PAGE_SIZE = 50


def _leaderboard(request: HttpRequest) -> tuple[LeaderboardForm, QuerySet[Model]]:
    """The form and the models its valid fields select; invalid fields are ignored, and
    shown."""
    form = LeaderboardForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    models = selectors.leaderboard_models(as_of=timezone.localdate(), **form.filters())
    return form, models


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


@cache_page_for_readers
def home(request: HttpRequest) -> HttpResponse:
    form, models = _leaderboard(request)
    # Every model the filters select, in the leaderboard's order: the scatter plots them
    # all, and the table counts and pages them, reading its page's models alone.
    selected = selectors.price_speed_rows(models, as_of=timezone.localdate())
    page = Paginator(selected, LEADERBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.leaderboard_page(models, [row.pk for row in page.object_list])
    scatter = price_speed_chart(selected)
    query = _query_without(request, "page")
    sort = form.filters()["sort"]
    # Sorted by a speed figure: which rows cannot be told apart from the one above.
    speed_column = {"latency": "p50_latency_ms_30d", "tps": "median_decode_tps_30d"}.get(sort)
    speed_ties = (
        {
            row.model.pk
            for row, tie in zip(
                rows,
                speed_selectors.ties_with_previous([r.speed for r in rows], speed_column),
                strict=True,
            )
            if tie
        }
        if speed_column
        else set()
    )
    return render(
        request,
        "site/home.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "row_count": page.paginator.count,
            "query": query,
            "sort_query": _query_without(request, "page", "sort"),
            "current_sort": sort,
            "speed_ties": speed_ties,
            "scatter": scatter.figure,
            "scatter_table": scatter.table,
            "scatter_left_out": scatter.left_out,
            "typical_input_tokens": settings.TYPICAL_INPUT_TOKENS,
            "typical_output_tokens": settings.TYPICAL_OUTPUT_TOKENS,
            "as_of": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


LEADERBOARD_FIELDS = [
    "slug",
    "name",
    "provider",
    "tier",
    "offered_in_eu",
    "price_offering",
    "price_effective_from",
    "input_per_million_usd",
    "output_per_million_usd",
    "typical_conversation_usd",
    "speed_window_end",
    "speed_last_measured_at",
    "speed_simulated",
    "p50_latency_ms_30d",
    "p50_latency_ms_30d_low",
    "p50_latency_ms_30d_high",
    "speed_samples_30d",
    "median_decode_tokens_per_second_30d",
    "availability_30d",
    "flags",
]


def _leaderboard_record(row: selectors.LeaderboardRow) -> dict[str, Any]:
    def text(value: Any) -> str | None:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return None if value is None else str(value)

    latency = row.speed.estimate("p50_latency_ms_30d") if row.speed else None

    return {
        "slug": row.model.slug,
        "name": row.model.name,
        "provider": row.model.provider.name,
        "tier": row.model.tier.label if row.model.tier else None,
        "offered_in_eu": row.offered_in_eu,
        "price_offering": row.price.source_key if row.price else None,
        "price_effective_from": text(row.price_date),
        "input_per_million_usd": text(row.input_price),
        "output_per_million_usd": text(row.output_price),
        "typical_conversation_usd": text(row.typical_cost),
        "speed_window_end": text(row.speed_window_end),
        "speed_last_measured_at": row.speed_last_measured.isoformat()
        if row.speed_last_measured
        else None,
        "speed_simulated": row.speed_simulated if row.speed else None,
        "p50_latency_ms_30d": row.p50_latency_ms,
        # Its 95% bootstrap interval and the successful requests behind it.
        "p50_latency_ms_30d_low": latency.low if latency else None,
        "p50_latency_ms_30d_high": latency.high if latency else None,
        "speed_samples_30d": latency.n if latency else None,
        "median_decode_tokens_per_second_30d": row.tokens_per_second,
        "availability_30d": row.availability,
        "flags": flags.names(row.badges),
    }


def _download_rows(request: HttpRequest) -> list[selectors.LeaderboardRow] | JsonResponse:
    """Every row the filters select, or a 400 that names the filters it could not use."""
    form, models = _leaderboard(request)
    if form.errors:
        errors = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    return [selectors.LeaderboardRow.of(model) for model in models]


def leaderboard_csv(request: HttpRequest) -> HttpResponse:
    rows = _download_rows(request)
    if isinstance(rows, JsonResponse):
        return rows
    records = (_leaderboard_record(row) for row in rows)
    return csv_download(
        header=LEADERBOARD_FIELDS,
        # One cell for the flags: their names, space-separated.
        rows=(
            [
                " ".join(record[name]) if name == "flags" else record[name]
                for name in LEADERBOARD_FIELDS
            ]
            for record in records
        ),
        filename="tokonomix-leaderboard.csv",
    )


def leaderboard_json(request: HttpRequest) -> HttpResponse:
    rows = _download_rows(request)
    if isinstance(rows, JsonResponse):
        return rows
    return JsonResponse(
        {
            "as_of": timezone.localdate().isoformat(),
            "typical_conversation": {
                "input_tokens": settings.TYPICAL_INPUT_TOKENS,
                "output_tokens": settings.TYPICAL_OUTPUT_TOKENS,
            },
            "speed_figures": "last 30 days to speed_window_end, every prober region, the "
            "standard workload; _low and _high: the 95% bootstrap interval",
            "flags": "preliminary, simulated: the speed figures; deprecated, retired, disputed: "
            "the model (tokonomix.core.flags)",
            "models": [_leaderboard_record(row) for row in rows],
        }
    )


@cache_page_for_readers
def model_profile(request: HttpRequest, slug: str) -> HttpResponse:
    staff_preview = request.user.is_staff
    try:
        # Staff preview the working copy of the profile linked to the model now; readers get
        # the published profile about it (profile_context reads that).
        model = catalogue.model_header(
            slug=slug,
            published_only=not staff_preview,
            also=[profile_prefetch()] if staff_preview else [],
        )
    except Model.DoesNotExist:
        raise Http404("No such model") from None
    context: dict[str, Any] = {"model": model}
    context.update(catalogue_context(model=model, today=timezone.localdate()))
    context.update(pricing_context(model=model, query=request.GET))
    context.update(speed_context(model=model, query=request.GET, pricing=context["pricing"]))
    # The profile's and the verdicts' "needs re-review" dates compare what was approved
    # with the prices and speed the sections above already read.
    current = evidence.of_page(model, pricing=context["pricing"], speed=context["speed"])
    context.update(profile_context(model=model, preview=staff_preview, current=current))
    context.update(opinion_context(model=model, current=current))
    context["last_review"] = last_review(context)
    context["not_yet"] = _not_yet(context)
    return render(request, "site/model_profile.html", context)


def _not_yet(context: dict[str, Any]) -> list[str]:
    """What the model page has no data for yet, named once instead of an empty box each."""
    missing = []
    if not context["speed"].has_data:
        missing.append(_("speed and availability (no measurements yet)"))
    if not context.get("profile_data"):
        missing.append(
            _("our review, FAQ and article (our editors have not reviewed this model yet)")
        )
    elif not context.get("profile_sections"):
        missing.append(_("our article (no profile published yet)"))
    if not context["verdicts"]:
        missing.append(_("a verdict (no verdict published yet)"))
    if not context["score_rows"]:
        missing.append(_("published evaluation scores"))
    return missing


def compare(request: HttpRequest) -> HttpResponse:
    form = CompareForm(request.GET or None)
    slugs: list[str] = form.cleaned_data["models"] if form.is_bound and form.is_valid() else []
    added = request.GET.get("add", "").strip().lower()
    if form.is_bound and not form.errors and added:
        # The add form keeps the URL canonical, so what the reader sees is what they share.
        if added not in slugs and len(slugs) < MAX_COMPARED:
            slugs.append(added)
        return redirect(f"{reverse('site:compare')}?{urlencode({'models': ','.join(slugs)})}")
    today = timezone.localdate()
    columns = selectors.compare(slugs=slugs, as_of=today) if slugs else []
    found = {column.model.slug for column in columns}
    unknown = [slug for slug in slugs if slug not in found]
    messages: list[str] = []
    if unknown:
        messages.append(
            "No published model is called " + ", ".join(f"“{slug}”" for slug in unknown) + "."
        )
    if form.is_bound and not form.errors and len(columns) < MIN_COMPARED:
        messages.append(f"Pick at least {MIN_COMPARED} models to compare (up to {MAX_COMPARED}).")
    removal_links = [
        {
            "model": column.model,
            "url": reverse("site:compare")
            + "?"
            + urlencode({"models": ",".join(c.model.slug for c in columns if c is not column)}),
        }
        for column in columns
    ]
    choices = Model.objects.published().exclude(slug__in=found).order_by("name")
    # Picking one model is a step in building a comparison, not an error; bad slugs are.
    bad = bool(form.errors or unknown)
    shown = columns if len(columns) >= MIN_COMPARED else []
    return render(
        request,
        "site/compare.html",
        {
            "form": form,
            "columns": shown,
            "rows": compare_rows(columns),
            **(compare_charts(shown, today=today) if shown else {}),
            "picked": columns,
            "removal_links": removal_links,
            "choices": choices if len(columns) < MAX_COMPARED else [],
            "current": ",".join(c.model.slug for c in columns),
            "compare_messages": messages,
            "max_compared": MAX_COMPARED,
            "as_of": today,
        },
        status=400 if bad else 200,
    )


def provider_list(request: HttpRequest) -> HttpResponse:
    return render(request, "site/provider_list.html", {"providers": selectors.provider_list()})


def provider_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        provider, rows = selectors.provider_page(slug=slug, as_of=timezone.localdate())
    except Provider.DoesNotExist:
        raise Http404("No such provider") from None
    return render(request, "site/provider_detail.html", {"provider": provider, "rows": rows})


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"].strip() if form.is_bound and form.is_valid() else ""
    results = selectors.search(text=text) if text else None
    return render(
        request,
        "site/search.html",
        {"form": form, "q": text, "results": results},
        status=400 if form.errors else 200,
    )


SPEED_SORTS = {
    "latency": "P50 latency",
    "ttft": "P50 time to first token",
    "tps": "Tokens per second",
    "availability": "Availability",
}


def speed_board(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "latency")
    status = 200
    if sort not in SPEED_SORTS:
        sort, status = "latency", 400
    region, workload, refused = speed_view(request.GET)
    if refused:
        status = 400
    rows = speed_selectors.speed_board(region=region, workload=workload, sort=sort)
    # The model pages' own view of the same figures (none for the default view).
    profile_query = (
        ""
        if (region, workload) == (ALL_REGIONS, DEFAULT_WORKLOAD)
        else urlencode({"region": region, "workload": workload})
    )
    return render(
        request,
        "site/speed_board.html",
        {
            "rows": rows,
            **board_chart_context(rows=rows, profile_query=profile_query),
            "sort": sort,
            "sorts": SPEED_SORTS,
            "bad_sort": status == 400,
            "preliminary_below": PRELIMINARY_BELOW,
            "estimate_column": speed_selectors.BOARD_SORTS[sort][0],
            "region": region_of(region),
            "workload": WORKLOADS[workload],
            "region_choices": [region_of(ALL_REGIONS), *configured_regions()],
            "workload_choices": list(WORKLOADS.values()),
            "view_query": urlencode({"region": region, "workload": workload}),
            "profile_query": profile_query,
        },
        status=status,
    )


def intelligence_board(request: HttpRequest) -> HttpResponse:
    """Published evaluation scores by suite: what makers and labs report, with the source,
    the date and the reviewer who checked it against the source."""
    return render(request, "site/intelligence_board.html", {"boards": score_board()})


def _cron_text(schedule: Any) -> str:
    """A crontab as its five fields (minute hour day-of-month month day-of-week), UTC."""
    fields = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
    return " ".join(str(getattr(schedule, f"_orig_{name}", "?")) for name in fields)


def methodology(request: HttpRequest) -> HttpResponse:
    beat = settings.CELERY_BEAT_SCHEDULE
    return render(
        request,
        "site/methodology.html",
        {
            "percentile_method": PERCENTILE_METHOD,
            "preliminary_below": PRELIMINARY_BELOW,
            "speed_sources": ", ".join(str(s) for s in SPEED_SOURCES),
            "chart_days": CHART_DAYS,
            "speedtest_timeout": settings.SPEEDTEST_TIMEOUT,
            "speedtest_stall_timeout": settings.SPEEDTEST_STALL_TIMEOUT,
            "speedtest_runs_per_day": settings.SPEEDTEST_RUNS_PER_DAY,
            "speedtest_regions": configured_regions(),
            "speedtest_prober_region": region_of(prober_region()),
            "speedtest_budgets": bool(settings.SPEEDTEST_MONTHLY_BUDGETS_USD),
            "workloads": list(WORKLOADS.values()),
            "interval_method": INTERVAL_METHOD,
            "price_sync_cron": _cron_text(beat["sync-prices"]["schedule"]),
            "typical_input_tokens": settings.TYPICAL_INPUT_TOKENS,
            "typical_output_tokens": settings.TYPICAL_OUTPUT_TOKENS,
            "hold_factor": HOLD_FACTOR,
            "max_drop_percent": int(MAX_DROP_SHARE * 100),
            "max_invalid_percent": int(MAX_INVALID_SHARE * 100),
            "price_sources": ", ".join(settings.PRICE_SYNC_SOURCES),
            "tiers": catalogue.tier_list(),
        },
    )


def usecase_list(request: HttpRequest) -> HttpResponse:
    return render(request, "site/usecase_list.html", {"use_cases": selectors.use_case_list()})


def usecase_detail(request: HttpRequest, slug: str) -> HttpResponse:
    show_all = request.GET.get("deprecated") == "1"
    try:
        use_case, ranking = selectors.use_case_page(
            slug=slug, as_of=timezone.localdate(), include_out_of_service=show_all
        )
    except UseCase.DoesNotExist:
        raise Http404("No such use case") from None
    stale_since = use_case.use_case.needs_rereview_since()
    reasons = use_case.use_case.rereview_reasons() if stale_since else []
    return render(
        request,
        "site/usecase_detail.html",
        {
            "item": use_case,
            "entries": ranking.rows,
            "hidden": ranking.hidden,
            "show_all": show_all,
            "stale_badges": flags.stale_badges(stale_since, reasons),
            "stale_since": stale_since,
            "stale_reasons": reasons,
        },
    )


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/v1/docs",
        "Allow: /",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
