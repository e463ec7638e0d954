from decimal import Decimal

from django import template

from pricing.costs import format_usd

register = template.Library()


@register.filter
def usd(value: Decimal | None) -> str:
    """$1.10, $0.0015, or an em dash when there is no price."""
    return format_usd(value)
