"""A consumer's order without the express early-start request waits for the end of the
withdrawal period: staff cannot start its lines before (Codice del Consumo art. 50, c. 3)."""

import datetime as dt
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from sportello.contracts.queries import current_terms
from sportello.contracts.rules import (
    earliest_start_date,
    is_within_withdrawal_period,
    withdrawal_deadline,
)
from sportello.orders import actions
from sportello.orders.models import CustomerKind, LineStatus, OrderStatus
from sportello.orders.queries import earliest_start_date as order_earliest_start_date
from sportello.orders.tests.factories import OrderLineFactory, PaidOrderFactory

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
# Placed late in the evening in Rome: the day that counts is Rome's, not UTC's.
PLACED = dt.datetime(2026, 3, 2, 23, 30, tzinfo=ROME)


def test_the_period_counts_rome_days_from_the_order():
    assert withdrawal_deadline(PLACED) == dt.date(2026, 3, 16)
    assert is_within_withdrawal_period(PLACED, now=dt.datetime(2026, 3, 16, 23, 59, tzinfo=ROME))
    assert not is_within_withdrawal_period(PLACED, now=dt.datetime(2026, 3, 17, 0, 1, tzinfo=ROME))


def test_earliest_start_date():
    assert earliest_start_date(
        placed_at=PLACED, is_consumer=True, early_start_requested=False
    ) == dt.date(2026, 3, 17)
    assert (
        earliest_start_date(placed_at=PLACED, is_consumer=True, early_start_requested=True) is None
    )
    assert (
        earliest_start_date(placed_at=PLACED, is_consumer=False, early_start_requested=False)
        is None
    )


def _consumer_order(*, days_ago=0, early_start=False, kind=CustomerKind.PERSON):
    placed_at = timezone.now() - timedelta(days=days_ago)
    order = PaidOrderFactory(
        placed_at=placed_at,
        terms=current_terms(),
        terms_accepted_at=placed_at,
        early_start_requested=early_start,
        billing_kind=kind,
    )
    return order, OrderLineFactory(order=order)


def test_staff_cannot_start_a_consumers_line_early_without_the_request():
    order, line = _consumer_order()
    start = timezone.localdate() + timedelta(days=15)
    assert order_earliest_start_date(order) == start

    for to in (LineStatus.IN_PROGRESS, LineStatus.COMPLETED):
        with pytest.raises(actions.WorkCannotStartYet) as refused:
            actions.set_line_status(line=line, to=to, actor=None)
        assert refused.value.start_date == start
        assert f"possono iniziare dal {start:%d/%m/%Y}" in str(refused.value)
    with pytest.raises(actions.WorkCannotStartYet):
        actions.start_processing(order=order)
    with pytest.raises(actions.WorkCannotStartYet):
        actions.complete_order(order=order)

    line.refresh_from_db()
    order.refresh_from_db()
    assert line.status == LineStatus.RECEIVED
    assert order.status == OrderStatus.PAID
    assert not line.status_changes.exists()


def test_asking_the_customer_for_data_is_not_starting_the_service():
    _order, line = _consumer_order()
    assert actions.set_line_status(line=line, to=LineStatus.AWAITING_CUSTOMER_DATA, note="CF?")


def test_the_line_starts_at_once_with_the_request_or_for_a_company():
    for order, line in (
        _consumer_order(early_start=True),
        _consumer_order(kind=CustomerKind.COMPANY),
    ):
        assert order_earliest_start_date(order) is None
        assert actions.set_line_status(line=line, to=LineStatus.IN_PROGRESS)


def test_the_line_starts_once_the_period_is_over():
    _order, line = _consumer_order(days_ago=15)
    assert actions.set_line_status(line=line, to=LineStatus.IN_PROGRESS)

    _order, line = _consumer_order(days_ago=14)
    with pytest.raises(actions.WorkCannotStartYet):
        actions.set_line_status(line=line, to=LineStatus.IN_PROGRESS)


def test_orders_placed_before_the_riepilogo_offered_the_choice_are_not_held_back():
    order = PaidOrderFactory(early_start_requested=False, terms=None, terms_accepted_at=None)
    line = OrderLineFactory(order=order)
    assert order.earliest_start_date is None
    assert actions.set_line_status(line=line, to=LineStatus.IN_PROGRESS)


def test_the_back_office_says_from_when_staff_may_start(staff_client):
    order, line = _consumer_order()
    start = timezone.localdate() + timedelta(days=15)
    url = reverse("admin:orders_order_line", args=[order.pk, line.pk])

    response = staff_client.post(
        url, {"form": "status", "to": LineStatus.IN_PROGRESS, "note": ""}, follow=True
    )

    assert f"possono iniziare dal {start:%d/%m/%Y}" in response.text
    line.refresh_from_db()
    assert line.status == LineStatus.RECEIVED
    page = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).text
    assert f"Dal {start:%d/%m/%Y} (consumatore senza richiesta di esecuzione immediata" in page
