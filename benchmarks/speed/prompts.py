"""The fixed prompts speed tests send: the same words every time, so figures compare."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class PromptSet(models.TextChoices):
    STANDARD = "standard", _("Standard: a short explanatory answer (about 200 tokens)")
    SHORT = "short", _("Short: a one-paragraph answer")


PROMPTS: dict[str, list[dict[str, Any]]] = {
    PromptSet.STANDARD: [
        {
            "role": "user",
            "content": (
                "Explain in plain English, in about 150 words, how a refrigerator keeps "
                "food cold. Do not use lists or headings."
            ),
        }
    ],
    PromptSet.SHORT: [
        {"role": "user", "content": "In two sentences, why is the sky blue?"},
    ],
}


def prompt_messages(prompt_set: str) -> list[dict[str, Any]]:
    return [dict(message) for message in PROMPTS[prompt_set]]
