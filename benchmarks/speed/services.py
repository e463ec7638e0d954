"""Speed tests: queue, run and record them, and rebuild the per-model aggregates.

A run's samples, its final status and the model's aggregates are written in ONE
transaction at the end of the run: a worker killed mid-test leaves the run "running"
and nothing half-written; the redelivered task (acks_late) takes the run over with the
next attempt, up to MAX_ATTEMPTS, and stale runs are failed by the next fan-out.

API keys are read from the environment when a run starts, passed to the measuring code
and nowhere else: never to the database, a log line, a task argument or a result.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from models_catalog.models import Model
from tokonomix.core import flags
from tokonomix.core.pagecache import pages_invalidate

from .models import (
    SPEED_SOURCES,
    SampleSource,
    SpeedDaily,
    SpeedSample,
    SpeedSummary,
    SpeedTarget,
    SpeedTestRun,
)
from .prompts import prompt_messages
from .stats import median, percentile
from .streaming import SampleResult, SampleStatus, measure_series_sync, scrub_secrets

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# The simulator lists its models as owned by this name; any endpoint that does is labelled
# simulated even if nobody ticked the box.
SIMULATOR_OWNER = "tokonomix-simulator"
# Sent when a server needs no key: the SDK refuses an empty one.
NO_KEY = "no-key-needed"
FINISHED = (
    SpeedTestRun.Status.COMPLETED,
    SpeedTestRun.Status.FAILED,
    SpeedTestRun.Status.SKIPPED,
)

SampleCallback = Callable[[SampleResult], object]


class SpeedTestError(Exception):
    """A run broke for a reason other than the API's answers; the message is scrubbed."""


# --- creating runs ---------------------------------------------------------------------


def speed_run_create(
    *,
    model: Model,
    base_url: str,
    api_model: str,
    api_key_env: str = "",
    source: str = SampleSource.MANUAL,
    samples: int = 6,
    max_output_tokens: int = 200,
    prompt_set: str = "standard",
    output_limit_param: str = "max_tokens",
    is_simulated: bool = False,
    target: SpeedTarget | None = None,
) -> SpeedTestRun:
    """A queued run of any endpoint; the caller executes it or hands it to a worker."""
    return SpeedTestRun.objects.create(
        target=target,
        model=model,
        source=source,
        base_url=base_url.rstrip("/"),
        api_model=api_model,
        api_key_env=api_key_env,
        is_simulated=is_simulated,
        samples_requested=samples,
        max_output_tokens=max_output_tokens,
        prompt_set=prompt_set,
        output_limit_param=output_limit_param,
    )


def speed_run_create_for_target(*, target: SpeedTarget, source: str) -> SpeedTestRun:
    return speed_run_create(
        target=target,
        model=target.offering.model,
        base_url=target.base_url,
        api_model=target.api_model,
        api_key_env=target.api_key_env,
        source=source,
        samples=target.samples_per_test,
        max_output_tokens=target.max_output_tokens,
        prompt_set=target.prompt_set,
        output_limit_param=target.output_limit_param,
        is_simulated=target.is_simulated,
    )


def speed_runs_queue(
    *, source: str = SampleSource.SCHEDULED, targets: Iterable[SpeedTarget] | None = None
) -> list[int]:
    """One queued run per enabled target (or per target given), in one transaction; the
    caller hands them to workers (tasks.speedtests_enqueue). A target whose model is
    retired (the flags module's rule) is not tested: its run is recorded as skipped, saying
    why, and is not returned."""
    if targets is None:
        targets = SpeedTarget.objects.filter(enabled=True).select_related("offering__model")
    today = timezone.localdate()
    queued = []
    with transaction.atomic():
        for target in targets:
            run = speed_run_create_for_target(target=target, source=source)
            retired_on = target.offering.model.retired_on
            if flags.is_retired(retired_on, today):
                run.status = SpeedTestRun.Status.SKIPPED
                run.reason = f"the model was retired on {retired_on:%Y-%m-%d}: no longer served"
                run.finished_at = timezone.now()
                run.save(update_fields=["status", "reason", "finished_at"])
                logger.info("speed test of %s skipped: %s", target, run.reason)
                continue
            queued.append(run.pk)
    return queued


# A queued run's task sits in the broker while workers are busy; past this it was lost.
QUEUED_AT_MOST = dt.timedelta(hours=6)


def speed_runs_abandoned_fail(*, now: dt.datetime | None = None) -> int:
    """Fail the runs no worker will finish: started longer ago than a live attempt could
    last or be handed on (time limit plus the broker's visibility timeout, for each
    attempt it may still get), or queued past QUEUED_AT_MOST (their task was lost)."""
    now = now or timezone.now()
    per_attempt = settings.CELERY_TASK_TIME_LIMIT + settings.CELERY_VISIBILITY_TIMEOUT
    started_before = now - dt.timedelta(seconds=per_attempt)
    running = SpeedTestRun.objects.filter(
        status=SpeedTestRun.Status.RUNNING, started_at__lt=started_before
    ).update(
        status=SpeedTestRun.Status.FAILED,
        reason="abandoned: its worker stopped and no other took the run over",
        finished_at=now,
    )
    queued = SpeedTestRun.objects.filter(
        status=SpeedTestRun.Status.QUEUED, created_at__lt=now - QUEUED_AT_MOST
    ).update(
        status=SpeedTestRun.Status.FAILED,
        reason="abandoned: its task never reached a worker",
        finished_at=now,
    )
    return running + queued


# --- running ---------------------------------------------------------------------------


def speedtest_execute(
    *,
    run_id: int,
    on_sample: SampleCallback | None = None,
) -> SpeedTestRun:
    """Run a queued run to its end. Safe to call twice: a finished run is left alone."""
    run = _claim(run_id)
    if run is None:
        return SpeedTestRun.objects.get(pk=run_id)
    api_key = NO_KEY
    if run.api_key_env:
        api_key = os.environ.get(run.api_key_env, "")
        if not api_key:
            return _finish_skipped(run, f"environment variable {run.api_key_env} is not set")
    try:
        is_simulated = run.is_simulated or _is_simulator(run.base_url, api_key)
        results = measure_series_sync(
            base_url=run.base_url,
            api_model=run.api_model,
            api_key=api_key,
            messages=prompt_messages(run.prompt_set),
            max_tokens=run.max_output_tokens,
            samples=run.samples_requested,
            timeout_s=settings.SPEEDTEST_TIMEOUT,
            stall_timeout_s=settings.SPEEDTEST_STALL_TIMEOUT,
            on_sample=on_sample,
            output_limit_param=run.output_limit_param,
        )
        return _finish_completed(run, results, is_simulated=is_simulated)
    except Exception as exc:
        # Anything unexpected: record a scrubbed reason, and raise a scrubbed error with no
        # chained cause, so that no traceback or task result can carry the key.
        reason = scrub_secrets(f"{type(exc).__name__}: {exc}", (api_key,))
        _finish_failed(run, reason)
        logger.error("speed test run %s failed: %s", run.pk, reason)
        raise SpeedTestError(f"speed test run {run.pk} failed: {reason}") from None


def speedtest_fail(*, run_id: int, reason: str) -> None:
    """Mark an unfinished run failed (e.g. the task hit its time limit)."""
    with transaction.atomic():
        run = SpeedTestRun.objects.select_for_update().get(pk=run_id)
        if run.status not in FINISHED:
            _finish_failed(run, reason)


def _claim(run_id: int) -> SpeedTestRun | None:
    """Start the next attempt of a run, or None when there is nothing left to do."""
    with transaction.atomic():
        run = SpeedTestRun.objects.select_for_update().get(pk=run_id)
        if run.status in FINISHED:
            return None
        if run.status == SpeedTestRun.Status.RUNNING:
            # The previous attempt never finished: its worker died and the task came back.
            logger.warning("speed test run %s: attempt %s was lost, retrying", run.pk, run.attempt)
            if run.attempt >= MAX_ATTEMPTS:
                _finish_failed(
                    run, f"gave up after {run.attempt} attempts: each stopped before the end"
                )
                return None
        run.status = SpeedTestRun.Status.RUNNING
        run.attempt += 1
        run.started_at = timezone.now()
        run.save(update_fields=["status", "attempt", "started_at"])
        return run


def _still_mine(run: SpeedTestRun) -> SpeedTestRun | None:
    """The locked row if this attempt still owns the run (call inside a transaction)."""
    current = SpeedTestRun.objects.select_for_update().get(pk=run.pk)
    if current.status != SpeedTestRun.Status.RUNNING or current.attempt != run.attempt:
        logger.warning("speed test run %s: attempt %s was superseded", run.pk, run.attempt)
        return None
    return current


def _finish_skipped(run: SpeedTestRun, reason: str) -> SpeedTestRun:
    with transaction.atomic():
        current = _still_mine(run)
        if current is None:
            return SpeedTestRun.objects.get(pk=run.pk)
        current.status = SpeedTestRun.Status.SKIPPED
        current.reason = reason
        current.finished_at = timezone.now()
        current.save(update_fields=["status", "reason", "finished_at"])
    logger.info("speed test run %s skipped: %s", run.pk, reason)
    return current


def _finish_failed(run: SpeedTestRun, reason: str) -> None:
    SpeedTestRun.objects.filter(pk=run.pk).exclude(status__in=FINISHED).update(
        status=SpeedTestRun.Status.FAILED, reason=reason[:2000], finished_at=timezone.now()
    )


def _finish_completed(
    run: SpeedTestRun, results: Sequence[SampleResult], *, is_simulated: bool
) -> SpeedTestRun:
    with transaction.atomic():
        current = _still_mine(run)
        if current is None:
            return SpeedTestRun.objects.get(pk=run.pk)
        SpeedSample.objects.bulk_create(
            [
                SpeedSample.from_result(
                    current, index=index, result=result, is_simulated=is_simulated
                )
                for index, result in enumerate(results)
            ]
        )
        current.status = SpeedTestRun.Status.COMPLETED
        current.is_simulated = is_simulated
        current.ok_samples = sum(1 for r in results if r.ok)
        current.error_samples = len(results) - current.ok_samples
        current.finished_at = timezone.now()
        current.save()
        speed_aggregates_recompute(model_id=current.model_id)
    logger.info(
        "speed test run %s of %s: %s ok, %s failed",
        current.pk,
        current.api_model,
        current.ok_samples,
        current.error_samples,
    )
    return current


def _is_simulator(base_url: str, api_key: str) -> bool:
    """Whether the endpoint says it is the Tokonomix simulator (GET /models)."""
    try:
        response = httpx.get(
            f"{base_url.rstrip('/')}/models",
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=3.0,
        )
        data = response.json().get("data", []) if response.status_code == 200 else []
        return any(
            isinstance(entry, dict) and entry.get("owned_by") == SIMULATOR_OWNER for entry in data
        )
    except Exception:  # any failure: not known to be the simulator; never logged (key)
        return False


# --- aggregates --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    run_id: int
    started_at: dt.datetime
    status: str
    source: str
    is_simulated: bool
    latency_ms: float | None
    ttft_ms: float | None
    decode_tps: float | None
    e2e_tps: float | None

    @property
    def ok(self) -> bool:
        return self.status == SampleStatus.OK

    @property
    def counts_for_speed(self) -> bool:
        return self.ok and self.source in SPEED_SOURCES


def _figures(rows: Sequence[_Row]) -> dict[str, float | None]:
    speed = [r for r in rows if r.counts_for_speed]
    latency = [r.latency_ms for r in speed if r.latency_ms is not None]
    ttft = [r.ttft_ms for r in speed if r.ttft_ms is not None]
    return {
        "p50_latency_ms": percentile(latency, 0.5),
        "p95_latency_ms": percentile(latency, 0.95),
        "p50_ttft_ms": percentile(ttft, 0.5),
        "p95_ttft_ms": percentile(ttft, 0.95),
        "median_decode_tps": median([r.decode_tps for r in speed if r.decode_tps is not None]),
        "median_e2e_tps": median([r.e2e_tps for r in speed if r.e2e_tps is not None]),
    }


def _availability(rows: Sequence[_Row]) -> float | None:
    return sum(1 for r in rows if r.ok) / len(rows) if rows else None


def speed_aggregates_recompute(
    *, model_id: int, now: dt.datetime | None = None
) -> SpeedSummary | None:
    """Rebuild a model's daily rows and summary from its finished runs' samples, atomically."""
    now = now or timezone.now()
    with transaction.atomic():
        # Serialises recomputes of one model (two targets finishing at once).
        list(Model.objects.select_for_update().filter(pk=model_id).values_list("pk", flat=True))
        # Pages showing this model's speed are dropped (again once this transaction commits).
        pages_invalidate()
        all_rows = [
            _Row(*values)
            for values in SpeedSample.objects.filter(
                model_id=model_id, run__status=SpeedTestRun.Status.COMPLETED
            )
            .order_by("started_at", "pk")
            .values_list(
                "run_id",
                "started_at",
                "status",
                "source",
                "is_simulated",
                "latency_ms",
                "ttft_ms",
                "decode_tokens_per_second",
                "e2e_tokens_per_second",
            )
        ]
        # Real measurements win; simulated ones are only used when there are no real ones.
        simulated = not any(not r.is_simulated for r in all_rows)
        rows = [r for r in all_rows if r.is_simulated == simulated]
        SpeedDaily.objects.filter(model_id=model_id).delete()
        if not rows:
            SpeedSummary.objects.filter(model_id=model_id).delete()
            return None

        by_day: dict[dt.date, list[_Row]] = defaultdict(list)
        for row in rows:
            by_day[row.started_at.astimezone(UTC).date()].append(row)
        SpeedDaily.objects.bulk_create(
            [
                SpeedDaily(
                    model_id=model_id,
                    day=day,
                    is_simulated=simulated,
                    ok_samples=sum(1 for r in day_rows if r.ok),
                    failed_samples=sum(1 for r in day_rows if not r.ok),
                    speed_samples=sum(1 for r in day_rows if r.counts_for_speed),
                    **_figures(day_rows),
                )
                for day, day_rows in sorted(by_day.items())
            ]
        )

        speed_rows = [r for r in rows if r.source in SPEED_SOURCES]
        rows_30d = [r for r in rows if r.started_at >= now - dt.timedelta(days=30)]
        rows_7d = [r for r in rows_30d if r.started_at >= now - dt.timedelta(days=7)]
        speed_30d = [r for r in rows_30d if r.source in SPEED_SOURCES]
        all_time = _figures(speed_rows)
        recent = _figures(speed_30d)
        last_run_id = speed_rows[-1].run_id if speed_rows else None
        last = [r for r in speed_rows if r.run_id == last_run_id]
        last_figures = _figures(last)
        defaults: dict[str, Any] = {
            "is_simulated": simulated,
            "computed_at": now,
            "window_end": now.astimezone(UTC).date(),
            "first_sample_at": rows[0].started_at,
            "last_sample_at": rows[-1].started_at,
            "samples_total": len(speed_rows),
            "errors_total": sum(1 for r in speed_rows if not r.ok),
            "ok_total": sum(1 for r in speed_rows if r.ok),
            **all_time,
            "samples_30d": len(speed_30d),
            "ok_30d": sum(1 for r in speed_30d if r.ok),
            "p50_latency_ms_30d": recent["p50_latency_ms"],
            "p95_latency_ms_30d": recent["p95_latency_ms"],
            "p50_ttft_ms_30d": recent["p50_ttft_ms"],
            "p95_ttft_ms_30d": recent["p95_ttft_ms"],
            "median_decode_tps_30d": recent["median_decode_tps"],
            "availability_7d": _availability(rows_7d),
            "availability_30d": _availability(rows_30d),
            "availability_samples_30d": len(rows_30d),
            "last_run_id": last_run_id,
            "last_run_at": last[0].started_at if last else None,
            "last_run_p50_latency_ms": last_figures["p50_latency_ms"],
            "last_run_p95_latency_ms": last_figures["p95_latency_ms"],
            "last_run_p50_ttft_ms": last_figures["p50_ttft_ms"],
            "last_run_errors": sum(1 for r in last if not r.ok),
            "last_run_samples": len(last),
            "last_run_is_simulated": simulated,
        }
        summary, _created = SpeedSummary.objects.update_or_create(
            model_id=model_id, defaults=defaults
        )
        return summary
