"""litellm's model price map as a price source (``get_source("litellm")``).

One job a module: ``feed`` parses the map into ``NormalizedEntry`` objects;
``keys`` reads a key (``normalize_key``) with the host/maker rules of ``makers``
and the slug spelling of ``slugs``; ``names`` gives a slug its display name.
"""

from .feed import DEFAULT_URL, SOURCE_CLASS, SOURCE_NAME, LiteLLMSource
from .keys import KeyInfo, normalize_key
from .makers import host_slug_for
from .names import display_name

__all__ = [
    "DEFAULT_URL",
    "SOURCE_CLASS",
    "SOURCE_NAME",
    "KeyInfo",
    "LiteLLMSource",
    "display_name",
    "host_slug_for",
    "normalize_key",
]
