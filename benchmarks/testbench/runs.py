"""The live testbench: a reader's prompt sent to two to four models at once.

How a run flows:

1. ``testbench_run_create`` (the form's view) checks the reader's hourly limits and the
   day's budget and writes the run with one result row per model, in one transaction;
   a refused run writes nothing.
2. After commit the caller hands the run on with ``tasks.testbench_dispatch``: to a
   Celery worker with ``.delay()`` when there is a broker; in the embedded default (eager
   tasks, no Redis) to a daemon thread of the web process, so the POST returns at once in
   both set-ups.
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

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pricing.costs import format_usd

from .choices import testbench_choices
from .limits import (
    TestbenchRefused,
    _cost,
    _lock_budget,
    client_hash,
    prompt_tokens_estimate,
    testbench_rate_limit_hit,
    testbench_spent_today,
)
from .models import (
    TESTBENCH_MAX_MODELS,
    TESTBENCH_MAX_OUTPUT_TOKENS,
    TESTBENCH_MAX_PROMPT_CHARS,
    TESTBENCH_MIN_MODELS,
    TestbenchResult,
    TestbenchRun,
)

UNFINISHED_RESULTS = (TestbenchResult.Status.QUEUED, TestbenchResult.Status.STREAMING)


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
    return run


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


def testbench_unsent_fail(*, run_id: int, reason: str) -> None:
    """Fail a run that never reached a worker: nothing was sent, so it holds no budget."""
    with transaction.atomic():
        testbench_fail(run_id=run_id, reason=reason)
        TestbenchResult.objects.filter(run_id=run_id).update(budget_usd=Decimal(0))
