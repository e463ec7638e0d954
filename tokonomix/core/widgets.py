"""Form widgets for filter forms, which render on every view of a listing page."""

from __future__ import annotations

from django import forms


class OneTemplateSelect(forms.Select):
    """A select rendered by one template, not one include per option (same markup)."""

    template_name = "widgets/select.html"


class OneTemplateCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes rendered by one template, not four includes per option (same markup)."""

    template_name = "widgets/checkboxes.html"
