"""Where each catalogue fact came from: which source says what, since when, and the
values the sources disagree on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import Model, Offering


class FactClaim(models.Model):
    """What one source says about one fact of a model (its context window, a capability,
    its deprecation date...), and since when it says so. The model's own field holds the
    value of the source that field trusts first (`models_catalog.facts.PRECEDENCE`)."""

    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="claims")
    field = models.CharField(_("fact"), max_length=40)
    source = models.CharField(_("source"), max_length=40)
    source_key = models.CharField(_("source entry"), max_length=255)
    value = models.CharField(_("value"), max_length=255)
    since = models.DateField(_("says so since"))

    class Meta:
        ordering = ["model_id", "field", "source"]
        verbose_name = _("fact claim")
        verbose_name_plural = _("fact claims")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "field", "source"], name="one_claim_per_fact_and_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model}: {self.field} = {self.value} ({self.source})"


class DisputeQuerySet(models.QuerySet["Dispute"]):
    def open(self) -> DisputeQuerySet:
        return self.filter(status=Dispute.Status.OPEN)


class Dispute(models.Model):
    """Sources disagree on a value beyond the tolerance: shown on the page as disputed,
    listed for editors, and kept out of the price changes until the sources agree again
    (resolved) or an editor confirms the value the site shows (confirmed)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open: sources disagree")
        CONFIRMED = "confirmed", _("Confirmed by an editor")
        RESOLVED = "resolved", _("Resolved: sources agree again")

    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="disputes")
    field = models.CharField(
        _("fact or price"), max_length=40, help_text=_('e.g. "context_window", "price:input".')
    )
    host = models.CharField(
        _("host"), max_length=80, blank=True, help_text=_("Whose price, for a price.")
    )
    values = models.JSONField(_("what each source says"), default=dict)
    offerings = models.ManyToManyField(
        Offering, blank=True, related_name="disputes", verbose_name=_("offerings in dispute")
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("resolved on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("dispute between sources")
        verbose_name_plural = _("disputes between sources")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "field", "host"],
                condition=Q(status__in=["open", "confirmed"]),
                name="one_live_dispute_per_value",
            ),
        ]

    def __str__(self) -> str:
        said = "; ".join(f"{source} says {value}" for source, value in sorted(self.values.items()))
        return f"{self.model} {self.field}: {said}"

    def confirm(self, *, by: Any) -> None:
        """An editor confirms the value the site shows; the dispute stops holding it back."""
        updated = Dispute.objects.filter(pk=self.pk, status=self.Status.OPEN).update(
            status=self.Status.CONFIRMED, decided_by=by, decided_at=timezone.now()
        )
        if updated:
            self.status = self.Status.CONFIRMED
