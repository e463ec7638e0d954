"""Rebuild speed figures from the stored samples (after an upgrade, or to check them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benchmarks.models import SpeedSample
from benchmarks.speed.aggregates import speed_aggregates_recompute
from models_catalog.models import Model


class Command(BaseCommand):
    help = (
        "Rebuild the daily rows, breakdowns and summary (with their intervals) of every "
        "model with speed samples, or of --model."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", help="Slug of one catalogue model.")

    def handle(self, *args: Any, **options: Any) -> None:
        model_ids = SpeedSample.objects.values_list("model_id", flat=True).distinct()
        if options["model"]:
            try:
                model = Model.objects.get(slug=options["model"])
            except Model.DoesNotExist:
                raise CommandError(f"No model with slug {options['model']!r}.") from None
            model_ids = model_ids.filter(model=model)
        rebuilt = 0
        for model_id in sorted(set(model_ids)):
            speed_aggregates_recompute(model_id=model_id)
            rebuilt += 1
        self.stdout.write(f"Rebuilt the speed figures of {rebuilt} model(s).")
