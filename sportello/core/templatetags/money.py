from decimal import Decimal

from django import template

from sportello.core.money import format_euro, format_vat_rate

register = template.Library()


@register.filter
def euro(value):
    """Format a Decimal as Italian euro: 1.234,56 €."""
    return format_euro(value)


@register.filter
def vat_percent(value):
    """22.00 -> 22%, 4.50 -> 4,5%."""
    return format_vat_rate(value)


@register.filter
def vat_included(value):
    """What a line's price holds: "IVA 22% inclusa", or "non soggetto a IVA" at 0 % (a
    prepaid-credit top-up, stamp duties): "IVA 0% inclusa" says nothing true."""
    if not value or Decimal(value) == 0:
        return "non soggetto a IVA"
    return f"IVA {format_vat_rate(value)} inclusa"


@register.filter
def iban_groups(value):
    """IT60X0542811101000000123456 -> IT60 X054 2811 1010 0000 0123 456 (easier to copy)."""
    compact = "".join(str(value or "").split()).upper()
    return " ".join(compact[index : index + 4] for index in range(0, len(compact), 4))
