"""The payment method "Credito prepagato": the order is paid at once from the company's credit.

Offered to an administrator or buyer of the order's company whose credit covers the total,
never for a top-up. Starting it from the pay-again page leads to a confirmation page in the
checkout (`payments:pay_with_credit`), which calls `checkout.settlement.pay_from_credit`:
the debit and the confirmation are one transaction there, above payments and invoicing.
"""

from __future__ import annotations

from django.urls import reverse

from sportello.companies.queries import membership_of
from sportello.core.money import ZERO
from sportello.credit.models import PREPAID_CREDIT_METHOD, CreditTopUp
from sportello.credit.purchase import TopUpPurchase
from sportello.credit.queries import balance_of_company_id
from sportello.payments.providers.base import PaymentProvider, RefundResult, StartResult


class PrepaidCreditProvider(PaymentProvider):
    identifier = PREPAID_CREDIT_METHOD
    verbose_name = "Credito prepagato"
    description = (
        "L'importo viene scalato subito dal credito prepagato della tua azienda; "
        "l'ordine è pagato immediatamente."
    )

    def is_available(self, order) -> bool:
        if order.company_id is None:
            return False
        if CreditTopUp.objects.filter(order=order).exists():
            return False
        return balance_of_company_id(order.company_id) >= order.total_gross

    def is_offered_at_checkout(self, *, customer, source) -> bool:
        if isinstance(source, TopUpPurchase):
            return False
        membership = membership_of(customer)
        if membership is None or not membership.can_buy:
            return False
        return balance_of_company_id(membership.company_id) >= source.total.gross > ZERO

    def start(self, payment, request) -> StartResult:
        return StartResult(
            redirect_url=reverse(
                "payments:pay_with_credit", kwargs={"number": payment.order.number}
            )
        )

    def refund(self, payment, amount) -> RefundResult:
        # The money goes back to the credit: checkout.settlement.refund_was_recorded appends
        # the refund movement in the same transaction.
        return RefundResult(provider_reference="credito prepagato")
