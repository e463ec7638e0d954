"""Measured speed of a model, as JSON and as CSV."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Status

from models_catalog import selectors as catalogue
from models_catalog.models import Model
from models_catalog.schemas import ErrorOut, Text
from tokonomix.core import flags
from tokonomix.core.downloads import csv_stream

from .models import SpeedSample, SpeedSummary
from .schemas import ModelSpeedOut
from .selectors import (
    model_speed,
    speed_badges,
    speed_samples,
)
from .stats import PERCENTILE_METHOD

# The last `days` days of samples: at least one, at most a century (past that, all of them).
Days = Annotated[int, Field(ge=1, le=36_500)]

router = Router(tags=["speed"])

CSV_COLUMNS = (
    "started_at",
    "status",
    "source",
    "is_simulated",
    "http_status",
    "ttft_ms",
    "ttfat_ms",
    "latency_ms",
    "output_tokens",
    "reasoning_tokens",
    "tokens_per_second",
    "e2e_tokens_per_second",
    "error",
)


def _sample(sample: SpeedSample) -> dict[str, Any]:
    return {
        "started_at": sample.started_at,
        "status": sample.status,
        "source": sample.source,
        "is_simulated": sample.is_simulated,
        "http_status": sample.http_status,
        "ttft_ms": sample.ttft_ms,
        "ttfat_ms": sample.ttfat_ms,
        "latency_ms": sample.latency_ms,
        "output_tokens": sample.output_tokens,
        "reasoning_tokens": sample.reasoning_tokens,
        "tokens_per_second": sample.decode_tokens_per_second,
        "e2e_tokens_per_second": sample.e2e_tokens_per_second,
        "error": sample.error,
    }


def _last_test(summary: SpeedSummary) -> dict[str, Any] | None:
    if summary.last_run_at is None:
        return None
    run = summary.last_run
    return {
        "started_at": summary.last_run_at,
        "source": run.source if run else "",
        "measured_against": run.base_url if run else "",
        "p50_latency_ms": summary.last_run_p50_latency_ms,
        "p95_latency_ms": summary.last_run_p95_latency_ms,
        "p50_ttft_ms": summary.last_run_p50_ttft_ms,
        "errors": summary.last_run_errors,
        "samples": summary.last_run_samples,
        "is_simulated": summary.last_run_is_simulated,
    }


@router.get(
    "/models/{slug}/speed", response={200: ModelSpeedOut, 404: ErrorOut}, url_name="model_speed"
)
def get_model_speed(request: HttpRequest, slug: Text, days: Days | None = None) -> Status[Any]:
    """Speed figures and every sample (or those of the last `days` days), oldest first."""
    try:
        model = catalogue.model_header(slug=slug, sources=False)
    except Model.DoesNotExist:
        return Status(404, {"detail": f"No published model {slug!r}."})
    summary = model_speed(model=model).summary
    samples = [_sample(s) for s in speed_samples(model=model, days=days)]
    if summary is None:
        return Status(
            200,
            {
                "model": model.slug,
                "is_simulated": False,
                "computed_at": None,
                "first_sample_at": None,
                "last_sample_at": None,
                "samples_total": 0,
                "errors_total": 0,
                "p50_latency_ms": None,
                "p95_latency_ms": None,
                "p50_ttft_ms": None,
                "p95_ttft_ms": None,
                "median_tokens_per_second": None,
                "availability_7d": None,
                "availability_30d": None,
                "percentile_method": PERCENTILE_METHOD,
                "last_test": None,
                "flags": [],
                "samples": samples,
            },
        )
    return Status(
        200,
        {
            "model": model.slug,
            "is_simulated": summary.is_simulated,
            "computed_at": summary.computed_at,
            "first_sample_at": summary.first_sample_at,
            "last_sample_at": summary.last_sample_at,
            "samples_total": summary.samples_total,
            "errors_total": summary.errors_total,
            "p50_latency_ms": summary.p50_latency_ms,
            "p95_latency_ms": summary.p95_latency_ms,
            "p50_ttft_ms": summary.p50_ttft_ms,
            "p95_ttft_ms": summary.p95_ttft_ms,
            "median_tokens_per_second": summary.median_decode_tps,
            "availability_7d": summary.availability_7d,
            "availability_30d": summary.availability_30d,
            "percentile_method": PERCENTILE_METHOD,
            "last_test": _last_test(summary),
            "flags": flags.names(speed_badges(summary, window="all")),
            "samples": samples,
        },
    )


@router.get(
    "/models/{slug}/speed.csv",
    response={200: str, 404: ErrorOut},
    url_name="model_speed_csv",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def get_model_speed_csv(request: HttpRequest, slug: Text, days: Days | None = None) -> Any:
    """Every sample as CSV, one row per request (oldest first)."""
    try:
        model = catalogue.model_header(slug=slug, sources=False)
    except Model.DoesNotExist:
        return Status(404, {"detail": f"No published model {slug!r}."})
    samples = speed_samples(model=model, days=days)
    return csv_stream(
        header=CSV_COLUMNS,
        rows=([_sample(s)[c] for c in CSV_COLUMNS] for s in samples),
        filename=f"{model.slug}-speed.csv",
    )
