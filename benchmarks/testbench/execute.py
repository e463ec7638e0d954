"""Running a testbench run: every model streamed at once, the answers written as they
arrive, each finished request stored as a speed sample (source: testbench)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..speed.models import SampleSource, SpeedSample, SpeedTestRun
from ..speed.regions import prober_region
from ..speed.services import NO_KEY, speed_aggregates_recompute
from ..speed.streaming import StreamedAnswer, measure_stream_text, scrub_secrets
from .limits import _cost, prompt_tokens_estimate
from .models import (
    TestbenchResult,
    TestbenchRun,
)
from .runs import UNFINISHED_RESULTS

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.25
# A misbehaving server could stream far past max_tokens; keep this much of an answer.
MAX_ANSWER_CHARS = 60_000


@dataclass
class _Job:
    result: TestbenchResult
    base_url: str
    api_key: str
    output_limit_param: Any


@dataclass
class _Slot:
    """One model's progress, written by the network thread and read by the caller."""

    parts: list[str] = field(default_factory=list)
    answer: StreamedAnswer | None = None
    crash: str = ""


class _Progress:
    def __init__(self, count: int) -> None:
        self._lock = threading.Lock()
        self._slots = [_Slot() for _ in range(count)]

    def add(self, index: int, text: str) -> None:
        with self._lock:
            self._slots[index].parts.append(text)

    def finish(self, index: int, answer: StreamedAnswer) -> None:
        with self._lock:
            self._slots[index].answer = answer

    def crash(self, index: int, reason: str) -> None:
        with self._lock:
            self._slots[index].crash = reason or "crashed"

    def snapshot(self, index: int) -> tuple[str, StreamedAnswer | None, str]:
        with self._lock:
            slot = self._slots[index]
            return "".join(slot.parts), slot.answer, slot.crash


def _messages(run: TestbenchRun) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    if run.system_prompt:
        messages.append({"role": "system", "content": run.system_prompt})
    messages.append({"role": "user", "content": run.prompt})
    return messages


async def _stream_all(
    jobs: list[_Job],
    progress: _Progress,
    *,
    messages: list[dict[str, Any]],
    max_tokens: int,
    timeout_s: float,
    stall_timeout_s: float,
) -> None:
    async def one(index: int, job: _Job) -> None:
        try:
            answer = await measure_stream_text(
                base_url=job.base_url,
                api_model=job.result.api_model,
                api_key=job.api_key,
                messages=messages,
                max_tokens=max_tokens,
                timeout_s=timeout_s,
                stall_timeout_s=stall_timeout_s,
                output_limit_param=job.output_limit_param,
                on_text=partial(progress.add, index),
                max_chars=MAX_ANSWER_CHARS,
            )
        except Exception as exc:  # a bug must not take the other models down
            progress.crash(index, scrub_secrets(f"{type(exc).__name__}: {exc}", (job.api_key,)))
        else:
            progress.finish(index, answer)

    # At most TESTBENCH_MAX_MODELS streams, all started together.
    await asyncio.gather(*(one(index, job) for index, job in enumerate(jobs)))


def _claim(run_id: int) -> TestbenchRun | None:
    """Start a queued run (or take over one whose worker died); None if nothing to do."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = (
        TestbenchRun.objects.filter(pk=run_id)
        .filter(
            Q(status=TestbenchRun.Status.QUEUED)
            | Q(status=TestbenchRun.Status.RUNNING, started_at__lt=stale)
        )
        .update(status=TestbenchRun.Status.RUNNING, started_at=now, attempt=F("attempt") + 1)
    )
    if not claimed:
        return None
    return TestbenchRun.objects.get(pk=run_id)


def _is_lock(error: OperationalError) -> bool:
    return "locked" in str(error)


def _while_locked(write: Callable[[], object], *, tries: int = 40) -> None:
    """Retry a write SQLite refused because a reader held its lock (the embedded default
    runs the testbench in a thread beside the web process); other errors propagate."""
    for attempt in range(tries):
        try:
            write()
            return
        except OperationalError as error:
            if not _is_lock(error) or attempt == tries - 1:
                raise
            time.sleep(0.05)


def testbench_execute(*, run_id: int) -> TestbenchRun:
    """Stream every model of a run and record the answers. Safe to call twice."""
    run = _claim(run_id)
    if run is None:
        return TestbenchRun.objects.get(pk=run_id)
    jobs: list[_Job] = []
    for result in run.results.select_related("target").filter(status__in=UNFINISHED_RESULTS):
        target = result.target
        if target is None or not target.enabled:
            _result_fail(result, _("this model's test endpoint was removed or switched off"))
            continue
        api_key = NO_KEY
        if target.api_key_env:
            api_key = os.environ.get(target.api_key_env, "")
            if not api_key:
                _result_fail(result, _("this model's API key is not configured on this server"))
                continue
        jobs.append(
            _Job(
                result=result,
                base_url=target.base_url,
                api_key=api_key,
                output_limit_param=target.output_limit_param,
            )
        )
    TestbenchResult.objects.filter(pk__in=[job.result.pk for job in jobs]).update(
        status=TestbenchResult.Status.STREAMING
    )

    progress = _Progress(len(jobs))
    stream = partial(
        _stream_all,
        jobs,
        progress,
        messages=_messages(run),
        max_tokens=run.max_output_tokens,
        timeout_s=settings.SPEEDTEST_TIMEOUT,
        stall_timeout_s=settings.SPEEDTEST_STALL_TIMEOUT,
    )
    network = threading.Thread(
        target=lambda: asyncio.run(stream()), name=f"testbench-net-{run.pk}", daemon=True
    )
    network.start()
    # measure_stream_text enforces SPEEDTEST_TIMEOUT per request; this is a backstop.
    deadline = time.monotonic() + settings.SPEEDTEST_TIMEOUT + 30
    written = [""] * len(jobs)
    done = [False] * len(jobs)
    while True:
        network.join(PROGRESS_INTERVAL_S)
        running = network.is_alive()
        for index, job in enumerate(jobs):
            if done[index]:
                continue
            text, answer, crash = progress.snapshot(index)
            if answer is not None:
                _while_locked(partial(_result_finish, run, job, answer))
                done[index] = True
            elif crash:
                _while_locked(partial(_result_fail, job.result, crash, sent=True, answer_text=text))
                done[index] = True
            elif text != written[index]:
                try:
                    TestbenchResult.objects.filter(
                        pk=job.result.pk, status__in=UNFINISHED_RESULTS
                    ).update(answer=text)
                except OperationalError as error:
                    if not _is_lock(error):
                        raise
                    continue  # progress is advisory: the next tick writes it
                written[index] = text
        if not running or time.monotonic() > deadline:
            break
    for index, job in enumerate(jobs):
        if not done[index]:
            text, _answer, _crash = progress.snapshot(index)
            _result_fail(job.result, _("no complete answer in time"), sent=True, answer_text=text)
    _while_locked(
        partial(
            TestbenchRun.objects.filter(pk=run.pk, status=TestbenchRun.Status.RUNNING).update,
            status=TestbenchRun.Status.COMPLETED,
            finished_at=timezone.now(),
        )
    )
    run.refresh_from_db()
    return run


def _result_fail(
    result: TestbenchResult, reason: str, *, sent: bool = False, answer_text: str | None = None
) -> None:
    """A result with no measurement: nothing was sent, or our side gave up on it.

    A request that was never sent holds no budget; one that was keeps its worst case,
    since the provider may bill it.
    """
    fields: dict[str, Any] = {"status": TestbenchResult.Status.FAILED, "error": reason[:300]}
    if not sent:
        fields["budget_usd"] = Decimal(0)
    if answer_text is not None:
        fields["answer"] = answer_text
    TestbenchResult.objects.filter(pk=result.pk, status__in=UNFINISHED_RESULTS).update(**fields)


def _result_finish(run: TestbenchRun, job: _Job, answer: StreamedAnswer) -> None:
    """Store one model's answer, its figures and cost, and its speed sample, atomically."""
    result = job.result
    sample = answer.sample
    now = timezone.now()
    with transaction.atomic():
        speed_run = SpeedTestRun.objects.create(
            target=result.target,
            model_id=result.model_id,
            offering_id=result.target.offering_id if result.target else None,
            region=prober_region(),
            # The reader's own prompt: no workload, so it counts toward availability only.
            workload="",
            source=SampleSource.TESTBENCH,
            status=SpeedTestRun.Status.COMPLETED,
            base_url=job.base_url.rstrip("/"),
            api_model=result.api_model,
            api_key_env=result.target.api_key_env if result.target else "",
            is_simulated=result.is_simulated,
            samples_requested=1,
            max_output_tokens=run.max_output_tokens,
            prompt_set="",
            output_limit_param=job.output_limit_param,
            attempt=1,
            ok_samples=1 if sample.ok else 0,
            error_samples=0 if sample.ok else 1,
            started_at=sample.started_at,
            finished_at=now,
        )
        speed_sample = SpeedSample.from_result(
            speed_run, index=0, result=sample, is_simulated=speed_run.is_simulated
        )
        speed_sample.save()
        fields: dict[str, Any] = {"answer": answer.text, "sample": speed_sample}
        if sample.ok:
            prompt_tokens = answer.prompt_tokens
            if prompt_tokens is None:
                prompt_tokens = prompt_tokens_estimate(
                    system_prompt=run.system_prompt, prompt=run.prompt
                )
            cost = _cost(
                input_per_million=result.input_per_million,
                output_per_million=result.output_per_million,
                prompt_tokens=prompt_tokens,
                output_tokens=sample.output_tokens or 0,
            )
            fields.update(
                status=TestbenchResult.Status.COMPLETED,
                ttft_ms=sample.ttft_ms,
                latency_ms=sample.latency_ms,
                output_tokens=sample.output_tokens,
                prompt_tokens=answer.prompt_tokens,
                tokens_per_second=sample.decode_tokens_per_second,
                cost_usd=cost,
                budget_usd=cost or Decimal(0),
            )
        else:
            fields.update(status=TestbenchResult.Status.FAILED, error=sample.error[:300])
            if sample.http_status != 200:
                # Refused before any answer (auth, rate limit, server error): not billed.
                fields["budget_usd"] = Decimal(0)
        TestbenchResult.objects.filter(pk=result.pk, status__in=UNFINISHED_RESULTS).update(**fields)
        speed_aggregates_recompute(
            model_id=result.model_id, days={sample.started_at.astimezone(UTC).date()}
        )
