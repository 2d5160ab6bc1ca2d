from django import template

from sportello.core import dates

register = template.Library()


@register.filter
def long_date(value):
    """giovedì 3 dicembre 2026; "" for no date."""
    return dates.long_date(value) if value else ""


@register.filter
def long_datetime(value):
    """giovedì 3 dicembre 2026 alle 14:05; "" for no date."""
    return dates.long_datetime(value) if value else ""
