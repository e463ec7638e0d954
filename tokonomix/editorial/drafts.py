"""Verdicts opened for editors when a sync changes a published model's prices or capabilities.

A draft is never published by code: it is written by the site's automation account and
goes through the same review as everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from models_catalog.models import Capability, CatalogueChange, Model
from pricing.costs import format_usd
from pricing.models import PricePoint, SyncRun

from .models import Verdict

AUTOMATION_USERNAME = "tokonomix-automation"


@dataclass(frozen=True)
class ModelChanges:
    model: Model
    highlights: list[str]


def automation_user() -> Any:
    """The account automatic drafts are written by; it cannot sign in."""
    user, created = get_user_model().objects.get_or_create(
        username=AUTOMATION_USERNAME,
        defaults={"first_name": "Tokonomix", "last_name": "automation", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def sync_changes(*, run: SyncRun) -> list[ModelChanges]:
    """What the run changed for each published model: prices of its reference offering,
    and capabilities of the listing its facts follow."""
    by_model: dict[int, list[str]] = {}
    models: dict[int, Model] = {}
    points = PricePoint.objects.filter(
        sync_run=run,
        offering__model__is_published=True,
        # Only the reference offering speaks for the model's headline prices.
        offering__model__reference_offering_id=F("offering_id"),
    ).select_related("offering__model")
    for point in points:
        previous = (
            PricePoint.objects.filter(
                offering=point.offering, effective_from__lt=point.effective_from
            )
            .order_by("-effective_from")
            .first()
        )
        if previous is None:
            continue
        model = point.offering.model
        models[model.pk] = model
        for label, old, new in (
            ("Input", previous.input_per_million, point.input_per_million),
            ("Output", previous.output_per_million, point.output_per_million),
        ):
            if old is not None and new is not None and old != new:
                verb = "cut" if new < old else "raised"
                by_model.setdefault(model.pk, []).append(
                    f"{label} price {verb} from {format_usd(old)} to {format_usd(new)} per million"
                )
    changes = CatalogueChange.objects.filter(
        model__is_published=True,
        field__startswith="capability:",
        recorded_at__gte=run.started_at,
        recorded_at__lte=run.finished_at or timezone.now(),
    ).select_related("model")
    added: dict[int, list[str]] = {}
    removed: dict[int, list[str]] = {}
    order = [str(c.label) for c in Capability]
    ordered = sorted(changes, key=lambda c: order.index(str(Capability(c.field[11:]).label)))
    for change in ordered:
        models[change.model_id] = change.model
        label = str(Capability(change.field.split(":", 1)[1]).label)
        (added if change.new_value == "True" else removed).setdefault(change.model_id, []).append(
            label
        )
    for model_id, labels in added.items():
        by_model.setdefault(model_id, []).append(f"{_join(labels)} added")
    for model_id, labels in removed.items():
        by_model.setdefault(model_id, []).append(f"{_join(labels)} removed")
    return [ModelChanges(model=models[pk], highlights=lines) for pk, lines in by_model.items()]


def _join(labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def verdicts_draft_for_sync(*, sync_run_id: int) -> list[Verdict]:
    """Open one draft verdict per changed published model; running it twice opens none."""
    run = SyncRun.objects.get(pk=sync_run_id)
    if run.outcome != SyncRun.Outcome.APPLIED:
        return []
    author = automation_user()
    drafts = []
    for change in sync_changes(run=run):
        body = "\n".join(f"- {line}" for line in change.highlights)
        try:
            with transaction.atomic():
                verdict = Verdict.objects.create(
                    model=change.model,
                    date=run.as_of,
                    headline=change.highlights[0],
                    highlights="\n".join(change.highlights),
                    body=(
                        f"The {run.source} price map of {run.as_of:%Y-%m-%d} changed this "
                        f"model:\n\n{body}\n\nEditors: check what this means for readers "
                        "before submitting."
                    ),
                    auto_draft_key=f"sync:{run.pk}:{change.model.pk}",
                )
                verdict.record_revision(by=author)
        except IntegrityError:
            continue  # this run's draft for the model already exists
        drafts.append(verdict)
    return drafts
