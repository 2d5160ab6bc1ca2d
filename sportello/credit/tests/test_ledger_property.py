"""The ledger always equals the balance: random sequences of top-ups, payments from credit,
refunds of them and staff adjustments, each through credit.actions, some refused for lack of
credit. After every step sum(movements) == balance, the balance_after chain is consistent,
and nothing ever goes below zero."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sportello.companies.tests.factories import CompanyFactory
from sportello.credit import actions
from sportello.credit.models import CreditAccount, CreditMovement, CreditTopUp
from sportello.credit.queries import ledger_problems
from sportello.orders.tests.factories import OrderFactory
from sportello.payments.models import Payment, PaymentStatus, Refund

pytestmark = pytest.mark.django_db

cents = st.integers(min_value=1, max_value=50_000).map(lambda c: Decimal(c) / 100)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("top_up"), cents),
        st.tuples(st.just("pay"), cents),
        st.tuples(st.just("refund"), st.integers(min_value=1, max_value=100)),
        st.tuples(st.just("adjust"), cents.map(lambda a: -a) | cents),
        st.tuples(st.just("repeat"), st.just(Decimal(0))),
    ),
    min_size=1,
    max_size=12,
)


class Rollback(Exception):
    pass


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_the_balance_always_equals_the_sum_of_the_movements(sequence, staff):
    try:
        with transaction.atomic():
            _run(sequence, staff)
            raise Rollback
    except Rollback:
        pass


def _run(sequence, staff):
    company = CompanyFactory()
    expected = Decimal("0.00")
    paid: list[Payment] = []
    last_top_up = None
    for kind, amount in sequence:
        if kind == "top_up":
            order = OrderFactory(company=company, total_net=amount, total_vat=0, total_gross=amount)
            CreditTopUp.objects.create(order=order, company=company, amount=amount)
            actions.credit_top_up(order=order)
            last_top_up = order
            expected += amount
        elif kind == "pay":
            order = OrderFactory(company=company, total_net=amount, total_vat=0, total_gross=amount)
            payment = Payment.objects.create(order=order, provider="prepaid_credit", amount=amount)
            try:
                actions.debit_for_payment(payment=payment)
            except actions.InsufficientCredit:
                assert amount > expected
            else:
                expected -= amount
                paid.append(payment)
        elif kind == "refund" and paid:
            payment = paid[amount % len(paid)]
            Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.CONFIRMED)
            refund = Refund.objects.create(payment=payment, amount=payment.amount)
            paid.remove(payment)
            actions.return_refund(refund=refund)
            expected += payment.amount
        elif kind == "adjust":
            try:
                actions.adjust(company=company, amount=amount, note="Prova", actor=staff)
            except actions.AdjustmentNotAllowed:
                assert expected + amount < 0
            else:
                expected += amount
        elif kind == "repeat" and last_top_up is not None:
            # The paid hook run again credits nothing.
            assert actions.credit_top_up(order=last_top_up) is None
        account = CreditAccount.objects.filter(company=company).first()
        balance = account.balance if account else Decimal("0.00")
        assert balance == expected >= 0
        assert ledger_problems() == []
    movements = list(CreditMovement.objects.filter(account__company=company).order_by("id"))
    assert sum((m.amount for m in movements), Decimal("0.00")) == expected
    assert all(m.balance_after >= 0 for m in movements)
