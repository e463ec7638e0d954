from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CostCalculatorForm(forms.Form):
    """The reader's own workload; every field has a sensible default."""

    input_tokens = forms.IntegerField(
        label=_("Input tokens per request"), min_value=0, max_value=10_000_000
    )
    cached_input_tokens = forms.IntegerField(
        label=_("of which cached"), min_value=0, max_value=10_000_000
    )
    output_tokens = forms.IntegerField(
        label=_("Output tokens per request"), min_value=0, max_value=10_000_000
    )
    requests_per_month = forms.IntegerField(
        label=_("Requests per month"), min_value=0, max_value=10_000_000_000
    )
    reasoning_overhead = forms.DecimalField(
        label=_("Reasoning overhead (%)"),
        min_value=Decimal(0),
        max_value=Decimal(10_000),
        decimal_places=1,
        help_text=_("Hidden reasoning tokens, billed as output, as a share of the answer."),
    )

    @classmethod
    def defaults(cls) -> dict[str, object]:
        return {
            "input_tokens": settings.TYPICAL_INPUT_TOKENS,
            "cached_input_tokens": 0,
            "output_tokens": settings.TYPICAL_OUTPUT_TOKENS,
            "requests_per_month": 10_000,
            "reasoning_overhead": Decimal(0),
        }

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        cached, total = data.get("cached_input_tokens"), data.get("input_tokens")
        if isinstance(cached, int) and isinstance(total, int) and cached > total:
            self.add_error("cached_input_tokens", _("Cached tokens are part of the input tokens."))
        return data
