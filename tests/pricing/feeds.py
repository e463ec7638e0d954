"""Small litellm-style feeds for sync tests (at least 50 entries, as a real feed has)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

BASE_ENTRY = {
    "litellm_provider": "openai",
    "mode": "chat",
    "input_cost_per_token": 1e-06,
    "output_cost_per_token": 2e-06,
    "max_input_tokens": 128000,
    "max_output_tokens": 16384,
    "supports_function_calling": True,
}


def feed(count: int = 60, /, **overrides: Any) -> dict[str, Any]:
    """`count` chat models model-0 ... plus o4-mini and azure/eu/o4-mini; overrides by key."""
    entries: dict[str, Any] = {
        "sample_spec": {"input_cost_per_token": "cost per token", "mode": "one of: chat"},
        "o4-mini": {
            **BASE_ENTRY,
            "input_cost_per_token": 1.1e-06,
            "output_cost_per_token": 4.4e-06,
            "cache_read_input_token_cost": 2.75e-07,
            "max_input_tokens": 200000,
            "max_output_tokens": 100000,
            "supports_vision": True,
            "supports_reasoning": True,
        },
        "azure/eu/o4-mini-2025-04-16": {
            **BASE_ENTRY,
            "litellm_provider": "azure",
            "input_cost_per_token": 1.21e-06,
            "output_cost_per_token": 4.84e-06,
        },
    }
    for n in range(count - 2):
        entries[f"model-{n}"] = copy.deepcopy(BASE_ENTRY)
    for key, value in overrides.items():
        if value is None:
            entries.pop(key, None)
        else:
            entries[key] = {**entries.get(key, BASE_ENTRY), **value}
    return entries


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


def genai_feed(*models: dict[str, Any], filler: int = 55) -> list[dict[str, Any]]:
    """A genai-prices-style feed: OpenAI's given models plus `filler` models of a provider
    the catalogue does not know (so the feed passes the 50-model floor)."""
    return [
        {"id": "openai", "name": "OpenAI", "models": list(models)},
        {
            "id": "filler",
            "name": "Filler",
            "models": [
                {"id": f"filler-{n}", "prices": {"input_mtok": 1, "output_mtok": 2}}
                for n in range(filler)
            ],
        },
    ]


def models_dev_feed(models: dict[str, dict[str, Any]], filler: int = 55) -> dict[str, Any]:
    """A models.dev-style feed: OpenAI's given models plus filler models."""
    return {
        "openai": {"id": "openai", "name": "OpenAI", "models": models},
        "filler": {
            "id": "filler",
            "name": "Filler",
            "models": {
                f"filler-{n}": {"id": f"filler-{n}", "cost": {"input": 1, "output": 2}}
                for n in range(filler)
            },
        },
    }
