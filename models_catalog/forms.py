from django import forms
from django.utils.translation import gettext_lazy as _

from tokonomix.core.widgets import OneTemplateCheckboxes, OneTemplateSelect

from .models import Capability, Provider, Tier


class CatalogueFilters(forms.Form):
    """The filters every listing of models offers: provider, tier and capabilities (all
    optional, from the query string). `{{ form }}` renders the fields, in field order."""

    template_name = "models_catalog/filter_fields.html"

    provider = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=Provider.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All providers"),
        widget=OneTemplateSelect,
    )
    tier = forms.ModelChoiceField(
        label=_("Tier"),
        queryset=Tier.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All tiers"),
        widget=OneTemplateSelect,
    )
    capability = forms.MultipleChoiceField(
        label=_("Capabilities"),
        choices=Capability.choices,
        required=False,
        widget=OneTemplateCheckboxes,
    )


class ModelFilterForm(CatalogueFilters):
    """The catalogue list's search, filters and sort order (all optional, from the query string)."""

    SORTS = {
        "name": ("name", _("Name (A to Z)")),
        "-name": ("-name", _("Name (Z to A)")),
        "-release": ("-release_date", _("Newest first")),
        "release": ("release_date", _("Oldest first")),
    }

    field_order = ["q", "provider", "tier", "sort", "capability"]

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[(key, label) for key, (_field, label) in SORTS.items()],
        required=False,
        widget=OneTemplateSelect,
    )

    def order_by(self) -> list[str]:
        field = self.SORTS[self.cleaned_data.get("sort") or "name"][0]
        # Undated models go last whichever way dates are sorted.
        if field.lstrip("-") == "release_date":
            return [field, "name"]
        return [field]
