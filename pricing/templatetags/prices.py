from decimal import Decimal, InvalidOperation

from django import template

from pricing.costs import format_usd

register = template.Library()


@register.filter
def usd(value: Decimal | str | None) -> str:
    """$1.10, $0.0015, or an em dash when there is no price (a missing variable is "")."""
    try:
        return format_usd(None if value is None or value == "" else Decimal(value))
    except InvalidOperation:
        return format_usd(None)
