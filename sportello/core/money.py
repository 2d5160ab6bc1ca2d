"""Money helpers: Decimal only, euro cents, ROUND_HALF_UP, VAT per line."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
DEFAULT_VAT_RATE = Decimal("22.00")


def to_money(value: Decimal | int | str) -> Decimal:
    """Round to euro cents, half up. Floats are refused: they are not money."""
    if isinstance(value, float):
        raise TypeError("Money must never be built from a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_of(net: Decimal, rate_percent: Decimal) -> Decimal:
    return to_money(Decimal(net) * Decimal(rate_percent) / Decimal(100))


@dataclass(frozen=True)
class TaxedPrice:
    """A net / VAT / gross triple that always adds up, at cents precision."""

    net: Decimal
    vat: Decimal
    gross: Decimal

    def __post_init__(self) -> None:
        for name in ("net", "vat", "gross"):
            value = getattr(self, name)
            if value != to_money(value):
                raise ValueError(f"{name}={value} is not rounded to cents")
        if self.net + self.vat != self.gross:
            raise ValueError(f"net {self.net} + VAT {self.vat} != gross {self.gross}")

    @classmethod
    def from_net(cls, net: Decimal | str, rate_percent: Decimal | str) -> TaxedPrice:
        net_money = to_money(net)
        vat = vat_of(net_money, Decimal(rate_percent))
        return cls(net=net_money, vat=vat, gross=net_money + vat)

    @classmethod
    def zero(cls) -> TaxedPrice:
        return cls(net=ZERO, vat=ZERO, gross=ZERO)

    def __add__(self, other: TaxedPrice) -> TaxedPrice:
        return TaxedPrice(
            net=self.net + other.net, vat=self.vat + other.vat, gross=self.gross + other.gross
        )


def sum_prices(prices) -> TaxedPrice:
    """Sum already-rounded line prices (round per line, then sum)."""
    total = TaxedPrice.zero()
    for price in prices:
        total = total + price
    return total


def format_euro(value: Decimal | None) -> str:
    """Italian formatting: 1.234,56 €, with a non-breaking space (U+00A0) before the "€"
    so that a line never breaks between the amount and its currency sign."""
    if value is None:
        return ""
    amount = to_money(value)
    sign = "-" if amount < 0 else ""
    integer, _, cents = f"{abs(amount):.2f}".partition(".")
    groups: list[str] = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    return f"{sign}{'.'.join(groups)},{cents}\u00a0€"


def format_vat_rate(value: Decimal | None) -> str:
    """A VAT rate as Italians write it: 22.00 -> "22%", 4.50 -> "4,5%"."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}".replace(".", ",")
    return f"{text}%"
