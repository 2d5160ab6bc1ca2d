"""The seller (cedente prestatore) as configured, and the rules its data must follow.

Pure Python (no models): `config/settings.py` imports the demo values from here, and the
system checks (`checks.py`) and the document builder validate with the same function.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

# Env variable -> key of settings.INVOICE_SELLER.
SELLER_ENV = {
    "INVOICE_SELLER_NAME": "name",
    "INVOICE_SELLER_PARTITA_IVA": "partita_iva",
    "INVOICE_SELLER_CODICE_FISCALE": "codice_fiscale",
    "INVOICE_SELLER_REGIME_FISCALE": "regime_fiscale",
    "INVOICE_SELLER_ADDRESS": "address",
    "INVOICE_SELLER_CAP": "cap",
    "INVOICE_SELLER_COMUNE": "comune",
    "INVOICE_SELLER_PROVINCIA": "provincia",
    "INVOICE_SELLER_COUNTRY": "country",
    "INVOICE_SELLER_REA_OFFICE": "rea_office",
    "INVOICE_SELLER_REA_NUMBER": "rea_number",
    "INVOICE_SELLER_SHARE_CAPITAL": "share_capital",
    "INVOICE_SELLER_SOLE_SHAREHOLDER": "sole_shareholder",
    "INVOICE_SELLER_LIQUIDATION": "liquidation",
    "INVOICE_SELLER_PEC": "pec",
}

# Values that apply when the variable is unset, in every environment.
SELLER_DEFAULTS = {"regime_fiscale": "RF01", "country": "IT", "liquidation": "LN"}

# `make run` and the tests: a fictitious company whose data pass every check (the partita IVA
# has office code 037, Bologna, and a valid check digit).
DEMO_SELLER = {
    "name": "Sportello Servizi S.r.l.",
    "partita_iva": "01234560371",
    "codice_fiscale": "01234560371",
    "regime_fiscale": "RF01",
    "address": "Via Esempio 1",
    "cap": "40121",
    "comune": "Bologna",
    "provincia": "BO",
    "country": "IT",
    "rea_office": "BO",
    "rea_number": "123456",
    "share_capital": "10000.00",
    "sole_shareholder": "SU",
    "liquidation": "LN",
    "pec": "sportello-servizi@pec.example.it",
}

REQUIRED = (
    "name",
    "partita_iva",
    "codice_fiscale",
    "regime_fiscale",
    "address",
    "cap",
    "comune",
    "provincia",
    "country",
    "pec",
)
REGIMES = {f"RF{n:02d}" for n in range(1, 20)} - {"RF03"}
NATURE = {"N1", "N2.1", "N2.2", "N3.1", "N3.2", "N3.3", "N3.4", "N3.5", "N3.6", "N4", "N5"}
NATURE |= {"N6.1", "N6.2", "N6.3", "N6.4", "N6.5", "N6.6", "N6.7", "N6.8", "N6.9", "N7"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_ENV_OF = {key: env for env, key in SELLER_ENV.items()}


def seller_from_env(read, *, demo: bool) -> dict[str, str]:
    """settings.INVOICE_SELLER: `read(name, default)` is env_str; demo values fill the gaps
    when `demo` is on (DEBUG), never in production."""
    seller = {}
    for env, key in SELLER_ENV.items():
        default = DEMO_SELLER[key] if demo else SELLER_DEFAULTS.get(key, "")
        seller[key] = read(env, default).strip()
    return seller


def seller_problems(seller: Mapping[str, str]) -> list[tuple[str, str]]:
    """(env variable, what is wrong) for each missing or invalid value; empty when valid."""
    from stdnum.it import codicefiscale, iva

    problems: list[tuple[str, str]] = []

    def bad(key: str, message: str) -> None:
        problems.append((_ENV_OF[key], message))

    for key in REQUIRED:
        if not seller.get(key):
            bad(key, "is required to issue invoices")
    value = seller.get("partita_iva", "")
    if value and not iva.is_valid(value):
        bad("partita_iva", f"{value!r} is not a valid partita IVA (11 digits, no 'IT')")
    value = seller.get("codice_fiscale", "")
    if value and not (codicefiscale.is_valid(value) or iva.is_valid(value)):
        bad("codice_fiscale", f"{value!r} is not a valid codice fiscale")
    value = seller.get("regime_fiscale", "")
    if value and value not in REGIMES:
        bad("regime_fiscale", f"{value!r} is not a regime fiscale (RF01…RF19)")
    value = seller.get("cap", "")
    if value and not re.fullmatch(r"\d{5}", value):
        bad("cap", f"{value!r} is not a CAP (5 digits)")
    value = seller.get("provincia", "")
    if value and not re.fullmatch(r"[A-Z]{2}", value):
        bad("provincia", f"{value!r} is not a province code (2 capital letters)")
    value = seller.get("country", "")
    if value and value != "IT":
        bad("country", "only an Italian seller (IT) is supported")
    office, rea_number = seller.get("rea_office", ""), seller.get("rea_number", "")
    if office or rea_number:
        if not re.fullmatch(r"[A-Z]{2}", office):
            bad("rea_office", f"{office!r} is not a REA office (2 capital letters)")
        if not re.fullmatch(r"[\x20-\x7e]{1,20}", rea_number):
            bad("rea_number", f"{rea_number!r} is not a REA number (1-20 characters)")
    value = seller.get("share_capital", "")
    if value:
        try:
            if Decimal(value) <= 0:
                raise InvalidOperation
        except InvalidOperation:
            bad("share_capital", f"{value!r} is not an amount (e.g. 10000.00)")
    if seller.get("sole_shareholder", "") not in ("", "SU", "SM"):
        bad("sole_shareholder", "must be SU (socio unico), SM (più soci) or empty")
    if seller.get("liquidation", "") not in ("LS", "LN"):
        bad("liquidation", "must be LN (not in liquidation) or LS (in liquidation)")
    value = seller.get("pec", "")
    if value and not _EMAIL.match(value):
        bad("pec", f"{value!r} is not an e-mail address")
    return problems
