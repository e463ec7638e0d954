"""The live testbench form: the limits a reader sees as messages, never as an error page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import TestbenchChoice
from .models import (
    TESTBENCH_MAX_MODELS,
    TESTBENCH_MAX_OUTPUT_TOKENS,
    TESTBENCH_MAX_PROMPT_CHARS,
    TESTBENCH_MIN_MODELS,
)


class TestbenchForm(forms.Form):
    models = forms.TypedMultipleChoiceField(
        label=_("Models"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Two to four models with a test endpoint."),
    )
    system_prompt = forms.CharField(
        label=_("System prompt (optional)"),
        required=False,
        strip=False,
        max_length=TESTBENCH_MAX_PROMPT_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    prompt = forms.CharField(
        label=_("Prompt"),
        strip=False,
        max_length=TESTBENCH_MAX_PROMPT_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("At most 8,000 characters, together with the system prompt."),
    )
    max_output_tokens = forms.IntegerField(
        label=_("Maximum output tokens"),
        min_value=1,
        max_value=TESTBENCH_MAX_OUTPUT_TOKENS,
        initial=300,
    )

    def __init__(self, *args: Any, choices: list[TestbenchChoice], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = {choice.model.pk: choice for choice in choices}
        field = self.fields["models"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(choice.model.pk, choice.label) for choice in choices]

    def clean_prompt(self) -> str:
        prompt: str = self.cleaned_data["prompt"]
        if not prompt.strip():
            raise forms.ValidationError(_("Write a prompt."))
        return prompt

    def clean_models(self) -> list[int]:
        picked: list[int] = self.cleaned_data["models"]
        if len(set(picked)) != len(picked):
            raise forms.ValidationError(_("Pick each model once."))
        if not TESTBENCH_MIN_MODELS <= len(picked) <= TESTBENCH_MAX_MODELS:
            raise forms.ValidationError(
                _("Pick between %(min)s and %(max)s models."),
                params={"min": TESTBENCH_MIN_MODELS, "max": TESTBENCH_MAX_MODELS},
            )
        unpriced = [
            self.offered[pk].model.name
            for pk in picked
            if self.offered[pk].price is None and not self.offered[pk].target.is_simulated
        ]
        if unpriced:
            raise forms.ValidationError(
                _("No current price for %(models)s, so the cost of a run cannot be capped."),
                params={"models": ", ".join(unpriced)},
            )
        return picked

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        prompt = cleaned.get("prompt")
        system_prompt = cleaned.get("system_prompt") or ""
        if prompt is not None and len(prompt) + len(system_prompt) > TESTBENCH_MAX_PROMPT_CHARS:
            raise forms.ValidationError(
                _("The prompt and the system prompt may have %(n)s characters together."),
                params={"n": f"{TESTBENCH_MAX_PROMPT_CHARS:,}"},
            )
        return cleaned
