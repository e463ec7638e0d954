"""Measured speed of a model, as JSON and as CSV; the prober regions and the workloads."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from models_catalog import selectors as catalogue
from models_catalog.models import Model
from models_catalog.schemas import ErrorOut, Text
from tokonomix.core import flags
from tokonomix.core.downloads import csv_stream

from .models import SpeedFigures, SpeedSample
from .regions import ALL_REGIONS, configured_regions
from .schemas import ModelSpeedOut, RegionOut, WorkloadOut
from .selectors import model_speed, speed_badges, speed_samples
from .stats import INTERVAL_METHOD, PERCENTILE_METHOD
from .workloads import DEFAULT_WORKLOAD, WORKLOADS, WorkloadCode

# The last `days` days of samples: at least one, at most a century (past that, all of them).
Days = Annotated[int, Field(ge=1, le=36_500)]
# pydantic's regex engine has no \Z; "$" there does not match before a final newline.
RegionCode = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]

router = Router(tags=["speed"])


class SpeedQuery(Schema):
    days: Days | None = None
    region: RegionCode = Field(
        ALL_REGIONS, description='A prober region\'s code, or "all" (every region together).'
    )
    workload: WorkloadCode = Field(WorkloadCode(DEFAULT_WORKLOAD))


CSV_COLUMNS = (
    "started_at",
    "status",
    "source",
    "is_simulated",
    "region",
    "workload",
    "http_status",
    "ttft_ms",
    "ttfat_ms",
    "latency_ms",
    "input_tokens",
    "cached_input_tokens",
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
        "region": sample.region,
        "workload": sample.workload,
        "http_status": sample.http_status,
        "ttft_ms": sample.ttft_ms,
        "ttfat_ms": sample.ttfat_ms,
        "latency_ms": sample.latency_ms,
        "input_tokens": sample.input_tokens,
        "cached_input_tokens": sample.cached_input_tokens,
        "output_tokens": sample.output_tokens,
        "reasoning_tokens": sample.reasoning_tokens,
        "tokens_per_second": sample.decode_tokens_per_second,
        "e2e_tokens_per_second": sample.e2e_tokens_per_second,
        "error": sample.error,
    }


# API name -> column of SpeedFigures (without the "_30d" of the 30-day window).
WINDOW_ESTIMATES = {
    "p50_latency_ms": "p50_latency_ms",
    "p95_latency_ms": "p95_latency_ms",
    "p50_ttft_ms": "p50_ttft_ms",
    "p95_ttft_ms": "p95_ttft_ms",
    "p50_ttfat_ms": "p50_ttfat_ms",
    "p95_ttfat_ms": "p95_ttfat_ms",
    "median_tokens_per_second": "median_decode_tps",
    "median_e2e_tokens_per_second": "median_e2e_tps",
    "median_reasoning_tokens": "median_reasoning_tokens",
    "median_input_tokens": "median_input_tokens",
}


def _window(figures: SpeedFigures, suffix: str) -> dict[str, Any]:
    window: dict[str, Any] = {
        "samples": figures.samples_30d if suffix else figures.samples_total,
        "ok": figures.ok_30d if suffix else figures.ok_total,
    }
    for name, column in WINDOW_ESTIMATES.items():
        estimate = figures.estimate(column + suffix)
        window[name] = {
            "value": estimate.value,
            "low": estimate.low,
            "high": estimate.high,
            "n": estimate.n,
        }
    return window


def _last_test(figures: SpeedFigures) -> dict[str, Any] | None:
    if figures.last_run_at is None:
        return None
    run = figures.last_run
    return {
        "started_at": figures.last_run_at,
        "source": run.source if run else "",
        "region": run.region if run else "",
        "workload": run.workload if run else "",
        "measured_against": run.base_url if run else "",
        "p50_latency_ms": figures.last_run_p50_latency_ms,
        "p95_latency_ms": figures.last_run_p95_latency_ms,
        "p50_ttft_ms": figures.last_run_p50_ttft_ms,
        "errors": figures.last_run_errors,
        "samples": figures.last_run_samples,
        "is_simulated": figures.last_run_is_simulated,
    }


@router.get(
    "/models/{slug}/speed", response={200: ModelSpeedOut, 404: ErrorOut}, url_name="model_speed"
)
def get_model_speed(request: HttpRequest, slug: Text, query: Query[SpeedQuery]) -> Status[Any]:
    """Speed figures of one prober region and workload, every slice with its intervals,
    and every sample of that region and workload (or those of the last `days` days)."""
    try:
        model = catalogue.model_header(slug=slug, sources=False)
    except Model.DoesNotExist:
        return Status(404, {"detail": f"No published model {slug!r}."})
    speed = model_speed(model=model, region=query.region, workload=query.workload)
    region = query.region if not speed.unavailable else ALL_REGIONS
    workload = str(query.workload) if not speed.unavailable else DEFAULT_WORKLOAD
    samples = [
        _sample(s)
        for s in speed_samples(model=model, days=query.days, region=region, workload=workload)
    ]
    slices = [
        {
            "region": b.region,
            "workload": b.workload,
            "offering": b.offering.source_key if b.offering else None,
            "is_simulated": b.is_simulated,
            "window_end": b.window_end,
            "last_30_days": _window(b, "_30d"),
            "all_time": _window(b, ""),
            "availability_7d": b.availability_7d,
            "availability_30d": b.availability_30d,
            "availability_samples_30d": b.availability_samples_30d,
        }
        for b in speed.breakdowns
    ]
    figures = speed.figures
    body: dict[str, Any] = {
        "model": model.slug,
        "region": region,
        "workload": workload,
        "percentile_method": PERCENTILE_METHOD,
        "interval_method": INTERVAL_METHOD,
        "slices": slices,
        "samples": samples,
    }
    if figures is None:
        body.update(
            {
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
                "p50_ttfat_ms": None,
                "median_tokens_per_second": None,
                "median_reasoning_tokens": None,
                "availability_7d": None,
                "availability_30d": None,
                "last_test": None,
                "flags": [],
            }
        )
        return Status(200, body)
    body.update(
        {
            "is_simulated": figures.is_simulated,
            "computed_at": figures.computed_at,
            "first_sample_at": figures.first_sample_at,
            "last_sample_at": figures.last_sample_at,
            "samples_total": figures.samples_total,
            "errors_total": figures.errors_total,
            "p50_latency_ms": figures.p50_latency_ms,
            "p95_latency_ms": figures.p95_latency_ms,
            "p50_ttft_ms": figures.p50_ttft_ms,
            "p95_ttft_ms": figures.p95_ttft_ms,
            "p50_ttfat_ms": figures.p50_ttfat_ms,
            "median_tokens_per_second": figures.median_decode_tps,
            "median_reasoning_tokens": figures.median_reasoning_tokens,
            "availability_7d": figures.availability_7d,
            "availability_30d": figures.availability_30d,
            "last_test": _last_test(figures),
            "flags": flags.names(speed_badges(figures, window="all")),
        }
    )
    return Status(200, body)


class SpeedCsvQuery(Schema):
    days: Days | None = None
    region: RegionCode | None = Field(None, description="Only this prober region's samples.")
    workload: WorkloadCode | None = Field(None, description="Only this workload's samples.")


@router.get(
    "/models/{slug}/speed.csv",
    response={200: str, 404: ErrorOut},
    url_name="model_speed_csv",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def get_model_speed_csv(request: HttpRequest, slug: Text, query: Query[SpeedCsvQuery]) -> Any:
    """Every sample as CSV, one row per request (oldest first), with its prober region,
    workload, time to first token and to first answer token, and reasoning tokens."""
    try:
        model = catalogue.model_header(slug=slug, sources=False)
    except Model.DoesNotExist:
        return Status(404, {"detail": f"No published model {slug!r}."})
    samples = speed_samples(
        model=model,
        days=query.days,
        region=query.region,
        workload=str(query.workload) if query.workload else None,
    )
    return csv_stream(
        header=CSV_COLUMNS,
        rows=([_sample(s)[c] for c in CSV_COLUMNS] for s in samples),
        filename=f"{model.slug}-speed.csv",
    )


@router.get("/speed/regions", response=list[RegionOut], url_name="speed_regions")
def get_speed_regions(request: HttpRequest) -> list[dict[str, str]]:
    """The prober regions speed tests are sent to, and where each prober stands."""
    return [{"code": r.code, "where": r.where} for r in configured_regions()]


@router.get("/speed/workloads", response=list[WorkloadOut], url_name="speed_workloads")
def get_speed_workloads(request: HttpRequest) -> list[dict[str, Any]]:
    """The named workloads: input and output tokens, and requests sent at once."""
    return [
        {
            "code": w.code,
            "label": w.label,
            "input_tokens": w.input_tokens,
            "output_tokens": w.output_tokens,
            "concurrency": w.concurrency,
            "description": w.description,
        }
        for w in WORKLOADS.values()
    ]
