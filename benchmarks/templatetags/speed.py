"""Formatting of speed figures in templates (benchmarks.formats does the work)."""

from __future__ import annotations

from django import template

from benchmarks.speed.formats import DASH, format_ms, format_percent, format_tps

register = template.Library()

__all__ = ["DASH", "ms", "percent", "tps"]

ms = register.filter("ms", format_ms)
tps = register.filter("tps", format_tps)
percent = register.filter("percent", format_percent)
