from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import (
    CatalogueChange,
    Dispute,
    FactClaim,
    Host,
    Model,
    ModelAlias,
    ModelCapability,
    Offering,
    Provider,
    Region,
    Tier,
)


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country", "website", "model_count"]
    search_fields = ["name", "slug"]
    list_filter = ["country"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Provider]:
        return super().get_queryset(request).annotate(model_count=Count("models"))

    @admin.display(description=_("models"), ordering="model_count")
    def model_count(self, obj: Provider) -> int:
        return obj.model_count  # type: ignore[attr-defined]


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "rank", "is_flagship"]
    search_fields = ["code", "label"]
    ordering = ["rank"]


class ModelCapabilityInline(admin.TabularInline):
    model = ModelCapability
    extra = 0
    fields = ["capability", "supported", "source", "updated_at"]
    readonly_fields = ["updated_at"]


class ModelAliasInline(admin.TabularInline):
    model = ModelAlias
    extra = 0
    fields = ["alias", "origin"]


class OfferingInline(admin.TabularInline):
    model = Offering
    extra = 0
    fields = ["source_key", "host", "mode", "delisted_at"]
    readonly_fields = ["source_key", "host", "mode", "delisted_at"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Model)
class ModelAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "provider",
        "tier",
        "context_window",
        "release_date",
        "deprecation_date",
        "is_published",
    ]
    list_filter = ["is_published", "provider", "tier", "capabilities__capability"]
    list_select_related = ["provider", "tier"]
    search_fields = ["name", "slug", "family", "aliases__alias"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["provider", "successor", "peers", "reference_offering"]
    list_editable = ["is_published"]
    date_hierarchy = "release_date"
    inlines = [ModelCapabilityInline, ModelAliasInline, OfferingInline]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "provider", "family", "tier", "summary", "is_published"]},
        ),
        (
            _("Dates and lifecycle"),
            {
                "fields": [
                    "release_date",
                    "deprecation_date",
                    "deprecated_by_source",
                    "retired_on",
                    "successor",
                ]
            },
        ),
        (
            _("Limits"),
            {"fields": ["context_window", "max_output_tokens", "knowledge_cutoff", "open_weights"]},
        ),
        (
            _("Sources and peers"),
            {"fields": ["reference_offering", "facts_source_key", "peers"]},
        ),
    ]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Model], search_term: str
    ) -> tuple[QuerySet[Model], bool]:
        queryset, _may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Searching across aliases joins a to-many table; distinct keeps one row a model.
        return queryset.distinct(), False


@admin.register(ModelAlias)
class ModelAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "model", "origin", "created_at"]
    list_filter = ["origin"]
    search_fields = ["alias", "model__name", "model__slug"]
    autocomplete_fields = ["model"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Host)
class HostAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["source_key", "model", "host", "runs_in", "mode", "source", "delisted_at"]
    list_filter = ["source", "mode", "host", "regions", ("delisted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["model", "host"]
    search_fields = ["source_key", "model__name", "model__slug"]
    autocomplete_fields = ["model", "host"]
    filter_horizontal = ["regions"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Offering]:
        return super().get_queryset(request).prefetch_related("regions")

    @admin.display(description=_("runs in"))
    def runs_in(self, obj: Offering) -> str:
        return ", ".join(region.code.upper() for region in obj.regions.all()) or "—"


@admin.register(CatalogueChange)
class CatalogueChangeAdmin(admin.ModelAdmin):
    """A record of what syncs changed: read-only, for everyone."""

    list_display = ["recorded_at", "model", "field", "old_value", "new_value", "source_key"]
    list_filter = ["field", "source"]
    list_select_related = ["model"]
    search_fields = ["model__name", "model__slug", "source_key"]
    date_hierarchy = "recorded_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(FactClaim)
class FactClaimAdmin(admin.ModelAdmin):
    """What each source says of each fact: written by syncs, read by editors."""

    list_display = ["model", "field", "source", "value", "since", "source_key"]
    list_filter = ["source", "field"]
    list_select_related = ["model"]
    search_fields = ["model__slug", "model__name", "source_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    """Values the sources disagree on, for editors: the page marks them disputed and the
    price changes leave them out until the sources agree or an editor confirms."""

    list_display = ["model", "field", "host", "said", "status", "opened_on", "decided_by"]
    list_filter = ["status", "field"]
    list_select_related = ["model", "decided_by"]
    search_fields = ["model__slug", "model__name"]
    readonly_fields = [
        "model",
        "field",
        "host",
        "values",
        "offerings",
        "status",
        "opened_on",
        "closed_on",
        "decided_by",
        "decided_at",
    ]
    actions = ["confirm"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("what each source says"))
    def said(self, obj: Dispute) -> str:
        return "; ".join(f"{source}: {value}" for source, value in sorted(obj.values.items()))

    @admin.action(
        description=_("Confirm the value the site shows (it counts as a change again)"),
        permissions=["change"],
    )
    def confirm(self, request: HttpRequest, queryset: QuerySet[Dispute]) -> None:
        for dispute in queryset.filter(status=Dispute.Status.OPEN):
            dispute.confirm(by=request.user)
        self.message_user(request, _("Confirmed."), messages.SUCCESS)
