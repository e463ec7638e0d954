"""Load the demo catalogue: a small excerpt of litellm's price map plus editorial demo data."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from models_catalog.models import Model, Tier
from pricing.services import SyncRefused, prices_sync

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
PRICE_MAP = DEMO_DIR / "price-map.json"
EDITORIAL = DEMO_DIR / "editorial.json"
# The date the demo excerpt's prices are recorded as in force (litellm 1.110.2's map).
PRICE_MAP_DATE = dt.date(2026, 11, 16)

DEMO_USERS = {
    "editor": {"username": "demo-editor", "password": "demo-editor-pass-2026"},
    "reviewer": {"username": "demo-reviewer", "password": "demo-reviewer-pass-2026"},
}


class Command(BaseCommand):
    help = "Load the demo catalogue and prices (idempotent: running it again changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = prices_sync(path=PRICE_MAP, as_of=PRICE_MAP_DATE)
        except SyncRefused as refused:
            raise CommandError(f"The demo price map was refused: {refused.run.reason}") from None
        self.stdout.write(f"Prices: {run.get_outcome_display()} ({run.entry_count} entries).")
        editorial = json.loads(EDITORIAL.read_text())
        with transaction.atomic():
            tiers = self._tiers(editorial["tiers"])
            updated = self._models(editorial["models"], tiers)
        self.stdout.write(f"Editorial demo data: {updated} models described.")
        if settings.DEBUG:
            self._demo_users()

    def _tiers(self, rows: list[dict[str, Any]]) -> dict[str, Tier]:
        tiers = {}
        for row in rows:
            tier, _created = Tier.objects.get_or_create(
                code=row["code"],
                defaults={k: row[k] for k in ("label", "rank", "description")},
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

    def _demo_users(self) -> None:
        """Debug only: two staff accounts to try the editorial workflow with."""
        User = get_user_model()
        for role, account in DEMO_USERS.items():
            user, created = User.objects.get_or_create(
                username=account["username"], defaults={"is_staff": True}
            )
            if created:
                user.set_password(account["password"])
                user.save()
            self.stdout.write(
                f"Demo {role}: sign in at /admin/ as {account['username']} / {account['password']}"
            )
