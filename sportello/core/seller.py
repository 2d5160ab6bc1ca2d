"""The seller's legal data (Codice civile art. 2250, Codice del Consumo art. 49), from settings
(INVOICE_SELLER, the same data the invoices carry).

Shown in the site footer, in every e-mail and in the documents the shop produces (the terms
of sale PDF). One reader so the footer, the e-mails and the documents never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from sportello.core.money import format_euro


@dataclass(frozen=True)
class Seller:
    name: str
    address: str
    vat_number: str
    rea_office: str
    rea_number: str
    share_capital: str
    pec: str
    email: str

    @property
    def rea(self) -> str:
        """ "BO-123456", as the Registro delle Imprese writes it ("" when not configured)."""
        if not self.rea_number:
            return ""
        return f"{self.rea_office}-{self.rea_number}" if self.rea_office else self.rea_number

    @property
    def legal_line(self) -> str:
        """One line with every datum the law asks for, for plain-text places."""
        parts = [self.name, f"Sede legale: {self.address}", f"P.IVA {self.vat_number}"]
        if self.rea:
            parts.append(f"REA {self.rea}")
        if self.share_capital:
            parts.append(f"Capitale sociale {self.share_capital}")
        if self.pec:
            parts.append(f"PEC {self.pec}")
        return " · ".join(parts)


def share_capital_label(value: str) -> str:
    """ "10000.00" (the FatturaPA amount) -> "10.000,00 euro i.v." for people (in words, so
    that no price-like "€" figure appears on pages that must show none)."""
    from decimal import Decimal, InvalidOperation

    if not value:
        return ""
    try:
        amount = format_euro(Decimal(value)).removesuffix("\u00a0€")
        return f"{amount} euro i.v."
    except InvalidOperation:
        return value


def seller() -> Seller:
    """The one set of seller data: settings.INVOICE_SELLER (the INVOICE_SELLER_* variables,
    validated by `manage.py check`), also used by the FatturaPA invoices."""
    data = settings.INVOICE_SELLER
    street = data.get("address", "")
    place = " ".join(part for part in (data.get("cap", ""), data.get("comune", "")) if part)
    if data.get("provincia"):
        place = f"{place} ({data['provincia']})"
    address = ", ".join(part for part in (street, place) if part)
    partita_iva = data.get("partita_iva", "")
    return Seller(
        name=data.get("name", ""),
        address=address,
        vat_number=f"IT{partita_iva}" if partita_iva else "",
        rea_office=data.get("rea_office", ""),
        rea_number=data.get("rea_number", ""),
        share_capital=share_capital_label(data.get("share_capital", "")),
        pec=data.get("pec", ""),
        email=settings.COMPANY_EMAIL,
    )
