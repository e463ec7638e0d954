"""Simulated speed history for the demo site, kept apart from the real measuring path.

Every row written here is marked simulated, points at the simulator, and goes through the
same aggregate rebuild as real runs. The latest test of the first demo model is really
run by the speed-test service against an in-process simulator, so that path shows too.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from models_catalog.models import Model

from ..simulator import SimulatedModel, SimulatorServer
from .models import SampleSource, SpeedSample, SpeedTarget, SpeedTestRun
from .presets import PRESETS, HostPreset
from .regions import DEFAULT_REGION
from .services import speed_aggregates_recompute, speed_run_create, speedtest_execute
from .streaming import SampleStatus

SIMULATOR_URL = PRESETS[HostPreset.SIMULATOR].base_url
SAMPLES = 6
OUTPUT_TOKENS = 200


@dataclass(frozen=True)
class DemoProfile:
    ttft_ms: float
    decode_tps: float
    days: int
    error_rate: float = 0.03
    reasoning_tokens: int = 0


# A handful of demo models; the others keep their empty states on purpose.
DEMO_PROFILES: dict[str, DemoProfile] = {
    "o4-mini": DemoProfile(ttft_ms=1400, decode_tps=125, days=30, reasoning_tokens=120),
    "gpt-4.1-mini": DemoProfile(ttft_ms=450, decode_tps=85, days=30, error_rate=0.02),
    "claude-haiku-4-5": DemoProfile(ttft_ms=600, decode_tps=110, days=14),
    "deepseek-chat": DemoProfile(ttft_ms=1100, decode_tps=35, days=21, error_rate=0.08),
    # Two tests only: its figures are marked preliminary.
    "mistral-small": DemoProfile(ttft_ms=330, decode_tps=150, days=2, error_rate=0.0),
}
LIVE_MODEL = "o4-mini"
LIVE_SAMPLES = 1


def speed_demo_load(*, live_run: bool = True, enable_targets: bool = False) -> list[str]:
    """Create simulated history for the demo models that have none; returns their slugs.

    `enable_targets` switches the demo's simulator targets on (for `make run`, which starts
    `manage.py llm_simulator` beside the site), so the live testbench has models to offer.
    """
    if enable_targets:
        SpeedTarget.objects.filter(
            is_simulated=True, base_url=SIMULATOR_URL, api_model__in=DEMO_PROFILES
        ).update(enabled=True)
    loaded = []
    models = Model.objects.filter(slug__in=DEMO_PROFILES).prefetch_related("offerings")
    for model in models:
        if SpeedTestRun.objects.filter(model=model, is_simulated=True).exists():
            continue  # loaded before: running load_demo again adds nothing
        profile = DEMO_PROFILES[model.slug]
        _demo_target(model, enabled=enable_targets)
        with transaction.atomic():
            _history(model, profile, seed=model.slug)
            speed_aggregates_recompute(model_id=model.pk)
        if live_run and model.slug == LIVE_MODEL:
            _live_run(model, profile)
        loaded.append(model.slug)
    return sorted(loaded)


def _demo_target(model: Model, *, enabled: bool) -> SpeedTarget | None:
    offering = next(iter(model.offerings.all()), None)
    if offering is None:
        return None
    preset = PRESETS[HostPreset.SIMULATOR]
    target, _created = SpeedTarget.objects.get_or_create(
        offering=offering,
        base_url=preset.base_url,
        api_model=model.slug,
        defaults={
            "preset": HostPreset.SIMULATOR,
            "api_key_env": "",
            "is_simulated": True,
            # Off unless a simulator runs beside the site (make run): the history is generated.
            "enabled": enabled,
        },
    )
    return target


def _history(model: Model, profile: DemoProfile, *, seed: str) -> None:
    rng = random.Random(seed)  # noqa: S311 - demo figures, not secrets
    today = timezone.now().replace(hour=4, minute=0, second=0, microsecond=0)
    samples: list[SpeedSample] = []
    for days_ago in range(profile.days, 0, -1):
        started = today - dt.timedelta(days=days_ago)
        run = SpeedTestRun.objects.create(
            model=model,
            # The demo's history stands for one prober whose place nobody configured.
            region=DEFAULT_REGION,
            source=SampleSource.SCHEDULED,
            status=SpeedTestRun.Status.COMPLETED,
            base_url=SIMULATOR_URL,
            api_model=model.slug,
            is_simulated=True,
            samples_requested=SAMPLES,
            max_output_tokens=OUTPUT_TOKENS,
            prompt_set="standard",
            attempt=1,
            started_at=started,
            finished_at=started + dt.timedelta(seconds=30),
        )
        # A slow drift over the month, so the charts have a shape.
        drift = 1.0 + 0.15 * rng.uniform(-1, 1)
        for index in range(SAMPLES):
            at = started + dt.timedelta(seconds=index * 4)
            samples.append(_sample(run, index, at, profile, rng, drift))
        run.ok_samples = sum(1 for s in samples[-SAMPLES:] if s.status == SampleStatus.OK)
        run.error_samples = SAMPLES - run.ok_samples
        run.save(update_fields=["ok_samples", "error_samples"])
    SpeedSample.objects.bulk_create(samples)


def _sample(
    run: SpeedTestRun,
    index: int,
    at: dt.datetime,
    profile: DemoProfile,
    rng: random.Random,
    drift: float,
) -> SpeedSample:
    common = {
        "run": run,
        "model_id": run.model_id,
        "region": run.region,
        "source": run.source,
        "is_simulated": True,
        "index": index,
        "started_at": at,
    }
    if rng.random() < profile.error_rate:
        status, http_status, error = rng.choice(
            [
                (SampleStatus.RATE_LIMITED, 429, "HTTP 429: Rate limit reached (simulated)."),
                (SampleStatus.SERVER_ERROR, 500, "HTTP 500: The server had an error (simulated)."),
                (SampleStatus.TIMEOUT, 200, "no data for 30 s between chunks (simulated)"),
            ]
        )
        return SpeedSample(**common, status=status, http_status=http_status, error=error)
    ttft = profile.ttft_ms * drift * rng.lognormvariate(0, 0.25)
    tps = max(5.0, rng.gauss(profile.decode_tps / drift, profile.decode_tps * 0.08))
    tokens = OUTPUT_TOKENS
    latency = ttft + (tokens - 1) / tps * 1000
    return SpeedSample(
        **common,
        status=SampleStatus.OK,
        http_status=200,
        ttft_ms=ttft,
        ttfat_ms=ttft if not profile.reasoning_tokens else None,
        latency_ms=latency,
        output_tokens=tokens,
        reasoning_tokens=profile.reasoning_tokens,
        decode_tokens_per_second=tps,
        e2e_tokens_per_second=tokens / latency * 1000,
    )


def _live_run(model: Model, profile: DemoProfile) -> SpeedTestRun:
    """Today's test, really measured by the service against an in-process simulator."""
    # The same timing the generated history has (its TTFT already includes the thinking),
    # so today's point does not look like a change of speed; one sample keeps load_demo quick.
    simulated = SimulatedModel(
        ttft_ms=profile.ttft_ms, inter_token_ms=1000 / profile.decode_tps, tokens=OUTPUT_TOKENS
    )
    with SimulatorServer({model.slug: simulated}) as server:
        run = speed_run_create(
            model=model,
            base_url=server.base_url,
            api_model=model.slug,
            source=SampleSource.SCHEDULED,
            samples=LIVE_SAMPLES,
            max_output_tokens=OUTPUT_TOKENS,
            is_simulated=True,
        )
        return speedtest_execute(run_id=run.pk)
