"""The catalogue (`catalogue`) and where each of its facts came from (`provenance`)."""

from .catalogue import (
    MODEL_SLUG_PATTERN,
    Capability,
    CapabilityRow,
    CatalogueChange,
    Host,
    Model,
    ModelAlias,
    ModelCapability,
    ModelQuerySet,
    Offering,
    OfferingQuerySet,
    Provider,
    Region,
    Tier,
    model_slug_validator,
    profile_url,
    profile_urls,
)
from .provenance import Dispute, FactClaim

__all__ = [
    "MODEL_SLUG_PATTERN",
    "Capability",
    "CapabilityRow",
    "CatalogueChange",
    "Dispute",
    "FactClaim",
    "Host",
    "Model",
    "ModelAlias",
    "ModelCapability",
    "ModelQuerySet",
    "Offering",
    "OfferingQuerySet",
    "Provider",
    "Region",
    "Tier",
    "model_slug_validator",
    "profile_url",
    "profile_urls",
]
