"""`manage.py check`: invoices cannot be issued with missing or invalid seller data."""

import re

from django.conf import settings
from django.core import checks

from sportello.invoicing.seller import NATURE, seller_problems


@checks.register()
def check_invoice_settings(app_configs, **kwargs):
    messages: list[checks.CheckMessage] = []
    problems = seller_problems(settings.INVOICE_SELLER)
    for prefix_setting in ("INVOICE_NUMBER_PREFIX", "CREDIT_NOTE_NUMBER_PREFIX"):
        prefix = getattr(settings, prefix_setting)
        # The number (prefix + "2026/000123") must fit FatturaPA's 20 Latin characters.
        if not re.fullmatch(r"[A-Za-z0-9/_-]{0,9}", prefix):
            problems.append((prefix_setting, "at most 9 letters, digits, '/', '-' or '_'"))
    if settings.INVOICE_ZERO_RATE_NATURA not in NATURE:
        problems.append(("INVOICE_ZERO_RATE_NATURA", "must be a FatturaPA Natura code (e.g. N2.2)"))
    if settings.INVOICE_CHANNEL not in ("export",):
        problems.append(("INVOICE_CHANNEL", "unknown channel (available: export)"))
    for env, message in problems:
        text = f"{env} {message}."
        if settings.DEBUG:
            # On a laptop the shop still runs; invoices would not be valid.
            messages.append(checks.Warning(text, id="invoicing.W001"))
        else:
            messages.append(checks.Error(text, hint="See .env.example.", id="invoicing.E001"))
    return messages


@checks.register(deploy=True)
def check_no_demo_seller(app_configs, **kwargs):
    """Production never invoices as the fictitious demo company."""
    if settings.INVOICE_SELLER_DEMO and not settings.DEBUG:
        return [
            checks.Error(
                "INVOICE_SELLER_DEMO is on: missing seller data take the demo company's.",
                hint="Unset INVOICE_SELLER_DEMO and set every INVOICE_SELLER_* variable.",
                id="invoicing.E002",
            )
        ]
    return []
