"""Run speed tests now, in this process: the configured targets, or any endpoint."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from benchmarks.models import (
    MAX_OUTPUT_TOKENS,
    MAX_SAMPLES_PER_TEST,
    SampleSource,
    SpeedTarget,
    SpeedTestRun,
    env_var_name_validator,
    validate_endpoint_url,
)
from benchmarks.speed.prompts import PromptSet
from benchmarks.speed.services import (
    SpeedTestError,
    speed_run_create,
    speed_run_create_for_target,
    speedtest_execute,
)
from benchmarks.speed.streaming import SampleResult
from benchmarks.speed.workloads import DEFAULT_WORKLOAD, WorkloadCode
from models_catalog.models import Model


def _bounded(low: int, high: int) -> Any:
    def parse(value: str) -> int:
        number = int(value)
        if not low <= number <= high:
            raise ValueError(f"must be between {low} and {high}")
        return number

    parse.__name__ = f"integer from {low} to {high}"
    return parse


class Command(BaseCommand):
    help = (
        "Run speed tests now. Without --base-url: the enabled targets (of --model). With "
        "--base-url and --api-model: that endpoint, stored under --model."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", help="Slug of the catalogue model.")
        parser.add_argument("--runs", type=_bounded(1, 100), default=1, help="Tests per target.")
        parser.add_argument("--base-url", help="Test this OpenAI-compatible endpoint instead.")
        parser.add_argument("--api-model", help="The model name that endpoint expects.")
        parser.add_argument(
            "--api-key-env",
            default="",
            help="NAME of the environment variable holding its key (none: no key needed).",
        )
        parser.add_argument(
            "--samples",
            type=_bounded(1, MAX_SAMPLES_PER_TEST),
            default=6,
            help="Requests per test (endpoint tests only; targets use their own setting).",
        )
        parser.add_argument(
            "--max-tokens", type=_bounded(1, MAX_OUTPUT_TOKENS), default=200, dest="max_tokens"
        )
        parser.add_argument("--prompt-set", choices=PromptSet.values, default=PromptSet.STANDARD)
        parser.add_argument(
            "--workload",
            choices=WorkloadCode.values,
            help="Test this workload (default: each of the target's, or standard for an endpoint).",
        )
        parser.add_argument(
            "--simulated",
            action="store_true",
            help="Label the figures simulated (automatic when the endpoint is our simulator).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        model = self._model(options["model"]) if options["model"] else None
        if options["base_url"] or options["api_model"]:
            runs = self._endpoint_runs(model, options)
        else:
            runs = self._target_runs(model, options["runs"], options["workload"])
        failed = 0
        for make_run in runs:
            run = make_run()
            self.stdout.write(f"Run {run.pk}: {run.api_model} at {run.base_url} ({run.workload})")
            try:
                run = speedtest_execute(run_id=run.pk, on_sample=self._progress)
            except SpeedTestError as error:
                failed += 1
                self.stderr.write(f"  failed: {error}")
                continue
            self.stdout.write(self._describe(run))
        if failed:
            raise CommandError(f"{failed} run(s) failed.")

    def _model(self, slug: str) -> Model:
        try:
            return Model.objects.get(slug=slug)
        except Model.DoesNotExist:
            raise CommandError(f"No model with slug {slug!r}.") from None

    def _target_runs(self, model: Model | None, runs: int, workload: str | None) -> list[Any]:
        targets = SpeedTarget.objects.filter(enabled=True).select_related("offering__model")
        if model is not None:
            targets = targets.filter(offering__model=model)
        targets_list = list(targets)
        if not targets_list:
            where = f" for {model.slug}" if model else ""
            raise CommandError(f"No enabled speed-test target{where}.")
        return [
            (
                lambda t=target, w=chosen: speed_run_create_for_target(
                    target=t, source=SampleSource.MANUAL, workload=w
                )
            )
            for target in targets_list
            for chosen in ([workload] if workload else target.workloads)
            for _ in range(runs)
        ]

    def _endpoint_runs(self, model: Model | None, options: dict[str, Any]) -> list[Any]:
        if model is None or not options["base_url"] or not options["api_model"]:
            raise CommandError("Testing an endpoint needs --model, --base-url and --api-model.")
        try:
            validate_endpoint_url(options["base_url"])
            if options["api_key_env"]:
                env_var_name_validator(options["api_key_env"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

        def make() -> SpeedTestRun:
            return speed_run_create(
                model=model,
                base_url=options["base_url"],
                api_model=options["api_model"],
                api_key_env=options["api_key_env"],
                source=SampleSource.MANUAL,
                samples=options["samples"],
                max_output_tokens=options["max_tokens"],
                prompt_set=options["prompt_set"],
                is_simulated=options["simulated"],
                workload=options["workload"] or DEFAULT_WORKLOAD,
            )

        return [make for _ in range(options["runs"])]

    def _progress(self, result: SampleResult) -> None:
        if self.verbosity < 2:
            return
        if result.ok:
            self.stdout.write(
                f"  ok: TTFT {result.ttft_ms:.0f} ms, {result.latency_ms:.0f} ms, "
                f"{result.output_tokens} tokens"
            )
        else:
            self.stdout.write(f"  {result.status.value}: {result.error}")

    def _describe(self, run: SpeedTestRun) -> str:
        if run.status == SpeedTestRun.Status.SKIPPED:
            return f"  skipped: {run.reason}"
        if run.status != SpeedTestRun.Status.COMPLETED:
            return f"  {run.status}: {run.reason}"
        label = " (simulated)" if run.is_simulated else ""
        note = f"; {run.reason}" if run.reason else ""
        return (
            f"  completed{label} from {run.region}: {run.ok_samples} ok, "
            f"{run.error_samples} failed{note}"
        )
