import datetime as dt

from ninja import Field, Schema


class SpeedSampleOut(Schema):
    started_at: dt.datetime
    status: str
    source: str
    is_simulated: bool
    http_status: int | None
    ttft_ms: float | None
    ttfat_ms: float | None
    latency_ms: float | None
    output_tokens: int | None
    reasoning_tokens: int | None
    tokens_per_second: float | None
    e2e_tokens_per_second: float | None
    error: str


class LastTestOut(Schema):
    started_at: dt.datetime
    source: str
    measured_against: str
    p50_latency_ms: float | None
    p95_latency_ms: float | None
    p50_ttft_ms: float | None
    errors: int
    samples: int
    is_simulated: bool


class ModelSpeedOut(Schema):
    """All-time figures of successful scheduled and manual samples; null when none."""

    model: str
    is_simulated: bool
    computed_at: dt.datetime | None
    first_sample_at: dt.datetime | None
    last_sample_at: dt.datetime | None
    samples_total: int
    errors_total: int
    p50_latency_ms: float | None
    p95_latency_ms: float | None
    p50_ttft_ms: float | None
    p95_ttft_ms: float | None
    median_tokens_per_second: float | None
    availability_7d: float | None
    availability_30d: float | None
    percentile_method: str
    last_test: LastTestOut | None
    flags: list[str] = Field(
        description="The all-time figures' flags: simulated, preliminary (fewer than 20 "
        "successful samples)."
    )
    samples: list[SpeedSampleOut]
