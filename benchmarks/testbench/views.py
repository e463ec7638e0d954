"""The live testbench pages: the form, a run's shareable page, its status and exports."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tokonomix.core.downloads import csv_download
from tokonomix.core.ratelimit import client_address

from .choices import testbench_choices
from .exports import CSV_COLUMNS, RUN_CSV_COLUMNS, RunView, testbench_run_view
from .forms import TestbenchForm
from .limits import TestbenchRefused
from .runs import testbench_run_abandon_if_stale, testbench_run_create
from .tasks import QueueUnavailable, testbench_dispatch


@require_http_methods(["GET", "POST"])
def testbench(request: HttpRequest) -> HttpResponse:
    """The form; a valid POST starts a run and redirects to its page. Anyone may read the
    page and see what it offers; running needs an account, so a reader who is not signed in
    sees the form with a sign-in prompt in place of its button (and a POST is refused)."""
    choices = testbench_choices()
    signed_in = request.user.is_authenticated
    form = TestbenchForm((request.POST if signed_in else None) or None, choices=choices)
    refused = unavailable = ""
    if request.method == "POST" and not signed_in:
        refused = _(
            "Sign in to run a live test: each run calls real APIs, within an hourly limit "
            "per account."
        )
    elif request.method == "POST" and form.is_valid():
        try:
            run = testbench_run_create(
                user=request.user,  # type: ignore[arg-type]  # signed in: a User
                client_address=client_address(request),
                system_prompt=form.cleaned_data["system_prompt"],
                prompt=form.cleaned_data["prompt"],
                max_output_tokens=form.cleaned_data["max_output_tokens"],
                model_ids=form.cleaned_data["models"],
            )
        except TestbenchRefused as exc:
            refused = str(exc)
        else:
            try:
                testbench_dispatch(run.pk)
            except QueueUnavailable:
                unavailable = _(
                    "The live test cannot start right now: its task queue is not answering. "
                    "Nothing was sent and nothing was charged; please try again in a few "
                    "minutes."
                )
            else:
                return redirect("benchmarks:testbench_run", public_id=run.public_id)
    # A refusal (hourly limit or daily budget) is "too many requests"; form errors are not.
    status = 503 if unavailable else 403 if refused and not signed_in else 429 if refused else 200
    return render(
        request,
        "benchmarks/testbench/form.html",
        {
            "form": form,
            "choices": choices,
            "refused": refused or unavailable,
            "runs_per_hour": settings.TESTBENCH_RUNS_PER_HOUR,
            "signed_in": signed_in,
        },
        status=status,
    )


def _run_or_404(public_id: UUID) -> RunView:
    view = testbench_run_view(public_id=public_id)
    if view is None:
        raise Http404("No such testbench run")
    if testbench_run_abandon_if_stale(run=view.run):
        view = testbench_run_view(public_id=public_id)
        assert view is not None
    return view


@require_GET
def testbench_run(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A run's page: anyone with the link may look; only its owner could have started it."""
    view = _run_or_404(public_id)
    return render(
        request,
        "benchmarks/testbench/run.html",
        {"view": view, "run": view.run, "results": view.results},
    )


@require_GET
def testbench_status(request: HttpRequest, public_id: UUID) -> JsonResponse:
    """What the page polls while a run streams."""
    response = JsonResponse(_run_or_404(public_id).as_dict())
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def testbench_json(request: HttpRequest, public_id: UUID) -> JsonResponse:
    response = JsonResponse(_run_or_404(public_id).as_dict(), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="live-test-{public_id}.json"'
    return response


@require_GET
def testbench_csv(request: HttpRequest, public_id: UUID) -> HttpResponse:
    view = _run_or_404(public_id)
    return csv_download(
        header=RUN_CSV_COLUMNS + CSV_COLUMNS,
        rows=view.csv_rows(),
        filename=f"live-test-{public_id}.csv",
    )
