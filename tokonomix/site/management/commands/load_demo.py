"""Load the demo catalogue: a small excerpt of litellm's price map plus editorial demo data."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from benchmarks.speed.demo import speed_demo_load
from models_catalog.models import Model, Tier
from pricing.models import SyncRun
from pricing.services import SyncRefused, prices_sync
from tokonomix.core.uploads import raster_image_reencoded
from tokonomix.core.workflow.models import EDITORS_GROUP, REVIEWERS_GROUP
from tokonomix.editorial.models import EvaluationScore, ModelProfile, Verdict

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
PRICE_MAP = DEMO_DIR / "price-map.json"
# Excerpts of the two other sources, for the models of the price map: what each says of
# the same prices and facts, so pages show sources, dates and disputes.
OTHER_SOURCES = {
    "genai-prices": DEMO_DIR / "genai-prices.json",
    "models.dev": DEMO_DIR / "models-dev.json",
}
EDITORIAL = DEMO_DIR / "editorial.json"
# Raster images of the demo profiles, drawn from the demo's own data (their README says how).
ILLUSTRATIONS = DEMO_DIR / "illustrations"
# The date the demo excerpt's prices are recorded as in force (litellm 1.110.2's map).
PRICE_MAP_DATE = dt.date(2026, 11, 16)
# Earlier real releases of litellm's map, cut to the demo's keys (demo/litellm-history/
# README.md), each synced as of the day it was published on PyPI, in date order, before the
# current map: the demo's price history (o3's cut, Mistral's and others' changes).
PRICE_HISTORY = [
    ("1.67.0", dt.date(2025, 4, 19)),
    ("1.72.0", dt.date(2025, 6, 1)),
    ("1.74.0", dt.date(2025, 7, 5)),
    ("1.77.5", dt.date(2025, 9, 28)),
    ("1.79.3", dt.date(2025, 11, 9)),
]
PRICE_HISTORY_DIR = DEMO_DIR / "litellm-history"

DEMO_USERS = {
    "editor": {
        "username": "demo-editor",
        "password": "demo-editor-pass-2026",
        "first_name": "Dana",
        "last_name": "Editor",
        "group": EDITORS_GROUP,
    },
    "reviewer": {
        "username": "demo-reviewer",
        "password": "demo-reviewer-pass-2026",
        "first_name": "Remy",
        "last_name": "Reviewer",
        "group": REVIEWERS_GROUP,
    },
}


class Command(BaseCommand):
    help = "Load the demo catalogue and prices (idempotent: running it again changes nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-live-test",
            action="store_true",
            help="Skip today's live speed test against an in-process simulator (its timings "
            "vary from run to run; the generated history does not).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._price_history()
        try:
            run = prices_sync(path=PRICE_MAP, as_of=PRICE_MAP_DATE)
        except SyncRefused as refused:
            raise CommandError(f"The demo price map was refused: {refused.run.reason}") from None
        self.stdout.write(f"Prices: {run.get_outcome_display()} ({run.entry_count} entries).")
        for source, path in OTHER_SOURCES.items():
            try:
                other = prices_sync(source=source, path=path, as_of=PRICE_MAP_DATE)
            except SyncRefused as refused:
                raise CommandError(f"The demo {source} excerpt was refused: {refused}") from None
            self.stdout.write(
                f"{source}: {other.get_outcome_display()} ({other.entry_count} entries, "
                f"{other.disputes_opened} disputes opened)."
            )
        editorial = json.loads(EDITORIAL.read_text())
        with transaction.atomic():
            tiers = self._tiers(editorial["tiers"])
            updated = self._models(editorial["models"], tiers)
        self.stdout.write(f"Editorial demo data: {updated} models described.")
        self._speed_demo(live_test=not options["no_live_test"])
        if settings.DEBUG:
            users = self._demo_users()
            self._demo_profiles(editorial["profiles"], **users)
            self._demo_use_cases(editorial["use_cases"], **users)
            self._demo_opinions(editorial["verdicts"], editorial["scores"], **users)

    def _price_history(self) -> None:
        """The earlier releases, once: a database that has synced litellm's map as of a
        later day keeps its history (a re-run, or a real site)."""
        synced = SyncRun.objects.filter(source="litellm", outcome=SyncRun.Outcome.APPLIED)
        for version, day in PRICE_HISTORY:
            if synced.filter(as_of__gte=day).exists():
                continue
            path = PRICE_HISTORY_DIR / f"litellm-{version}.json"
            try:
                # Excerpts cut to the demo's keys: fewer than a whole map's entries.
                run = prices_sync(path=path, as_of=day, min_entries=20)
            except SyncRefused as refused:
                raise CommandError(
                    f"The demo's litellm {version} excerpt was refused: {refused.run.reason}"
                ) from None
            self.stdout.write(
                f"Price history, litellm {version} as of {day}: {run.get_outcome_display()} "
                f"({run.entry_count} entries, {run.changed} prices changed)."
            )

    def _tiers(self, rows: list[dict[str, Any]]) -> dict[str, Tier]:
        tiers = {}
        for row in rows:
            tier, _created = Tier.objects.get_or_create(
                code=row["code"],
                defaults={
                    "is_flagship": row.get("is_flagship", False),
                    **{k: row[k] for k in ("label", "rank", "description")},
                },
            )
            tiers[tier.code] = tier
        return tiers

    def _models(self, rows: dict[str, dict[str, Any]], tiers: dict[str, Tier]) -> int:
        """Fill only empty fields, so editors' own changes survive a reload."""
        models = {m.slug: m for m in Model.objects.filter(slug__in=rows)}
        missing = sorted(set(rows) - set(models))
        if missing:
            raise CommandError(f"The demo price map has no model for {', '.join(missing)}")
        for slug, row in rows.items():
            model = models[slug]
            if model.tier_id is None and "tier" in row:
                model.tier = tiers[row["tier"]]
            for name in ("family", "summary"):
                if not getattr(model, name) and row.get(name):
                    setattr(model, name, row[name])
            if model.release_date is None and row.get("release_date"):
                model.release_date = dt.date.fromisoformat(row["release_date"])
            model.save()
            if row.get("peers") and not model.peers.exists():
                model.peers.set(Model.objects.filter(slug__in=row["peers"]))
        return len(rows)

    def _speed_demo(self, *, live_test: bool) -> None:
        """Simulated speed history for a few models (labelled simulated on every page)."""
        # In debug (make run, which also starts the simulator) the simulated targets are on.
        loaded = speed_demo_load(live_run=live_test, enable_targets=settings.DEBUG)
        self.stdout.write(f"Simulated speed data: {len(loaded)} models ({', '.join(loaded)}).")

    def _demo_users(self) -> dict[str, Any]:
        """Debug only: two staff accounts to try the editorial workflow with."""
        User = get_user_model()
        users = {}
        for role, account in DEMO_USERS.items():
            user, created = User.objects.get_or_create(
                username=account["username"],
                defaults={
                    "is_staff": True,
                    "first_name": account["first_name"],
                    "last_name": account["last_name"],
                },
            )
            if created:
                user.set_password(account["password"])
                user.save()
            # The data migration makes both groups; get_or_create keeps a flushed test
            # database (transactional tests) working too.
            user.groups.add(Group.objects.get_or_create(name=account["group"])[0])
            users[role] = user
            self.stdout.write(
                f"Demo {role}: sign in at /admin/ as {account['username']} / {account['password']}"
            )
        return users

    def _demo_profiles(self, rows: dict[str, Any], *, editor: Any, reviewer: Any) -> None:
        """Profiles written by the demo editor and approved by the demo reviewer, through
        the real workflow; a profile that already exists is left to the editors."""
        for slug, row in rows.items():
            model = Model.objects.get(slug=slug)
            if ModelProfile.objects.filter(model=model).exists():
                continue
            with transaction.atomic():
                profile = ModelProfile.objects.create(model=model)
                profile.authors.add(editor)
                profile.apply_revision_data(
                    {
                        "authors": [{"username": editor.username}],
                        "sections": row["sections"],
                        "strengths": row["strengths"],
                        "weaknesses": row["weaknesses"],
                        "faqs": row["faqs"],
                        "illustrations": [
                            self._illustration(item) for item in row.get("illustrations", [])
                        ],
                    }
                )
                profile.record_revision(by=editor)
                profile.submit(by=editor)
                profile.approve(by=reviewer, comment="Demo data, checked against the price map.")
                profile.publish(by=reviewer)
            self.stdout.write(f"Published the demo profile of {model.name}.")

    def _illustration(self, item: dict[str, Any]) -> dict[str, Any]:
        """A demo image, stored the way an editor's upload is (re-encoded, resized, WebP)."""
        path = ILLUSTRATIONS / item["file"]
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        image = raster_image_reencoded(upload)
        stored = default_storage.save(f"illustrations/{image.name}", image)
        return {
            "image": stored,
            "alt": item["alt"],
            "caption": item["caption"],
            "after_section": item.get("after_section"),
        }

    def _demo_use_cases(self, rows: list[dict[str, Any]], *, editor: Any, reviewer: Any) -> None:
        """Use-case pages written by the demo editor and published by the demo reviewer,
        through the real workflow; a use case that already exists is left to the editors."""
        from tokonomix.editorial.models import UseCase

        for row in rows:
            if UseCase.objects.filter(slug=row["slug"]).exists():
                continue
            with transaction.atomic():
                use_case = UseCase.objects.create(slug=row["slug"], title=row["title"], intro="")
                use_case.apply_revision_data(
                    {"title": row["title"], "intro": row["intro"], "entries": row["entries"]}
                )
                use_case.record_revision(by=editor)
                use_case.submit(by=editor)
                use_case.approve(by=reviewer, comment="Demo data, checked against the data.")
                use_case.publish(by=reviewer)
            self.stdout.write(f"Published the demo use case “{row['title']}”.")

    def _demo_opinions(
        self,
        verdicts: list[dict[str, Any]],
        scores: list[dict[str, Any]],
        *,
        editor: Any,
        reviewer: Any,
    ) -> None:
        """A published verdict and vendor-reported scores, through the workflow; once."""
        # Drafts a price sync opened (for the history's changes) are not opinions yet.
        if Verdict.objects.published().exists() or EvaluationScore.objects.exists():
            return
        models = {m.slug: m for m in Model.objects.all()}
        with transaction.atomic():
            items: list[Any] = [
                Verdict(
                    model=models[row["model"]],
                    date=dt.date.fromisoformat(row["date"]),
                    headline=row["headline"],
                    body=row["body"],
                    highlights="\n".join(row["highlights"]),
                    quality_score=Decimal(row["quality_score"]),
                )
                for row in verdicts
            ]
            items += [
                EvaluationScore(
                    model=models[row["model"]],
                    suite=row["suite"],
                    metric=row["metric"],
                    value=Decimal(row["value"]),
                    unit=row["unit"],
                    date=dt.date.fromisoformat(row["date"]),
                    source_url=row["source_url"],
                    notes=row["notes"],
                )
                for row in scores
            ]
            for item in items:
                item.save()
                item.record_revision(by=editor)
                item.submit(by=editor)
                item.approve(by=reviewer, comment="Demo data, checked against its source.")
                item.publish(by=reviewer)
        self.stdout.write(f"Published {len(verdicts)} demo verdict(s) and {len(scores)} scores.")
