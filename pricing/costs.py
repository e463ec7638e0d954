"""What a conversation or a month of requests costs at a given price list."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

MILLION = Decimal(1_000_000)


def typical_conversation_cost(
    input_per_million: Decimal | None, output_per_million: Decimal | None
) -> Decimal | None:
    """TYPICAL_INPUT_TOKENS in plus TYPICAL_OUTPUT_TOKENS out (600 + 200 unless configured)."""
    if input_per_million is None or output_per_million is None:
        return None
    return (
        settings.TYPICAL_INPUT_TOKENS * input_per_million
        + settings.TYPICAL_OUTPUT_TOKENS * output_per_million
    ) / MILLION


@dataclass(frozen=True)
class CostEstimate:
    per_request: Decimal
    per_month: Decimal
    billed_output_tokens: Decimal
    cached_price_used: Decimal  # $/M applied to cached input tokens


def cost_estimate(
    *,
    input_per_million: Decimal,
    output_per_million: Decimal,
    cache_read_per_million: Decimal | None,
    input_tokens: int,
    cached_input_tokens: int,
    output_tokens: int,
    requests_per_month: int,
    reasoning_overhead_percent: Decimal = Decimal(0),
) -> CostEstimate:
    """One request's and one month's cost.

    Cached input tokens are part of the input tokens and billed at the cached-read
    price when the offering has one (else at the input price). Reasoning models bill
    their hidden reasoning tokens as output: the overhead adds that share on top.
    """
    cached = min(cached_input_tokens, input_tokens)
    cached_price = (
        cache_read_per_million if cache_read_per_million is not None else (input_per_million)
    )
    billed_output = Decimal(output_tokens) * (1 + reasoning_overhead_percent / 100)
    per_request = (
        (input_tokens - cached) * input_per_million
        + cached * cached_price
        + billed_output * output_per_million
    ) / MILLION
    return CostEstimate(
        per_request=per_request,
        per_month=per_request * requests_per_month,
        billed_output_tokens=billed_output,
        cached_price_used=cached_price,
    )


def format_usd(value: Decimal | None, *, significant: int = 2) -> str:
    """Dollars for people: cents above $1, two significant digits below ($0.0015)."""
    if value is None:
        return "—"
    if value == 0:
        return "$0"
    if abs(value) >= 1:
        return f"${value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"
    exponent = value.adjusted() - significant + 1
    quantum = Decimal(1).scaleb(min(exponent, -2))
    return f"${value.quantize(quantum, rounding=ROUND_HALF_UP)}"
