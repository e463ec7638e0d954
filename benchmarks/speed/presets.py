"""Where common hosts serve their OpenAI-compatible chat API, and which variable holds the key.

Only variable NAMES live here (and in the database): the keys themselves are read from
the environment at the moment a test runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .streaming import OutputLimitParam


class HostPreset(models.TextChoices):
    OPENAI = "openai", _("OpenAI")
    MISTRAL = "mistral", _("Mistral")
    GROQ = "groq", _("Groq")
    TOGETHER = "together", _("Together AI")
    DEEPSEEK = "deepseek", _("DeepSeek")
    XAI = "xai", _("xAI")
    OPENROUTER = "openrouter", _("OpenRouter")
    ANTHROPIC = "anthropic", _("Anthropic (OpenAI-compatible endpoint)")
    GEMINI = "gemini", _("Google Gemini (OpenAI-compatible endpoint)")
    OLLAMA = "ollama", _("Ollama (local)")
    VLLM = "vllm", _("vLLM (local)")
    LLAMACPP = "llamacpp", _("llama.cpp server (local)")
    SIMULATOR = "simulator", _("Tokonomix simulator (simulated figures)")


@dataclass(frozen=True, slots=True)
class Preset:
    base_url: str
    api_key_env: str  # empty: the server needs no key
    output_limit_param: OutputLimitParam = "max_tokens"
    is_simulated: bool = False


PRESETS: dict[str, Preset] = {
    # OpenAI's reasoning models accept only max_completion_tokens.
    HostPreset.OPENAI: Preset(
        "https://api.openai.com/v1", "OPENAI_API_KEY", "max_completion_tokens"
    ),
    HostPreset.MISTRAL: Preset("https://api.mistral.ai/v1", "MISTRAL_API_KEY"),
    HostPreset.GROQ: Preset("https://api.groq.com/openai/v1", "GROQ_API_KEY"),
    HostPreset.TOGETHER: Preset("https://api.together.xyz/v1", "TOGETHER_API_KEY"),
    HostPreset.DEEPSEEK: Preset("https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"),
    HostPreset.XAI: Preset("https://api.x.ai/v1", "XAI_API_KEY"),
    HostPreset.OPENROUTER: Preset("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
    HostPreset.ANTHROPIC: Preset("https://api.anthropic.com/v1", "ANTHROPIC_API_KEY"),
    HostPreset.GEMINI: Preset(
        "https://generativelanguage.googleapis.com/v1beta/openai", "GEMINI_API_KEY"
    ),
    HostPreset.OLLAMA: Preset("http://127.0.0.1:11434/v1", ""),
    HostPreset.VLLM: Preset("http://127.0.0.1:8000/v1", ""),
    HostPreset.LLAMACPP: Preset("http://127.0.0.1:8080/v1", ""),
    HostPreset.SIMULATOR: Preset("http://127.0.0.1:8765/v1", "", is_simulated=True),
}
