"""Amounts of a fiscal document: document lines from order lines, the VAT summary per rate,
and how a refund splits across the rates of the invoice it corrects."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sportello.core.money import ZERO, to_money, vat_of


@dataclass(frozen=True)
class LineDraft:
    description: str
    unit_price: Decimal
    net: Decimal
    vat_rate: Decimal
    quantity: Decimal = Decimal("1.00")


@dataclass(frozen=True)
class RateSummary:
    """One DatiRiepilogo: imponibile of a rate and its imposta, rounded half-up once."""

    vat_rate: Decimal
    net: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    @property
    def is_zero_rate(self) -> bool:
        return self.vat_rate == ZERO


def lines_for_order(order, order_lines: Iterable) -> list[LineDraft]:
    """One line per order line (its base price) and one per supplement, each at the line's
    VAT rate. A line whose supplements do not add up to its net (e.g. priced by a quote)
    becomes a single line with its whole net."""
    drafts: list[LineDraft] = []
    for line in order_lines:
        name = f"{line.service_name} - ordine n. {order.number}"
        supplements = [(s.get("label", ""), to_money(s.get("net", "0"))) for s in line.supplements]
        if supplements and line.base_net + sum(net for _, net in supplements) == line.net:
            drafts.append(LineDraft(name, line.base_net, line.base_net, line.vat_rate))
            for label, net in supplements:
                description = f"Supplemento {label} ({line.service_name})"
                drafts.append(LineDraft(description, net, net, line.vat_rate))
        else:
            drafts.append(LineDraft(name, line.net, line.net, line.vat_rate))
    return drafts


def vat_summary(lines: Iterable) -> list[RateSummary]:
    """Per VAT rate, highest first: the sum of the line nets and its VAT rounded half-up."""
    nets: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        nets[Decimal(line.vat_rate)] += line.net
    return [
        RateSummary(vat_rate=rate, net=net, vat=vat_of(net, rate))
        for rate, net in sorted(nets.items(), key=lambda item: -item[0])
    ]


def totals(summary: list[RateSummary], gross: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    """(net, VAT, rounding) of a document whose total must be `gross` (what was paid)."""
    net = sum((row.net for row in summary), ZERO)
    vat = sum((row.vat for row in summary), ZERO)
    return net, vat, gross - net - vat


def split_refund(amount: Decimal, remaining: list[RateSummary]) -> list[tuple[Decimal, Decimal]]:
    """(VAT rate, net) of a credit note for `amount` of gross, spread over the rates in
    proportion to what is still uncredited of each; crediting all of it credits each rate's
    remainder exactly."""
    remaining = [row for row in remaining if row.gross > 0]
    left_total = sum((row.gross for row in remaining), ZERO)
    if amount >= left_total:
        return [(row.vat_rate, row.net) for row in remaining]
    result: list[tuple[Decimal, Decimal]] = []
    allocated = ZERO
    for index, row in enumerate(remaining):
        if index == len(remaining) - 1:
            gross = amount - allocated
        else:
            gross = to_money(amount * row.gross / left_total)
        allocated += gross
        net = min(row.net, to_money(gross * 100 / (100 + row.vat_rate)))
        if net > 0:
            result.append((row.vat_rate, net))
    return result


# Imposta di bollo (DPR 642/1972, tariffa art. 13): 2,00 EUR on an invoice or credit note whose
# amounts outside VAT (here the 0 % lines) exceed 77,47 EUR; on electronic documents it is paid
# "in modo virtuale" (DM 17 giugno 2014, art. 6) and flagged in DatiBollo. The seller pays it:
# it is not charged to the customer, so it is not part of the document's total.
STAMP_DUTY = Decimal("2.00")
STAMP_DUTY_THRESHOLD = Decimal("77.47")


def stamp_duty(lines: Iterable) -> Decimal:
    """The stamp duty a document with these lines carries: 2,00 EUR when its 0 % lines add up
    to more than 77,47 EUR, else nothing."""
    outside_vat = sum((line.net for line in lines if Decimal(line.vat_rate) == ZERO), ZERO)
    return STAMP_DUTY if outside_vat > STAMP_DUTY_THRESHOLD else ZERO


def rate_label(rate: Decimal) -> str:
    return f"{rate.normalize():f}%" if rate == rate.to_integral() else f"{rate}%"


__all__ = [
    "STAMP_DUTY",
    "STAMP_DUTY_THRESHOLD",
    "LineDraft",
    "RateSummary",
    "lines_for_order",
    "split_refund",
    "stamp_duty",
    "totals",
    "vat_summary",
]
