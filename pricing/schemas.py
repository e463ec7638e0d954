import datetime as dt
from decimal import Decimal

from ninja import Schema


class PricePointOut(Schema):
    """An offering's price list from `effective_from` until its next point."""

    offering: str
    host: str
    source: str
    effective_from: dt.date
    first_seen_on: dt.date
    effective_date_source: str
    input_per_million: Decimal | None
    output_per_million: Decimal | None
    cache_read_per_million: Decimal | None
    cache_write_per_million: Decimal | None
    batch_input_per_million: Decimal | None
    batch_output_per_million: Decimal | None
    other_per_million: dict[str, Decimal]
    listed_since: dict[str, dt.date]


class PriceChangeOut(PricePointOut):
    model: str
    previous_effective_from: dt.date
    previous_input_per_million: Decimal | None
    previous_output_per_million: Decimal | None
    changed: list[str]


class FirstListedOut(Schema):
    """A price an offering's source listed for the first time: not a price change."""

    model: str
    offering: str
    host: str
    source: str
    price: str
    first_listed_on: dt.date
    per_million: Decimal | None
    new_offering: bool
