"""Speed tests: queue, run and record them (aggregates.py rebuilds the figures).

A run's samples, its final status and the model's aggregates are written in ONE
transaction at the end of the run: a worker killed mid-test leaves the run "running"
and nothing half-written; the redelivered task (acks_late) takes the run over with the
next attempt, up to MAX_ATTEMPTS, and stale runs are failed by the sweep.

Each run is measured from one prober region (regions.py): queued for a region, it is
only ever measured by a worker that says it stands there; queued for none, it records
the region of the worker that took it. A run with a monthly budget on its key reserves
its worst case before sending anything (budgets.py).

API keys are read from the environment when a run starts, passed to the measuring code
and nowhere else: never to the database, a log line, a task argument or a result.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from models_catalog.models import Model
from tokonomix.core import flags

from .aggregates import speed_aggregates_recompute
from .budgets import budget_reserve, budget_settle
from .cadence import LOOKBACK, due_between
from .models import SampleSource, SpeedSample, SpeedTarget, SpeedTestRun
from .regions import prober_region, routes
from .streaming import SampleResult, measure_series_sync, scrub_secrets
from .workloads import DEFAULT_WORKLOAD, WORKLOADS, WorkloadPrompts, input_off_target

__all__ = [
    "MAX_ATTEMPTS",
    "NO_KEY",
    "QueuedRun",
    "SpeedTestError",
    "speed_aggregates_recompute",
    "speed_run_create",
    "speed_run_create_for_target",
    "speed_runs_abandoned_fail",
    "speed_runs_queue",
    "speed_runs_queue_due",
    "speedtest_execute",
    "speedtest_fail",
]

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
    workload: str = DEFAULT_WORKLOAD,
    queued_for: str = "",
    scheduled_for: dt.datetime | None = None,
) -> SpeedTestRun:
    """A queued run of any endpoint; the caller executes it or hands it to a worker.

    A sized workload sets its own output limit, and a parallel one sends whole waves: the
    samples are rounded up to a multiple of its concurrency. `queued_for`: the prober region
    that must measure it; empty: whichever process executes it.
    """
    spec = WORKLOADS[workload]
    if spec.output_tokens is not None:
        max_output_tokens = spec.output_tokens
    if spec.concurrency > 1:
        samples = math.ceil(samples / spec.concurrency) * spec.concurrency
    return SpeedTestRun.objects.create(
        target=target,
        model=model,
        offering=target.offering if target else None,
        source=source,
        base_url=base_url.rstrip("/"),
        api_model=api_model,
        api_key_env=api_key_env,
        is_simulated=is_simulated,
        samples_requested=samples,
        max_output_tokens=max_output_tokens,
        prompt_set=prompt_set,
        output_limit_param=output_limit_param,
        workload=workload,
        queued_for=queued_for,
        scheduled_for=scheduled_for,
    )


def speed_run_create_for_target(
    *,
    target: SpeedTarget,
    source: str,
    workload: str = DEFAULT_WORKLOAD,
    queued_for: str = "",
    scheduled_for: dt.datetime | None = None,
) -> SpeedTestRun:
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
        workload=workload,
        queued_for=queued_for,
        scheduled_for=scheduled_for,
    )


# (run id, the queue it goes to: None for the default queue)
QueuedRun = tuple[int, str | None]


def _enabled_targets() -> Iterable[SpeedTarget]:
    return SpeedTarget.objects.filter(enabled=True).select_related("offering__model")


def speed_runs_queue(
    *, source: str = SampleSource.SCHEDULED, targets: Iterable[SpeedTarget] | None = None
) -> list[QueuedRun]:
    """Now: one queued run per enabled target (or per target given), workload and prober
    region, in one transaction; the caller hands them to workers (tasks.speedtests_enqueue).
    A target whose model is retired is not tested (see _queued_unless_retired)."""
    today = timezone.localdate()
    with transaction.atomic():
        return [
            (run_id, queue)
            for target in (_enabled_targets() if targets is None else targets)
            for workload in target.workloads
            for region, queue in routes()
            if (
                run_id := _queued_unless_retired(
                    speed_run_create_for_target(
                        target=target, source=source, workload=workload, queued_for=region
                    ),
                    target,
                    today,
                )
            )
        ]


def _queued_unless_retired(run: SpeedTestRun, target: SpeedTarget, today: dt.date) -> int | None:
    """The run's id, or None when its model is retired (the flags module's rule): the run is
    then recorded as skipped, saying why, and never handed to a worker."""
    retired_on = target.offering.model.retired_on
    if not flags.is_retired(retired_on, today):
        return run.pk
    run.status = SpeedTestRun.Status.SKIPPED
    run.reason = f"the model was retired on {retired_on:%Y-%m-%d}: no longer served"
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "reason", "finished_at"])
    logger.info("speed test of %s skipped: %s", target, run.reason)
    return None


def speed_runs_queue_due(*, now: dt.datetime | None = None) -> list[QueuedRun]:
    """The scheduled runs that fell due since LOOKBACK ago and are not queued yet: for each
    enabled target, each of its workloads and each prober region (cadence.py)."""
    now = now or timezone.now()
    after = now - LOOKBACK
    targets = {target.pk: target for target in _enabled_targets()}
    due = list(
        due_between(
            targets=((t.pk, t.workloads) for t in targets.values()),
            after=after,
            until=now,
            runs_per_day=settings.SPEEDTEST_RUNS_PER_DAY,
        )
    )
    if not due:
        return []
    today = timezone.localdate()
    with transaction.atomic():
        queued = set(
            SpeedTestRun.objects.filter(
                scheduled_for__gt=after, scheduled_for__lte=now, target__isnull=False
            ).values_list("target_id", "workload", "queued_for", "scheduled_for")
        )
        return [
            (run_id, queue)
            for target_id, workload, moment in due
            for region, queue in routes()
            if (target_id, workload, region, moment) not in queued
            and (
                run_id := _queued_unless_retired(
                    speed_run_create_for_target(
                        target=targets[target_id],
                        source=SampleSource.SCHEDULED,
                        workload=workload,
                        queued_for=region,
                        scheduled_for=moment,
                    ),
                    targets[target_id],
                    today,
                )
            )
        ]


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
    if run.queued_for and run.queued_for != run.region:
        return _finish_skipped(
            run,
            f"queued for prober region {run.queued_for}, but this worker measures from "
            f"{run.region}: start the workers of queue speedtests.{run.queued_for} with "
            f"SPEEDTEST_PROBER_REGION={run.queued_for}",
        )
    api_key = NO_KEY
    if run.api_key_env:
        api_key = os.environ.get(run.api_key_env, "")
        if not api_key:
            return _finish_skipped(run, f"environment variable {run.api_key_env} is not set")
    over_budget = budget_reserve(run=run, now=timezone.now())
    if over_budget:
        return _finish_skipped(run, over_budget)
    workload = WORKLOADS[run.workload or DEFAULT_WORKLOAD]
    try:
        is_simulated = run.is_simulated or _is_simulator(run.base_url, api_key)
        results = measure_series_sync(
            base_url=run.base_url,
            api_model=run.api_model,
            api_key=api_key,
            prompts=WorkloadPrompts(workload, prompt_set=run.prompt_set or "standard"),
            concurrency=workload.concurrency,
            max_tokens=run.max_output_tokens,
            samples=run.samples_requested,
            timeout_s=settings.SPEEDTEST_TIMEOUT,
            stall_timeout_s=settings.SPEEDTEST_STALL_TIMEOUT,
            on_sample=on_sample,
            output_limit_param=run.output_limit_param,
        )
        note = input_off_target(
            workload, [r.input_tokens for r in results if r.ok and r.input_tokens is not None]
        )
        return _finish_completed(run, results, is_simulated=is_simulated, note=note)
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
        # Where this attempt measures from (speedtest_execute refuses it when the run was
        # queued for another region).
        run.region = prober_region()
        run.save(update_fields=["status", "attempt", "started_at", "region"])
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
    run: SpeedTestRun, results: Sequence[SampleResult], *, is_simulated: bool, note: str = ""
) -> SpeedTestRun:
    now = timezone.now()
    with transaction.atomic():
        current = _still_mine(run)
        if current is None:
            return SpeedTestRun.objects.get(pk=run.pk)
        samples = [
            SpeedSample.from_result(current, index=index, result=result, is_simulated=is_simulated)
            for index, result in enumerate(results)
        ]
        SpeedSample.objects.bulk_create(samples)
        current.status = SpeedTestRun.Status.COMPLETED
        current.is_simulated = is_simulated
        current.ok_samples = sum(1 for r in results if r.ok)
        current.error_samples = len(results) - current.ok_samples
        current.finished_at = now
        # A completed run's reason is a note for operators (the input length check).
        current.reason = note
        budget_settle(run=current, results=results, now=now)
        current.save()
        speed_aggregates_recompute(
            model_id=current.model_id,
            days={s.started_at.astimezone(UTC).date() for s in samples},
        )
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
