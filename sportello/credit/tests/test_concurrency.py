"""Real threads on PostgreSQL (SQLite's test database is in memory, one connection): two
orders racing for the last euros of the credit — exactly one is paid, never below zero."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from sportello.checkout import settlement
from sportello.core.tests.racing import race_all
from sportello.credit.actions import InsufficientCredit
from sportello.credit.models import CreditMovement, MovementKind
from sportello.credit.queries import balance_of, ledger_problems
from sportello.credit.tests.conftest import buy_top_up, company_order
from sportello.orders.models import OrderStatus
from sportello.payments.actions import PaymentNotAllowed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("racers", [2, 4])
def test_orders_racing_for_the_last_euros_exactly_one_is_paid(
    administrator, buyer, company, racers
):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database shared by several connections")
    buy_top_up(administrator, "150.00")
    # 122,00 € each: the credit covers one of them, never two.
    orders = [
        company_order(administrator if i % 2 == 0 else buyer, company, "100.00")
        for i in range(racers)
    ]

    results, errors = race_all(
        [
            # Each order paid by who placed it (a buyer pays only their own orders); `i`
            # bound now, not when the thread runs.
            lambda order=order, i=i: settlement.pay_from_credit(
                order=order, actor=administrator if i % 2 == 0 else buyer
            )
            for i, order in enumerate(orders)
        ]
    )

    assert len(results) == 1
    assert len(errors) == racers - 1
    assert all(isinstance(error, InsufficientCredit) for error in errors)
    for order in orders:
        order.refresh_from_db()
    assert sorted(order.status for order in orders) == sorted(
        [OrderStatus.PAID] + [OrderStatus.AWAITING_PAYMENT] * (racers - 1)
    )
    assert balance_of(company) == Decimal("28.00")
    assert CreditMovement.objects.filter(kind=MovementKind.PAYMENT).count() == 1
    assert ledger_problems() == []


def test_one_order_paid_twice_at_once_is_debited_once(administrator, company):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database shared by several connections")
    buy_top_up(administrator, "500.00")
    order = company_order(administrator, company, "100.00")

    results, errors = race_all(
        [lambda: settlement.pay_from_credit(order=order, actor=administrator) for _ in range(3)]
    )

    assert len(results) == 1
    # The others wait for the order's lock, then find it paid.
    assert len(errors) == 2
    assert all(isinstance(error, PaymentNotAllowed) for error in errors)
    assert balance_of(company) == Decimal("378.00")
    assert CreditMovement.objects.filter(kind=MovementKind.PAYMENT).count() == 1
