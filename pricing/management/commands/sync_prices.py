import datetime as dt
import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing.services import SyncRefused, prices_sync
from pricing.sources import available_sources


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-of must be YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = (
        "Sync a price source (litellm by default; genai-prices, models.dev) from its published "
        "URL, another URL or a file into prices and the catalogue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--url", help="Fetch the price map from this URL.")
        where.add_argument("--file", type=Path, help="Read the price map from this file.")
        parser.add_argument(
            "--source",
            default="litellm",
            choices=available_sources(),
            help="Which source the feed is: litellm (the default), genai-prices or models.dev.",
        )
        parser.add_argument(
            "--as-of", type=str, help="Effective date of the prices (default: today)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--accept-drops",
            action="store_true",
            help="Apply a feed the shrink guard refuses because it no longer lists many "
            "offerings: they are delisted (never deleted), and the run records who accepted "
            "it, when and how many it dropped.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _date(options["as_of"]) if options["as_of"] else None
        show_progress = options["verbosity"] > 0
        try:
            run = prices_sync(
                source=options["source"],
                url=options["url"],
                path=options["file"],
                as_of=as_of,
                dry_run=options["dry_run"],
                progress=self._progress if show_progress else None,
                accept_drops=options["accept_drops"],
                accepted_by_name=f"{getpass.getuser()} (manage.py sync_prices --accept-drops)",
            )
        except SyncRefused as refused:
            if show_progress:
                sys.stdout.write("\n")
            raise CommandError(
                f"Sync {refused.run.outcome} (run {refused.run.pk}): {refused.run.reason}"
            ) from None
        if show_progress:
            self.stdout.write("")
        self.stdout.write(
            f"Sync run {run.pk}: {run.get_outcome_display()}. "
            f"{run.entry_count} entries, {run.added} offerings added, {run.changed} prices "
            f"changed, {run.first_listed} first listed, {run.unchanged} unchanged, "
            f"{run.invalid} invalid, {run.held} held for review, {run.delisted} delisted, "
            f"{run.facts_changed} catalogue facts changed, {run.disputes_opened} disputes opened, "
            f"{run.not_in_catalogue} entries for models not in the catalogue "
            f"({run.duration_ms} ms)."
        )
        if run.drops_accepted_at is not None:
            self.stdout.write(
                f"Accepted on purpose by {run.drops_accepted_by_name}: "
                f"{run.would_drop} offerings no longer listed were delisted (not deleted)."
            )
        if run.reason:
            self.stdout.write(run.reason)
        for bad in run.invalid_entries[:20]:
            self.stdout.write(f"  invalid: {bad['key']}: {bad['reason']}")
        if run.invalid > 20:
            self.stdout.write(f"  ... and {run.invalid - 20} more (see the sync run in the admin)")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} entries", ending="")
        self.stdout.flush()
