"""Registry of price sources.

Each source lives in its own module (or package, as ``litellm`` does) of this
package, named after the source, and exposes a ``SOURCE_CLASS`` attribute: a
class whose instances satisfy ``pricing.sources.base.PriceSource``.  Adding a
source (say ``openrouter``) therefore means adding one module,
``pricing/sources/openrouter.py``; nothing here needs editing.

    >>> from pricing.sources import get_source
    >>> get_source("litellm").name
    'litellm'
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from .base import FeedRefused, InvalidEntry, NormalizedEntry, ParsedFeed, PriceSource

__all__ = [
    "FeedRefused",
    "InvalidEntry",
    "NormalizedEntry",
    "ParsedFeed",
    "PriceSource",
    "available_sources",
    "get_source",
]

_NOT_SOURCES = frozenset({"base"})
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def available_sources() -> tuple[str, ...]:
    """Names of the source modules shipped in this package, sorted."""
    return tuple(
        sorted(
            info.name
            for info in pkgutil.iter_modules(__path__)
            if not info.name.startswith("_") and info.name not in _NOT_SOURCES
        )
    )


def get_source(name: str) -> PriceSource:
    """Return a fresh instance of the source called ``name``.

    Raises ``KeyError`` (listing the known names) for an unknown source.
    """
    if not _NAME_RE.match(name) or name in _NOT_SOURCES or name not in available_sources():
        raise KeyError(
            f"unknown price source {name!r}; available: {', '.join(available_sources())}"
        )
    module = importlib.import_module(f"{__name__}.{name}")
    source_class = getattr(module, "SOURCE_CLASS", None)
    if source_class is None:
        raise KeyError(f"module {module.__name__} does not define SOURCE_CLASS")
    source = source_class()
    if not isinstance(source, PriceSource):
        raise TypeError(f"{source_class!r} does not implement the PriceSource protocol")
    return source
