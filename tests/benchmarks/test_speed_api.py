"""GET /api/v1/models/{slug}/speed and its CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from tests import factories

from .conftest import recorded_run

pytestmark = pytest.mark.django_db

SAMPLE_KEYS = {
    "started_at",
    "status",
    "http_status",
    "ttft_ms",
    "latency_ms",
    "output_tokens",
    "reasoning_tokens",
    "tokens_per_second",
    "error",
}
TOP_KEYS = {
    "samples_total",
    "errors_total",
    "p50_latency_ms",
    "p95_latency_ms",
    "p50_ttft_ms",
    "p95_ttft_ms",
    "median_tokens_per_second",
    "availability_30d",
    "last_test",
    "samples",
}


@pytest.fixture
def measured_model():  # type: ignore[no-untyped-def]
    model = factories.model(slug="api-o4-mini")
    at = timezone.now() - dt.timedelta(days=1)
    recorded_run(
        model,
        [
            {"started_at": at, "latency_ms": 1000.0, "decode_tokens_per_second": 80.0},
            {"started_at": at, "latency_ms": 2000.0, "decode_tokens_per_second": 100.0},
            {"started_at": at, "status": "rate_limited", "http_status": 429, "error": "HTTP 429"},
        ],
    )
    return model


def test_the_speed_endpoint_has_the_documented_shape(client, measured_model) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/v1/models/api-o4-mini/speed").json()

    assert set(body) >= TOP_KEYS
    assert body["samples_total"] == 3
    assert body["errors_total"] == 1
    assert body["p50_latency_ms"] == 1500.0
    assert body["median_tokens_per_second"] == 90.0
    assert body["availability_30d"] == pytest.approx(2 / 3)
    assert body["is_simulated"] is False
    assert body["last_test"]["errors"] == 1 and body["last_test"]["samples"] == 3
    assert len(body["samples"]) == 3
    assert set(body["samples"][0]) >= SAMPLE_KEYS
    assert body["samples"][2]["status"] == "rate_limited"
    assert body["samples"][2]["http_status"] == 429


def test_a_model_without_samples_answers_zeros_and_nulls(client) -> None:  # type: ignore[no-untyped-def]
    factories.model(slug="api-empty")

    body = client.get("/api/v1/models/api-empty/speed").json()

    assert body["samples_total"] == 0
    assert body["p50_latency_ms"] is None
    assert body["availability_30d"] is None
    assert body["last_test"] is None
    assert body["samples"] == []


def test_unknown_and_unpublished_models_are_404(client) -> None:  # type: ignore[no-untyped-def]
    factories.model(slug="api-draft", is_published=False)

    for slug in ("api-nope", "api-draft"):
        assert client.get(f"/api/v1/models/{slug}/speed").status_code == 404
        assert client.get(f"/api/v1/models/{slug}/speed.csv").status_code == 404


def test_the_csv_has_a_header_and_one_row_per_sample(client, measured_model) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/models/api-o4-mini/speed.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 3
    assert set(rows[0]) >= SAMPLE_KEYS
    assert rows[0]["latency_ms"] == "1000.0"
    assert rows[2]["status"] == "rate_limited" and rows[2]["latency_ms"] == ""


def test_the_openapi_schema_documents_both_speed_endpoints(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    speed = paths["/api/v1/models/{slug}/speed"]["get"]["responses"]
    assert {"200", "404"} <= set(speed)
    csv_responses = paths["/api/v1/models/{slug}/speed.csv"]["get"]["responses"]
    assert "text/csv" in csv_responses["200"]["content"]
