from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import HeldPriceChange, PriceListing, PricePoint, SyncRun
from .services import SyncRefused, held_price_confirm, held_price_reject, refused_feed_apply


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by syncs: visible to staff, changed by nobody."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "source",
        "outcome",
        "as_of",
        "entry_count",
        "added",
        "changed",
        "unchanged",
        "invalid",
        "held",
        "first_listed",
        "delisted",
        "would_drop",
        "drops_accepted_by_name",
        "duration_ms",
    ]
    list_filter = ["outcome", "source"]
    search_fields = ["location", "sha256", "reason"]
    date_hierarchy = "started_at"
    actions = ["apply_anyway"]

    def has_apply_refused_feed_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("pricing.apply_refused_feed")

    @admin.action(
        description=_("Apply anyway: accept the offerings a refused feed drops"),
        permissions=["apply_refused_feed"],
    )
    def apply_anyway(self, request: HttpRequest, queryset: QuerySet[SyncRun]) -> None:
        for run in queryset:
            try:
                applied = refused_feed_apply(run=run, by=request.user)
            except ValueError as error:
                self.message_user(request, str(error), messages.ERROR)
            except SyncRefused as refused:
                self.message_user(
                    request,
                    _("Sync run %(run)s was not applied: %(reason)s")
                    % {"run": run.pk, "reason": refused.run.reason},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("Applied as sync run %(new)s: %(n)s offerings delisted, recorded as yours.")
                    % {"new": applied.pk, "n": applied.delisted},
                    messages.SUCCESS,
                )


@admin.register(PricePoint)
class PricePointAdmin(ReadOnlyAdmin):
    list_display = [
        "offering",
        "effective_from",
        "input_per_million",
        "output_per_million",
        "cache_read_per_million",
        "observed_on",
        "date_source",
        "sync_run",
    ]
    list_select_related = ["offering", "sync_run"]
    list_filter = ["offering__source", "offering__host"]
    search_fields = ["offering__source_key", "offering__model__name"]
    date_hierarchy = "effective_from"


@admin.register(PriceListing)
class PriceListingAdmin(ReadOnlyAdmin):
    list_display = ["offering", "kind", "first_listed_on", "first_value", "delisted_on"]
    list_select_related = ["offering"]
    list_filter = ["offering__source"]
    search_fields = ["offering__source_key", "kind"]
    date_hierarchy = "first_listed_on"


@admin.register(HeldPriceChange)
class HeldPriceChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "offering", "effective_from", "reason", "status", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["offering", "decided_by"]
    search_fields = ["offering__source_key", "reason"]
    readonly_fields = [
        "offering",
        "sync_run",
        "effective_from",
        "previous_prices",
        "new_prices",
        "reason",
        "status",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    actions = ["confirm", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Confirm: publish these prices"), permissions=["change"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[HeldPriceChange]) -> None:
        for held in queryset:
            held_price_confirm(held=held, by=request.user)
        self.message_user(request, _("Confirmed prices are published."), messages.SUCCESS)

    @admin.action(description=_("Reject: keep the previous prices"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[HeldPriceChange]) -> None:
        for held in queryset:
            held_price_reject(held=held, by=request.user)
        self.message_user(request, _("Rejected; the previous prices stay."), messages.SUCCESS)
