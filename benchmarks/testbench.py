"""The live testbench: a reader's prompt sent to two to four models at once.

How a run flows:

1. ``testbench_run_create`` (the form's view) checks the reader's hourly limits and the
   day's budget and writes the run with one result row per model, in one transaction;
   a refused run writes nothing.
2. After commit the run is handed on by ``testbench_dispatch``: to a Celery worker with
   ``.delay()`` when there is a broker; in the embedded default (eager tasks, no Redis)
   to a daemon thread of the web process, so the POST returns at once in both set-ups.
3. ``testbench_execute`` streams every model concurrently (one asyncio loop in a helper
   thread, one ``measure_stream_text`` per model) while the calling thread writes what
   has arrived to the result rows every ``PROGRESS_INTERVAL_S``. The database is only
   touched from the calling thread, so the network thread never waits on it and the
   timings stay clean.
4. The page polls ``status.json`` and fills in the text with ``textContent``; without
   JavaScript a reload shows the same rows.

Each finished request is also stored as a SpeedSample with source=testbench, so it counts
toward the model's availability but never toward its speed statistics.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import User
from django.db import OperationalError, connection, connections, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from models_catalog.models import Model
from pricing.costs import MILLION, format_usd
from pricing.models import PricePoint
from pricing.selectors import current_points
from tokonomix.ratelimit import rate_limit_hit

from .models import (
    TESTBENCH_MAX_MODELS,
    TESTBENCH_MAX_OUTPUT_TOKENS,
    TESTBENCH_MAX_PROMPT_CHARS,
    TESTBENCH_MIN_MODELS,
    SampleSource,
    SpeedSample,
    SpeedTarget,
    SpeedTestRun,
    TestbenchResult,
    TestbenchRun,
)
from .services import NO_KEY, speed_aggregates_recompute
from .streaming import (
    SampleResult,
    StreamedAnswer,
    measure_stream_text,
    scrub_secrets,
)

logger = logging.getLogger(__name__)

# How often streamed text reaches the database (and so the page).
PROGRESS_INTERVAL_S = 0.25
# A misbehaving server could stream far past max_tokens; keep this much of an answer.
MAX_ANSWER_CHARS = 60_000
RATE_WINDOW_S = 60 * 60
# Any constant: serialises the budget check of concurrent runs on PostgreSQL.
_BUDGET_LOCK_KEY = 7_261_001
UNFINISHED_RESULTS = (TestbenchResult.Status.QUEUED, TestbenchResult.Status.STREAMING)


class TestbenchRefused(Exception):
    """A run that may not start; the message is written for the reader."""


# --- what may be tested ------------------------------------------------------------------


@dataclass(frozen=True)
class TestbenchChoice:
    """A model the testbench offers, the target it calls, and the price it is billed at."""

    model: Model
    target: SpeedTarget
    price: PricePoint | None

    @property
    def label(self) -> str:
        return f"{self.model.name} (simulated)" if self.target.is_simulated else self.model.name


def _utc_today() -> dt.date:
    return timezone.now().astimezone(dt.UTC).date()


def testbench_choices() -> list[TestbenchChoice]:
    """Published models with an enabled target whose key this server has; 2 queries.

    A model with several targets is called through its best one: a real endpoint before
    the simulator, the reference offering before others. It is billed at the prices in
    force for the offering called, or else at its reference offering's.
    """
    targets = SpeedTarget.objects.filter(
        enabled=True, offering__model__is_published=True
    ).select_related("offering__model")
    best: dict[int, SpeedTarget] = {}
    for target in targets.order_by("pk"):
        if target.api_key_env and not os.environ.get(target.api_key_env):
            continue
        model = target.offering.model
        rank = (target.is_simulated, target.offering_id != model.reference_offering_id)
        current = best.get(model.pk)
        if current is None or rank < (
            current.is_simulated,
            current.offering_id != model.reference_offering_id,
        ):
            best[model.pk] = target
    offering_ids = {t.offering_id for t in best.values()}
    offering_ids |= {
        t.offering.model.reference_offering_id
        for t in best.values()
        if t.offering.model.reference_offering_id
    }
    prices = current_points(offering_ids=sorted(offering_ids), as_of=_utc_today())
    choices = []
    for target in best.values():
        model = target.offering.model
        price = prices.get(target.offering_id) or prices.get(model.reference_offering_id or 0)
        if price is not None and (
            price.input_per_million is None or price.output_per_million is None
        ):
            price = None
        choices.append(TestbenchChoice(model=model, target=target, price=price))
    choices.sort(key=lambda c: (c.model.name.lower(), c.model.pk))
    return choices


# --- cost -------------------------------------------------------------------------------


def prompt_tokens_estimate(*, system_prompt: str, prompt: str) -> int:
    """About four characters a token, rounded up: the worst case is what matters here."""
    return math.ceil((len(system_prompt) + len(prompt)) / 4)


def _cost(
    *,
    input_per_million: Decimal | None,
    output_per_million: Decimal | None,
    prompt_tokens: int,
    output_tokens: int,
) -> Decimal | None:
    if input_per_million is None or output_per_million is None:
        return None
    return (prompt_tokens * input_per_million + output_tokens * output_per_million) / MILLION


def testbench_spent_today() -> Decimal:
    """What today's (UTC) runs have spent or still hold in reserve; 1 query."""
    start = dt.datetime.combine(_utc_today(), dt.time.min, tzinfo=dt.UTC)
    total = TestbenchResult.objects.filter(run__created_at__gte=start).aggregate(
        total=Sum("budget_usd")
    )["total"]
    return total or Decimal(0)


def _lock_budget() -> None:
    # SQLite runs with IMMEDIATE transactions, which already serialise writers.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_BUDGET_LOCK_KEY])


# --- creating a run ---------------------------------------------------------------------


def client_hash(address: str) -> str:
    """A keyed hash of the client's address: enough to count requests, not to find anyone."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def testbench_rate_limit_hit(*, user_id: int, client: str) -> None:
    """Count one run for the account and for the client address; raise when over either."""
    limit = settings.TESTBENCH_RUNS_PER_HOUR
    for scope, key, who in (
        ("testbench-user", str(user_id), _("You have")),
        ("testbench-client", client, _("Your network address has")),
    ):
        allowance = rate_limit_hit(scope=scope, key=key, limit=limit, window_s=RATE_WINDOW_S)
        if not allowance.allowed:
            raise TestbenchRefused(
                _(
                    "%(who)s started %(limit)s testbench runs this hour, the most allowed. "
                    "Try again in %(minutes)s minutes."
                )
                % {"who": who, "limit": limit, "minutes": _minutes(allowance.retry_after_s)}
            )


def testbench_run_create(
    *,
    user: User,
    client_address: str,
    system_prompt: str,
    prompt: str,
    max_output_tokens: int,
    model_ids: list[int],
) -> TestbenchRun:
    """Check the limits and the day's budget, store the run, and start it after commit.

    Raises TestbenchRefused (nothing written) when a limit or the budget says no. The
    form checks the same limits first, so readers normally see its messages instead.
    """
    if not prompt.strip():
        raise TestbenchRefused(_("Write a prompt."))
    if len(prompt) + len(system_prompt) > TESTBENCH_MAX_PROMPT_CHARS:
        raise TestbenchRefused(
            _("The prompt and system prompt may have %(n)s characters together.")
            % {"n": f"{TESTBENCH_MAX_PROMPT_CHARS:,}"}
        )
    if not 1 <= max_output_tokens <= TESTBENCH_MAX_OUTPUT_TOKENS:
        raise TestbenchRefused(
            _("Maximum output tokens must be between 1 and %(n)s.")
            % {"n": f"{TESTBENCH_MAX_OUTPUT_TOKENS:,}"}
        )
    offered = {choice.model.pk: choice for choice in testbench_choices()}
    if len(set(model_ids)) != len(model_ids) or not (
        TESTBENCH_MIN_MODELS <= len(model_ids) <= TESTBENCH_MAX_MODELS
    ):
        raise TestbenchRefused(
            _("Pick between %(min)s and %(max)s different models.")
            % {"min": TESTBENCH_MIN_MODELS, "max": TESTBENCH_MAX_MODELS}
        )
    missing = [pk for pk in model_ids if pk not in offered]
    if missing:
        raise TestbenchRefused(_("One of the models picked can no longer be tested."))
    chosen = [offered[pk] for pk in model_ids]
    unpriced = [c.model.name for c in chosen if c.price is None and not c.target.is_simulated]
    if unpriced:
        raise TestbenchRefused(
            _("No current price for %(models)s, so the cost of a run cannot be capped.")
            % {"models": ", ".join(unpriced)}
        )

    prompt_estimate = prompt_tokens_estimate(system_prompt=system_prompt, prompt=prompt)
    worst_cases = [
        _cost(
            input_per_million=c.price.input_per_million if c.price else None,
            output_per_million=c.price.output_per_million if c.price else None,
            prompt_tokens=prompt_estimate,
            output_tokens=max_output_tokens,
        )
        or Decimal(0)
        for c in chosen
    ]
    testbench_rate_limit_hit(user_id=user.pk, client=client_hash(client_address))

    budget: Decimal = settings.TESTBENCH_DAILY_BUDGET_USD
    with transaction.atomic():
        _lock_budget()
        spent = testbench_spent_today()
        needed = sum(worst_cases, Decimal(0))
        if spent + needed > budget:
            raise TestbenchRefused(
                _(
                    "Today's testbench budget of %(budget)s is used up, so no more runs "
                    "start until midnight UTC. This run could cost up to %(needed)s and "
                    "%(left)s is left today."
                )
                % {
                    "budget": format_usd(budget),
                    "needed": format_usd(needed),
                    "left": format_usd(max(budget - spent, Decimal(0))),
                }
            )
        run = TestbenchRun.objects.create(
            user=user,
            client_hash=client_hash(client_address),
            system_prompt=system_prompt,
            prompt=prompt,
            max_output_tokens=max_output_tokens,
        )
        TestbenchResult.objects.bulk_create(
            [
                TestbenchResult(
                    run=run,
                    position=position,
                    model=choice.model,
                    target=choice.target,
                    api_model=choice.target.api_model,
                    is_simulated=choice.target.is_simulated,
                    input_per_million=choice.price.input_per_million if choice.price else None,
                    output_per_million=choice.price.output_per_million if choice.price else None,
                    prices_from=choice.price.effective_from if choice.price else None,
                    budget_usd=worst_case,
                )
                for position, (choice, worst_case) in enumerate(
                    zip(chosen, worst_cases, strict=True)
                )
            ]
        )
        transaction.on_commit(partial(testbench_dispatch, run.pk))
    return run


def testbench_dispatch(run_id: int) -> None:
    """Hand a committed run to a worker, or to a daemon thread when tasks are eager.

    An eager task would run inside the POST and keep the reader waiting for the slowest
    model with nothing on screen; a thread lets the page appear at once and follow the
    progress exactly as it does with a real worker.
    """
    from .tasks import run_testbench  # tasks import this module

    if settings.CELERY_TASK_ALWAYS_EAGER:
        threading.Thread(
            target=_run_in_thread, args=(run_id,), name=f"testbench-{run_id}", daemon=True
        ).start()
    else:
        run_testbench.delay(run_id)


def _run_in_thread(run_id: int) -> None:
    from .tasks import run_testbench

    try:
        run_testbench.apply(args=(run_id,), throw=True)
    except Exception:
        logger.exception("testbench run %s failed in its thread", run_id)
        testbench_fail(run_id=run_id, reason=_("the run stopped unexpectedly"))
    finally:
        connections.close_all()


# --- running ----------------------------------------------------------------------------


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
        speed_sample = SpeedSample.objects.create(**_sample_fields(speed_run, sample))
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
        speed_aggregates_recompute(model_id=result.model_id)


def _sample_fields(speed_run: SpeedTestRun, sample: SampleResult) -> dict[str, Any]:
    return {
        "run": speed_run,
        "model_id": speed_run.model_id,
        "source": SampleSource.TESTBENCH,
        "is_simulated": speed_run.is_simulated,
        "index": 0,
        "started_at": sample.started_at,
        "status": sample.status.value,
        "http_status": sample.http_status,
        "ttft_ms": sample.ttft_ms,
        "ttfat_ms": sample.ttfat_ms,
        "latency_ms": sample.latency_ms,
        "output_tokens": sample.output_tokens,
        "reasoning_tokens": sample.reasoning_tokens,
        "decode_tokens_per_second": sample.decode_tokens_per_second,
        "e2e_tokens_per_second": sample.e2e_tokens_per_second,
        "error": sample.error[:300],
    }


def testbench_fail(*, run_id: int, reason: str) -> None:
    """Fail an unfinished run and its unfinished results (time limit, lost worker)."""
    with transaction.atomic():
        updated = (
            TestbenchRun.objects.filter(pk=run_id)
            .exclude(status__in=[TestbenchRun.Status.COMPLETED, TestbenchRun.Status.FAILED])
            .update(
                status=TestbenchRun.Status.FAILED, reason=reason[:300], finished_at=timezone.now()
            )
        )
        if updated:
            TestbenchResult.objects.filter(run_id=run_id, status__in=UNFINISHED_RESULTS).update(
                status=TestbenchResult.Status.FAILED, error=reason[:300]
            )


def testbench_run_abandon_if_stale(*, run: TestbenchRun) -> bool:
    """Fail a run that has been unfinished past the task time limit (its worker was lost)."""
    if run.finished:
        return False
    limit = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    if run.created_at > timezone.now() - limit:
        return False
    testbench_fail(run_id=run.pk, reason=_("abandoned: the run never finished"))
    run.refresh_from_db()
    return True


# --- what the page, status.json and the exports show -----------------------------------

EMPTY = "—"


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def _tps(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _usd(value: Decimal | None) -> str:
    """format_usd without the dollar sign or thousands separators ('' when unknown)."""
    return "" if value is None else format_usd(value).removeprefix("$").replace(",", "")


@dataclass(frozen=True)
class ResultFigures:
    """One result exactly as every view of it shows it ('' for a figure not measured)."""

    position: int
    model: str
    model_slug: str
    api_model: str
    is_simulated: bool
    status: str
    status_label: str
    finished: bool
    answer: str
    error: str
    ttft_ms: str
    latency_ms: str
    output_tokens: str
    tokens_per_second: str
    cost_usd: str
    input_per_million: str
    output_per_million: str
    prices_from: str

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


CSV_COLUMNS = (
    "position",
    "model",
    "api_model",
    "is_simulated",
    "status",
    "ttft_ms",
    "latency_ms",
    "output_tokens",
    "tokens_per_second",
    "cost_usd",
    "input_per_million",
    "output_per_million",
    "prices_from",
    "error",
    "answer",
)


def result_figures(result: TestbenchResult) -> ResultFigures:
    return ResultFigures(
        position=result.position,
        model=result.model.name,
        model_slug=result.model.slug,
        api_model=result.api_model,
        is_simulated=result.is_simulated,
        status=result.status,
        status_label=str(result.get_status_display()),
        finished=result.finished,
        answer=result.answer,
        error=result.error,
        ttft_ms=_ms(result.ttft_ms),
        latency_ms=_ms(result.latency_ms),
        output_tokens="" if result.output_tokens is None else str(result.output_tokens),
        tokens_per_second=_tps(result.tokens_per_second),
        cost_usd=_usd(result.cost_usd),
        input_per_million=_usd(result.input_per_million),
        output_per_million=_usd(result.output_per_million),
        prices_from="" if result.prices_from is None else result.prices_from.isoformat(),
    )


@dataclass(frozen=True)
class RunView:
    run: TestbenchRun
    results: list[ResultFigures]

    @property
    def finished(self) -> bool:
        return self.run.finished

    def as_dict(self) -> dict[str, Any]:
        run = self.run
        return {
            "id": str(run.public_id),
            "status": run.status,
            "status_label": str(run.get_status_display()),
            "finished": run.finished,
            "reason": run.reason,
            "created_at": run.created_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "system_prompt": run.system_prompt,
            "prompt": run.prompt,
            "max_output_tokens": run.max_output_tokens,
            "results": [r.as_dict() for r in self.results],
        }


def testbench_run_view(*, public_id: UUID) -> RunView | None:
    """A run and its results as shown: 2 queries."""
    run = TestbenchRun.objects.filter(public_id=public_id).first()
    if run is None:
        return None
    results = run.results.select_related("model").order_by("position")
    return RunView(run=run, results=[result_figures(r) for r in results])
