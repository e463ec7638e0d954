import datetime as dt
import re
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, StringConstraints

from tokonomix.core import flags


class ProviderOut(Schema):
    slug: str
    name: str
    country: str
    website: str


class TierOut(Schema):
    code: str
    label: str
    rank: int


class CapabilityOut(Schema):
    capability: str
    supported: bool
    source: str


class SourceSaysOut(Schema):
    """What one source says of a fact, and since when (the date of the sync that first
    read it so)."""

    source: str
    value: str
    since: dt.date


class FactOut(Schema):
    """One fact of a model: the sources that state it, and whether they disagree."""

    field: str
    sources: list[SourceSaysOut]
    disputed: bool


class ModelRefOut(Schema):
    slug: str
    name: str


class ModelOut(Schema):
    slug: str
    name: str
    provider: ProviderOut
    tier: TierOut | None
    family: str
    summary: str
    release_date: dt.date | None
    deprecation_date: dt.date | None
    retired_on: dt.date | None
    successor: ModelRefOut | None
    knowledge_cutoff: str
    open_weights: bool | None
    context_window: int | None
    max_output_tokens: int | None
    capabilities: list[CapabilityOut]
    facts: list[FactOut]
    flags: list[str]

    @staticmethod
    def resolve_facts(obj: Any) -> list[dict[str, Any]]:
        from .sections import open_disputes

        disputed = {d.field for d in open_disputes(obj)}
        by_field: dict[str, list[dict[str, Any]]] = {}
        for claim in sorted(obj.claims.all(), key=lambda c: (c.field, c.source)):
            by_field.setdefault(claim.field, []).append(
                {"source": claim.source, "value": claim.value, "since": claim.since}
            )
        return [
            {"field": name, "sources": said, "disputed": name in disputed}
            for name, said in by_field.items()
        ]

    @staticmethod
    def resolve_flags(obj: Any) -> list[str]:
        from .sections import model_flags

        return flags.names(model_flags(obj))


class ErrorOut(Schema):
    detail: str


class ProviderDetailOut(ProviderOut):
    models: list[ModelRefOut]


class HostOut(Schema):
    slug: str
    name: str
    website: str


class OfferingOut(Schema):
    """A model as sold by one host, as a price source lists it."""

    source: str
    source_key: str
    model: ModelRefOut
    host: HostOut
    regions: list[str]
    mode: str
    variant: str
    first_seen_at: dt.datetime

    @staticmethod
    def resolve_regions(obj: Any) -> list[str]:
        return [region.code for region in obj.regions.all()]


def _iso_date_text(value: Any) -> Any:
    """Query strings carry dates as YYYY-MM-DD; pydantic alone would read "0" as 1970-01-01."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("use a date written YYYY-MM-DD")
    return value


# A date parameter of the API (schema: string, format date).
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]

# Text from a URL, as the API accepts it: anything but NUL, which PostgreSQL cannot store or
# compare (refused with 422 rather than failing in the database).
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
