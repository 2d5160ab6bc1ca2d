"""The seller's legal data (Codice civile art. 2250, Codice del Consumo art. 49), from settings.

Shown in the site footer, in every e-mail and in the documents the shop produces (the terms
of sale PDF). One reader so the footer, the e-mails and the documents never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


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


def seller() -> Seller:
    return Seller(
        name=settings.SELLER_NAME,
        address=settings.SELLER_ADDRESS,
        vat_number=settings.SELLER_VAT_NUMBER,
        rea_office=settings.SELLER_REA_OFFICE,
        rea_number=settings.SELLER_REA_NUMBER,
        share_capital=settings.SELLER_SHARE_CAPITAL,
        pec=settings.SELLER_PEC,
        email=settings.COMPANY_EMAIL,
    )
