import datetime as dt

from ninja import Schema


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


class ModelOut(Schema):
    slug: str
    name: str
    provider: ProviderOut
    tier: TierOut | None
    family: str
    summary: str
    release_date: dt.date | None
    deprecation_date: dt.date | None
    context_window: int | None
    max_output_tokens: int | None
    capabilities: list[CapabilityOut]


class ErrorOut(Schema):
    detail: str
