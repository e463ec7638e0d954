import datetime as dt

from ninja import Field, Schema


class SpeedSampleOut(Schema):
    started_at: dt.datetime
    status: str
    source: str
    is_simulated: bool
    region: str
    workload: str
    http_status: int | None
    ttft_ms: float | None
    ttfat_ms: float | None
    latency_ms: float | None
    input_tokens: int | None
    cached_input_tokens: int | None
    output_tokens: int | None
    reasoning_tokens: int | None
    tokens_per_second: float | None
    e2e_tokens_per_second: float | None
    error: str


class EstimateOut(Schema):
    """A percentile, its 95% bootstrap interval and how many values it is taken over."""

    value: float | None
    low: float | None
    high: float | None
    n: int


class WindowOut(Schema):
    """Figures over one window of successful speed samples (n: how many)."""

    samples: int
    ok: int
    p50_latency_ms: EstimateOut
    p95_latency_ms: EstimateOut
    p50_ttft_ms: EstimateOut
    p95_ttft_ms: EstimateOut
    p50_ttfat_ms: EstimateOut
    p95_ttfat_ms: EstimateOut
    median_tokens_per_second: EstimateOut
    median_e2e_tokens_per_second: EstimateOut
    median_reasoning_tokens: EstimateOut
    median_input_tokens: EstimateOut


class SliceOut(Schema):
    """A model's figures from one prober region (or "all"), for one workload, and for one
    offering (null: every offering together)."""

    region: str
    workload: str
    offering: str | None
    is_simulated: bool
    window_end: dt.date
    last_30_days: WindowOut
    all_time: WindowOut
    availability_7d: float | None
    availability_30d: float | None
    availability_samples_30d: int


class RegionOut(Schema):
    code: str
    where: str


class WorkloadOut(Schema):
    code: str
    label: str
    input_tokens: int | None
    output_tokens: int | None
    concurrency: int
    description: str


class LastTestOut(Schema):
    started_at: dt.datetime
    source: str
    region: str
    workload: str
    measured_against: str
    p50_latency_ms: float | None
    p95_latency_ms: float | None
    p50_ttft_ms: float | None
    errors: int
    samples: int
    is_simulated: bool


class ModelSpeedOut(Schema):
    """All-time figures of successful scheduled and manual samples of one prober region (or
    all) and one workload (the standard one unless asked); null when none. `slices` has
    every region, workload and tested offering, each with its intervals."""

    model: str
    region: str
    workload: str
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
    p50_ttfat_ms: float | None
    median_tokens_per_second: float | None
    median_reasoning_tokens: float | None
    availability_7d: float | None
    availability_30d: float | None
    percentile_method: str
    interval_method: str
    last_test: LastTestOut | None
    slices: list[SliceOut]
    flags: list[str] = Field(
        description="The all-time figures' flags: simulated, preliminary (fewer than 20 "
        "successful samples)."
    )
    samples: list[SpeedSampleOut]
