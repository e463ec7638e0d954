import datetime as dt
from decimal import Decimal

from ninja import Schema


class PricePointOut(Schema):
    offering: str
    host: str
    effective_from: dt.date
    input_per_million: Decimal | None
    output_per_million: Decimal | None
    cache_read_per_million: Decimal | None
    cache_write_per_million: Decimal | None
    batch_input_per_million: Decimal | None
    batch_output_per_million: Decimal | None
    other_per_million: dict[str, Decimal]


class PriceChangeOut(PricePointOut):
    model: str
    previous_input_per_million: Decimal | None
    previous_output_per_million: Decimal | None
