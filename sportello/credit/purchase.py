"""Buying credit ("ricarica") through the normal checkout: a purchase source whose order has
one non-catalogue line, so billing, payment, invoicing and settlement work unchanged.

VAT: the credit can be spent on any service of the catalogue, whose services carry their own
VAT rates, so the VAT due is not known when it is bought: it is a multi-purpose voucher
("buono multiuso", art. 6-quater DPR 633/1972). Its sale is not a VAT operation: the top-up's
invoice has one 0 % line with Natura N2.2 (non soggetta), and VAT is charged on the invoice of
each order paid from the credit, at that service's rate.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from sportello.catalogue.pricing import LinePrice
from sportello.companies.queries import membership_of
from sportello.contracts.rules import TermsAcceptance
from sportello.core.money import ZERO, TaxedPrice, format_euro, to_money
from sportello.credit.models import PREPAID_CREDIT_METHOD, CreditTopUp
from sportello.orders.actions import create_order
from sportello.orders.models import Order, OrderLine
from sportello.orders.purchase import PlacedOrder, PurchaseNotPossible, PurchaseSource, ReviewLine

TOP_UP_LINE_NAME = "Ricarica credito prepagato (buono multiuso, art. 6-quater DPR 633/1972)"


def top_up_limits() -> tuple[Decimal, Decimal]:
    return to_money(settings.CREDIT_TOP_UP_MIN), to_money(settings.CREDIT_TOP_UP_MAX)


class TopUpPurchase(PurchaseSource):
    """A top-up of `amount` for the customer's company."""

    back_label = "Torna al credito prepagato"
    review_intro = (
        "Stai acquistando una ricarica del credito prepagato della tua azienda: "
        "controlla i dati prima di confermare."
    )

    def __init__(self, *, customer, amount: Decimal | str):
        self.customer = customer
        try:
            self.amount = to_money(amount)
        except (ArithmeticError, ValueError):
            self.amount = ZERO
        self.back_url = reverse("credit:account")

    @property
    def total(self) -> TaxedPrice:
        return TaxedPrice(net=self.amount, vat=ZERO, gross=self.amount)

    def review_lines(self) -> list[ReviewLine]:
        return [
            ReviewLine(
                key="ricarica",
                service_name=TOP_UP_LINE_NAME,
                answers=[],
                price=LinePrice(base_net=self.amount, vat_rate=ZERO, price=self.total),
            )
        ]

    def problem(self) -> str:
        membership = membership_of(self.customer)
        if membership is None:
            return "Il credito prepagato è disponibile per gli account aziendali."
        if not membership.can_buy:
            return "Solo l'amministratore e gli acquirenti dell'azienda possono ricaricare."
        low, high = top_up_limits()
        if not low <= self.amount <= high:
            return (
                f"L'importo della ricarica deve essere tra {format_euro(low)} "
                f"e {format_euro(high)}."
            )
        return ""

    def fingerprint(self) -> str:
        return f"ricarica:{self.amount}"

    def place_order(
        self,
        *,
        customer,
        billing: Mapping[str, str],
        payment_method: str,
        checkout_token: uuid.UUID,
        acceptance: TermsAcceptance | None = None,
    ) -> PlacedOrder:
        existing = Order.objects.filter(checkout_token=checkout_token, customer=customer).first()
        if existing is not None:
            return PlacedOrder(order=existing, is_new=False)
        if payment_method == PREPAID_CREDIT_METHOD:
            raise PurchaseNotPossible("Una ricarica non si paga con il credito prepagato.")
        self.check_purchasable()
        line = OrderLine(
            position=0,
            service=None,
            service_name=TOP_UP_LINE_NAME,
            answers={},
            answers_display=[],
            form_version=0,
            base_net=self.amount,
            supplements=[],
            vat_rate=ZERO,
            net=self.amount,
            vat=ZERO,
            gross=self.amount,
        )
        with transaction.atomic():
            order = create_order(
                customer=customer,
                billing=billing,
                payment_method=payment_method,
                checkout_token=checkout_token,
                total=self.total,
                lines=[line],
                note="Ricarica del credito prepagato",
                acceptance=acceptance,
            )
            if order.company is None:  # not a member any more (problem() checked before)
                raise PurchaseNotPossible("Il credito prepagato è per gli account aziendali.")
            CreditTopUp.objects.create(order=order, company=order.company, amount=self.amount)
        return PlacedOrder(order=order, is_new=True)
