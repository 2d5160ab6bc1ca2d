"""Prices of a service with the customer's answers: base price plus supplements, VAT per line."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sportello.catalogue.models import FieldType, FormField, Service
from sportello.core.money import ZERO, TaxedPrice, to_money


@dataclass(frozen=True)
class Supplement:
    label: str
    net: Decimal


@dataclass(frozen=True)
class LinePrice:
    base_net: Decimal
    supplements: list[Supplement] = field(default_factory=list)
    vat_rate: Decimal = Decimal("0")
    price: TaxedPrice = field(default_factory=TaxedPrice.zero)

    @property
    def supplements_net(self) -> Decimal:
        return sum((s.net for s in self.supplements), ZERO)


def supplements_for(fields_definition: list[FormField], answers: dict) -> list[Supplement]:
    """The price supplements the answers select. Fields must have their choices prefetched."""
    supplements: list[Supplement] = []
    for definition in fields_definition:
        value = answers.get(definition.key)
        if value is None:
            continue
        if definition.field_type == FieldType.BOOLEAN:
            if value is True and definition.price_supplement:
                supplements.append(
                    Supplement(definition.label, to_money(definition.price_supplement))
                )
        elif definition.field_type in (FieldType.CHOICE, FieldType.MULTIPLE_CHOICE):
            selected = set(value) if isinstance(value, list) else {value}
            for choice in definition.choices.all():
                if choice.value in selected and choice.price_supplement:
                    supplements.append(
                        Supplement(
                            f"{definition.label}: {choice.label}", to_money(choice.price_supplement)
                        )
                    )
    return supplements


def price_line(
    service: Service, fields_definition: list[FormField], answers: dict
) -> LinePrice | None:
    """The line's price from the live catalogue, or None for a service sold on quote."""
    if service.is_on_quote or service.net_price is None:
        return None
    supplements = supplements_for(fields_definition, answers)
    base = to_money(service.net_price)
    net = base + sum((s.net for s in supplements), ZERO)
    return LinePrice(
        base_net=base,
        supplements=supplements,
        vat_rate=service.vat_rate,
        price=TaxedPrice.from_net(net, service.vat_rate),
    )
