"""Prices as change events per offering, and the record of every sync."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from models_catalog.models import Offering

# Per million tokens: below $1 a token is below $1,000,000 a million; ten decimals keep
# per-token prices exact down to 1e-16 dollars.
PRICE_FIELD = {"max_digits": 18, "decimal_places": 10, "null": True, "blank": True}

# The canonical kinds, in the order pages and CSV files show them.
PRICE_KINDS: dict[str, str] = {
    "input": "input_per_million",
    "output": "output_per_million",
    "cache_read": "cache_read_per_million",
    "cache_write": "cache_write_per_million",
    "batch_input": "batch_input_per_million",
    "batch_output": "batch_output_per_million",
}

PriceVector = dict[str, Decimal]  # kind (canonical or the source's field name) -> $ per million


def plain(value: Decimal | str | None) -> Decimal | None:
    """The same number without trailing zeros or exponent: 1.1000 -> 1.1, 1E+1 -> 10."""
    if value is None:
        return None
    return Decimal(format(Decimal(value).normalize(), "f"))


class SyncRun(models.Model):
    """One attempt to sync a price map, whatever came of it."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        APPLIED = "applied", _("Applied")
        UNCHANGED = "unchanged", _("Unchanged feed (same content)")
        DRY_RUN = "dry_run", _("Dry run (nothing written)")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    source = models.CharField(_("source"), max_length=40)
    location = models.CharField(_("URL or file"), max_length=500)
    as_of = models.DateField(_("effective date"))
    sha256 = models.CharField(max_length=64, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    entry_count = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(_("offerings added"), default=0)
    changed = models.PositiveIntegerField(_("prices changed"), default=0)
    unchanged = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    first_listed = models.PositiveIntegerField(
        _("prices first listed"),
        default=0,
        help_text=_("Prices an offering already had a price list for listed for the first time."),
    )
    delisted = models.PositiveIntegerField(default=0)
    not_in_catalogue = models.PositiveIntegerField(
        _("entries for models not in the catalogue"),
        default=0,
        help_text=_("Left out: this source adds no models, it checks those litellm lists."),
    )
    disputes_opened = models.PositiveIntegerField(
        _("disputes opened"),
        default=0,
        help_text=_("Values this source disagrees on with another, beyond the tolerance."),
    )
    facts_changed = models.PositiveIntegerField(_("catalogue facts changed"), default=0)
    invalid_entries = models.JSONField(
        default=list, blank=True, help_text=_("Each bad entry's key and reason.")
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    reason = models.TextField(blank=True)
    would_drop = models.PositiveIntegerField(
        _("offerings it drops"),
        default=0,
        help_text=_(
            "Listed offerings the feed no longer lists, when more than the shrink guard allows "
            "(the reason it was refused, or the drops someone accepted)."
        ),
    )
    drops_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drops accepted by"),
    )
    drops_accepted_by_name = models.CharField(
        _("drops accepted by (name)"),
        max_length=150,
        blank=True,
        help_text=_("The admin user, or the system account that ran the command."),
    )
    drops_accepted_at = models.DateTimeField(_("drops accepted at"), null=True, blank=True)
    accepts_run = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accepted_by_runs",
        verbose_name=_("applies the refused run"),
    )
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    hops = models.JSONField(
        _("URLs fetched"),
        default=list,
        blank=True,
        help_text=_("Every URL the download requested, in order (more than one after redirects)."),
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        permissions = [
            ("apply_refused_feed", _("Can apply a feed the shrink guard refused")),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class SyncLock(models.Model):
    """One row per source; a sync holds it (SELECT ... FOR UPDATE) while it writes."""

    source = models.CharField(max_length=40, unique=True)

    def __str__(self) -> str:
        return self.source


class PricePointQuerySet(models.QuerySet["PricePoint"]):
    def in_force_on(
        self, day: dt.date, *, offering_ids: list[int] | None = None
    ) -> PricePointQuerySet:
        """The one point per offering that was in force on the given day (for the given
        offerings, when the caller knows them: cheaper than deriving them from the points).

        The latest-point lookup runs once per offering (an index range on the unique
        (offering, effective_from) pair), not once per point of the history."""
        latest = (
            PricePoint.objects.filter(offering=models.OuterRef("pk"), effective_from__lte=day)
            .order_by("-effective_from")
            .values("pk")[:1]
        )
        offerings: Any = self.values("offering_id") if offering_ids is None else offering_ids
        in_force = (
            Offering.objects.filter(pk__in=offerings)
            .annotate(point_id=models.Subquery(latest))
            .values("point_id")
        )
        return self.filter(pk__in=in_force)

    def for_model(self, model_id: int) -> PricePointQuerySet:
        return self.filter(offering__model_id=model_id)


class PricePoint(models.Model):
    """The full price list of one offering from a date on, until the next point.

    A point is written only when a price that was already listed moves (a change event);
    a price listed for the first time joins the point in force and is recorded as a
    `PriceListing`, since it is news about the source, not about the price."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="price_points")
    effective_from = models.DateField(_("effective from"))
    observed_on = models.DateField(
        _("first seen on"),
        null=True,
        blank=True,
        help_text=_(
            "The date of the sync that first recorded these prices (empty: the effective date)."
        ),
    )
    date_source = models.CharField(
        _("effective date from"),
        max_length=40,
        blank=True,
        help_text=_(
            "The source whose own date the effective date is (genai-prices dates its "
            "changes); empty when it is the day a sync first saw the prices."
        ),
    )
    input_per_million = models.DecimalField(_("input $/M"), **PRICE_FIELD)  # type: ignore[arg-type]
    output_per_million = models.DecimalField(_("output $/M"), **PRICE_FIELD)  # type: ignore[arg-type]
    cache_read_per_million = models.DecimalField(_("cached input read $/M"), **PRICE_FIELD)  # type: ignore[arg-type]
    cache_write_per_million = models.DecimalField(_("cache write $/M"), **PRICE_FIELD)  # type: ignore[arg-type]
    batch_input_per_million = models.DecimalField(_("batch input $/M"), **PRICE_FIELD)  # type: ignore[arg-type]
    batch_output_per_million = models.DecimalField(_("batch output $/M"), **PRICE_FIELD)  # type: ignore[arg-type]
    other_prices = models.JSONField(
        _("other per-token prices ($/M)"),
        default=dict,
        blank=True,
        help_text=_("Every other per-token price the source lists, by its own field name."),
    )
    sync_run = models.ForeignKey(
        SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="price_points"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PricePointQuerySet.as_manager()

    class Meta:
        ordering = ["offering_id", "effective_from"]
        verbose_name = _("price point")
        verbose_name_plural = _("price points")
        constraints = [
            models.UniqueConstraint(
                fields=["offering", "effective_from"], name="one_price_point_per_offering_and_day"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{column}__gte": 0}) | Q(**{f"{column}__isnull": True}),
                    name=f"{column}_is_not_negative",
                )
                for column in PRICE_KINDS.values()
            ],
        ]
        indexes = [models.Index(fields=["effective_from"], name="price_point_effective_idx")]

    def __str__(self) -> str:
        return f"{self.offering} from {self.effective_from}"

    @property
    def first_seen_on(self) -> dt.date:
        """When a sync first recorded these prices; the effective date may be earlier."""
        return self.observed_on or self.effective_from

    def vector(self) -> PriceVector:
        """Every price of this point as kind -> $ per million (None prices left out)."""
        prices: PriceVector = {}
        for kind, column in PRICE_KINDS.items():
            value = getattr(self, column)
            if value is not None:
                prices[kind] = Decimal(value)
        for kind, value in self.other_prices.items():
            prices[kind] = Decimal(value)
        return prices

    def set_vector(self, prices: PriceVector) -> None:
        for kind, column in PRICE_KINDS.items():
            setattr(self, column, prices.get(kind))
        self.other_prices = {
            kind: str(value) for kind, value in sorted(prices.items()) if kind not in PRICE_KINDS
        }


class PriceListing(models.Model):
    """One price of an offering (input, cached input, batch, flex...): since when its source
    lists it, and until when. A price first listed is not a price change."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="listings")
    kind = models.CharField(_("price"), max_length=80)
    first_listed_on = models.DateField(_("first listed on"), db_index=True)
    first_value = models.DecimalField(_("first listed at $/M"), **PRICE_FIELD)  # type: ignore[arg-type]
    sync_run = models.ForeignKey(
        SyncRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="listings"
    )
    delisted_on = models.DateField(_("no longer listed from"), null=True, blank=True)
    last_value = models.DecimalField(_("last listed at $/M"), **PRICE_FIELD)  # type: ignore[arg-type]

    class Meta:
        ordering = ["offering_id", "kind"]
        verbose_name = _("price listing")
        verbose_name_plural = _("price listings")
        constraints = [
            models.UniqueConstraint(fields=["offering", "kind"], name="one_listing_per_price"),
        ]

    def __str__(self) -> str:
        return f"{self.offering} {self.kind} listed {self.first_listed_on}"


class HeldPriceChange(models.Model):
    """A price that moved more than tenfold in one sync: an editor confirms it first."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an editor")
        CONFIRMED = "confirmed", _("Confirmed and published")
        REJECTED = "rejected", _("Rejected")

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="held_prices")
    sync_run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="held_changes")
    effective_from = models.DateField()
    previous_prices = models.JSONField(default=dict)
    new_prices = models.JSONField(
        help_text=_("The whole price list the sync wanted to publish, $ per million.")
    )
    reason = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("held price change")
        verbose_name_plural = _("held price changes")

    def __str__(self) -> str:
        return f"{self.offering}: {self.reason}"
