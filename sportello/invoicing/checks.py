"""System checks: invoices cannot be issued with missing or invalid seller data (a warning for
every command, an error for `check --deploy` with DEBUG off)."""

import re

from django.conf import settings
from django.core import checks

from sportello.invoicing.seller import NATURE, seller_problems


def invoice_setting_problems() -> list[tuple[str, str]]:
    """(variable, what is wrong) for every missing or invalid invoicing setting."""
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
    return problems


@checks.register()
def check_invoice_settings(app_configs, **kwargs):
    """Every command warns; the shop still runs (a laptop, `makemigrations`, `migrate`), but
    invoices would not be valid."""
    return [
        checks.Warning(f"{env} {message}.", id="invoicing.W001")
        for env, message in invoice_setting_problems()
    ]


@checks.register(deploy=True)
def check_invoice_settings_for_deploy(app_configs, **kwargs):
    """`check --deploy` (production, DEBUG off) refuses to go live without a valid seller, as
    the other production settings (core.E002) are refused: a configuration error, not a model
    error, so commands that only read the models are not blocked by it."""
    if settings.DEBUG:
        return []
    return [
        checks.Error(f"{env} {message}.", hint="See .env.example.", id="invoicing.E001")
        for env, message in invoice_setting_problems()
    ]


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
