"""Published verdicts and evaluation scores, as their reviewers approved them."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from models_catalog import selectors as catalogue
from models_catalog.models import Model
from models_catalog.schemas import ErrorOut, Text
from tokonomix.core import flags

from .schemas import ScoreOut, VerdictOut
from .selectors import (
    PublishedScore,
    PublishedVerdict,
    published_verdicts,
    score_pages,
    verdict_pages,
)

router = Router(tags=["verdicts and scores"])

# Operation ids are part of the API's contract (clients are generated from them): these
# endpoints keep the ids they were published with, when they lived in the benchmarks app.
PUBLISHED_AS = "benchmarks_api_"


def _reviewer(approval: Any) -> str | None:
    """The reviewer's name as it was when they approved (a later rename changes nothing)."""
    return None if approval is None else str(approval.reviewer_name)


def _verdict(item: PublishedVerdict) -> dict[str, Any]:
    data = item.data
    return {
        "model": data["model"],
        "date": data["date"],
        "headline": data["headline"],
        "body": data["body"],
        "highlights": data["highlights"],
        "quality_score": data["quality_score"],
        "reviewer": _reviewer(item.approval),
        "approved_at": item.approval.approved_at if item.approval else None,
        "published_at": item.verdict.published_at,
        "stale_since": item.stale_since,
        "stale_reasons": item.stale_reasons,
        "flags": flags.names(item.badges),
    }


def _score(item: PublishedScore) -> dict[str, Any]:
    data = item.data
    return {
        **{name: data[name] for name in ("model", "suite", "metric", "language", "value")},
        **{name: data[name] for name in ("unit", "date", "source_url", "notes")},
        "reviewer": _reviewer(item.approval),
        "approved_at": item.approval.approved_at if item.approval else None,
    }


@router.get(
    "/verdicts",
    response=list[VerdictOut],
    url_name="verdicts",
    operation_id=PUBLISHED_AS + "list_verdicts",
)
@paginate
def list_verdicts(request: HttpRequest) -> Any:
    """Published verdicts of every published model, newest first, as their reviewer approved
    them; `stale_since` is the day the data they relied on changed, if it did, and
    `stale_reasons` each claim of the text the data no longer bears out, with its figure."""
    return verdict_pages().map(_verdict)


@router.get(
    "/models/{slug}/verdicts",
    response={200: list[VerdictOut], 404: ErrorOut},
    url_name="model_verdicts",
    operation_id=PUBLISHED_AS + "list_model_verdicts",
)
def list_model_verdicts(request: HttpRequest, slug: Text) -> Status[Any]:
    """The model's published verdicts, newest first."""
    try:
        model = catalogue.model_header(slug=slug, sources=False)
    except Model.DoesNotExist:
        return Status(404, {"detail": f"No published model {slug!r}."})
    return Status(200, [_verdict(v) for v in published_verdicts(model=model)])


@router.get(
    "/scores",
    response=list[ScoreOut],
    url_name="scores",
    operation_id=PUBLISHED_AS + "list_scores",
)
@paginate
def list_scores(request: HttpRequest, suite: Text = "") -> Any:
    """Published evaluation scores of every published model, by model and suite."""
    return score_pages(suite=suite).map(_score)


@router.get(
    "/models/{slug}/scores",
    response={200: list[ScoreOut], 404: ErrorOut},
    url_name="model_scores",
    operation_id=PUBLISHED_AS + "list_model_scores",
)
def list_model_scores(request: HttpRequest, slug: Text) -> Status[Any]:
    """The model's published evaluation scores."""
    try:
        model = catalogue.model_header(slug=slug, sources=False)
    except Model.DoesNotExist:
        return Status(404, {"detail": f"No published model {slug!r}."})
    return Status(200, [_score(s) for s in score_pages(model=model)[:]])
