"""Display names for model slugs: ``claude-3-5-sonnet`` -> ``Claude 3.5 Sonnet``."""

from __future__ import annotations

import re

_BRANDS = {
    "gpt": "GPT", "claude": "Claude", "gemini": "Gemini", "gemma": "Gemma", "llama": "Llama",
    "deepseek": "DeepSeek", "qwen": "Qwen", "qwq": "QwQ", "grok": "Grok", "glm": "GLM",
    "kimi": "Kimi", "phi": "Phi", "minimax": "MiniMax", "chatgpt": "ChatGPT",
    "dall": "DALL", "codellama": "CodeLlama", "mimo": "MiMo",
}  # fmt: skip
_ACRONYMS = frozenset(
    {"oss", "vl", "tts", "ocr", "hd", "ai", "api", "fp8", "fp16", "int8", "int4", "awq", "it",
     "xl", "moe", "gguf", "stt", "sd", "rag", "nim", "lora"}
)  # fmt: skip
_SIZE_TOKEN_RE = re.compile(r"^(?:a?\d+(?:\.\d+)?|\d+x\d+)[bkmte]$")


def display_name(slug: str) -> str:
    """A tidy display name: ``claude-3-5-sonnet`` -> ``Claude 3.5 Sonnet``."""
    if re.match(r"^o\d", slug):  # OpenAI o-series keep their lower-case names
        return slug
    raw = [t for t in slug.split("-") if t]
    tokens: list[str] = []
    for tok in raw:  # merge claude-3-5 / gpt-5-2 style versions
        if (
            tokens
            and tok.isdigit()
            and len(tok) <= 2
            and tokens[-1].isdigit()
            and len(tokens[-1]) <= 2
        ):
            tokens[-1] = f"{tokens[-1]}.{tok}"
        else:
            tokens.append(tok)
    words: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if (
            tok == "gpt"
            and i + 1 < len(tokens)
            and (tokens[i + 1][:1].isdigit() or tokens[i + 1] == "oss")
        ):
            nxt = tokens[i + 1]
            words.append("GPT-" + (nxt.upper() if nxt in _ACRONYMS else nxt))
            i += 2
            continue
        words.append(_word(tok))
        i += 1
    return " ".join(words) or slug


def _word(tok: str) -> str:
    if tok in _BRANDS:
        return _BRANDS[tok]
    if tok in _ACRONYMS:
        return tok.upper()
    if _SIZE_TOKEN_RE.match(tok):
        return tok.upper()
    if tok[:1].isdigit():
        return tok
    return tok[:1].upper() + tok[1:]
