"""The customer's saved billing data (DATI DI FATTURAZIONE): reading it and saving it back.

Checkout prefills its billing step from here and, when the customer asks, saves the data
back. Billing data travels as a plain dict whose keys are BILLING_FIELDS (the names of the
BillingProfile fields and of the billing snapshot on an order).
"""

from __future__ import annotations

from collections.abc import Mapping

from sportello.accounts.models import BillingProfile, User

BILLING_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "company_name",
    "codice_fiscale",
    "partita_iva",
    "sdi_code",
    "pec",
    "address",
    "cap",
    "comune",
    "provincia",
    "country",
)


def billing_profile_for(user: User) -> BillingProfile | None:
    if not user.is_authenticated:
        return None
    return BillingProfile.objects.filter(user=user).first()


def billing_data_from_profile(profile: BillingProfile) -> dict[str, str]:
    return {name: getattr(profile, name) or "" for name in BILLING_FIELDS}


def save_billing_profile(*, user: User, data: Mapping[str, str]) -> BillingProfile:
    """Create or replace the customer's saved billing data with already validated `data`."""
    values = {name: data.get(name, "") or "" for name in BILLING_FIELDS}
    values["country"] = values["country"] or "IT"
    # update_or_create locks the row it updates, so two saves never interleave.
    profile, _created = BillingProfile.objects.update_or_create(user=user, defaults=values)
    return profile


def billing_summary(data: Mapping[str, str]) -> list[tuple[str, str]]:
    """(label, value) pairs to show billing data back to the customer, empty values left out."""
    is_company = data.get("kind") == BillingProfile.Kind.COMPANY
    if is_company:
        rows = [
            ("Ragione sociale", data.get("company_name", "")),
            ("Partita IVA", data.get("partita_iva", "")),
            ("Codice fiscale", data.get("codice_fiscale", "")),
            ("Codice destinatario SDI", data.get("sdi_code", "")),
            ("PEC", data.get("pec", "")),
        ]
    else:
        name = f"{data.get('first_name', '')} {data.get('last_name', '')}".strip()
        rows = [("Nome e cognome", name), ("Codice fiscale", data.get("codice_fiscale", ""))]
    kind_label = dict(BillingProfile.Kind.choices).get(data.get("kind", ""), "")
    place = f"{data.get('cap', '')} {data.get('comune', '')}".strip()
    if data.get("provincia"):
        place = f"{place} ({data['provincia']})"
    country = {"IT": "Italia"}.get(data.get("country", ""), data.get("country", ""))
    rows = [("Tipo di cliente", kind_label), *rows, ("Indirizzo", data.get("address", ""))]
    rows += [("Località", place), ("Nazione", country)]
    return [(label, value) for label, value in rows if value]
