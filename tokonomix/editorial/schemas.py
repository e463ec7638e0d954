import datetime as dt
from decimal import Decimal

from ninja import Schema


class VerdictOut(Schema):
    """A published verdict as its reviewer approved it, and since when its data drifted."""

    model: str
    date: dt.date
    headline: str
    body: str
    highlights: list[str]
    quality_score: Decimal | None
    reviewer: str | None
    approved_at: dt.datetime | None
    published_at: dt.datetime | None
    stale_since: dt.date | None
    stale_reasons: list[str]
    flags: list[str]


class ScoreOut(Schema):
    """A published evaluation score as its reviewer approved it."""

    model: str
    suite: str
    metric: str
    language: str
    value: Decimal
    unit: str
    date: dt.date
    source_url: str
    notes: str
    reviewer: str | None
    approved_at: dt.datetime | None
