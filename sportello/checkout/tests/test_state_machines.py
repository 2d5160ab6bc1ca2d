"""Random sequences of what customers, providers and staff do never reach an inconsistent state.

Hypothesis drives the real actions (through `checkout.settlement`, as the views do) in random
orders, repeats included — a webhook replayed, a confirmation after a cancellation, two
refunds of the same money — and checks after every step that the books still add up.
Modest example counts keep these under a few seconds each; the database is the test's own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import RequestFactory
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from sportello.accounts.tests.factories import StaffFactory, UserFactory
from sportello.checkout import settlement
from sportello.core.state import InvalidTransition
from sportello.notifications.models import OutgoingEmail
from sportello.orders import actions as order_actions
from sportello.orders.models import Order, OrderStatus
from sportello.payments import actions as payment_actions
from sportello.payments.models import Payment, PaymentStatus, Refund
from sportello.payments.tests.factories import AwaitingOrderFactory
from sportello.quotes import actions as quote_actions
from sportello.quotes.models import QuoteRequest, QuoteStatus
from sportello.quotes.tests.conftest import price_quote
from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory

pytestmark = pytest.mark.django_db

MACHINE_SETTINGS = settings(
    max_examples=15,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PAID_STATUSES = {OrderStatus.PAID, OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED}
MONEY_STATUSES = (PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED)
ZERO = Decimal("0.00")


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    settings.BANK_TRANSFER_IBAN = "IT60X0542811101000000123456"
    settings.BANK_TRANSFER_BENEFICIARY = "Sportello Servizi S.r.l."
    settings.STAFF_NOTIFICATION_EMAIL = "ordini@sportello.example"
    settings.PAYMENT_ATTEMPTS_PER_HOUR = 4


class OrderPayments(RuleBasedStateMachine):
    """One order, its payment attempts, refunds and staff buttons."""

    @initialize()
    def new_order(self):
        self.customer = UserFactory()
        self.staff = StaffFactory()
        self.order = AwaitingOrderFactory(customer=self.customer)
        self.request = RequestFactory().get("/")
        self.request.user = self.customer
        self.became_paid = 0
        self.extra_charges: set[int] = set()

    def _payments(self) -> list[Payment]:
        return list(Payment.objects.filter(order=self.order).order_by("id"))

    def _pick(self, index: int) -> Payment | None:
        payments = self._payments()
        return payments[index % len(payments)] if payments else None

    def _record(self, confirmation) -> None:
        self.became_paid += confirmation.order_became_paid
        if confirmation.is_extra_charge:
            self.extra_charges.add(confirmation.payment.pk)

    # --- What happens -------------------------------------------------------------------

    @rule(provider=st.sampled_from(["test_gateway", "bank_transfer"]))
    def start_attempt(self, provider):
        with contextlib.suppress(payment_actions.PaymentNotAllowed):
            payment_actions.start_payment(
                order=self.order, provider_id=provider, request=self.request
            )

    @rule(index=st.integers(0, 9), replays=st.integers(1, 3))
    def provider_confirms(self, index, replays):
        """A callback or webhook, possibly replayed, possibly for a cancelled attempt."""
        payment = self._pick(index)
        if payment is None:
            return
        for _ in range(replays):
            self._record(settlement.settle_confirmed_payment(payment=payment, note="test"))

    @rule(index=st.integers(0, 9))
    def provider_declines(self, index):
        payment = self._pick(index)
        if payment is not None:
            settlement.settle_failed_payment(payment=payment, reason="Rifiutato")

    @rule(index=st.integers(0, 9))
    def provider_says_pending(self, index):
        payment = self._pick(index)
        if payment is not None:
            payment_actions.mark_pending(payment=payment)

    @rule()
    def staff_record_bank_transfer(self):
        with contextlib.suppress(payment_actions.TransferNotExpected):
            self._record(settlement.settle_bank_transfer(order=self.order, actor=self.staff))

    @rule()
    def staff_cancel(self):
        with contextlib.suppress(InvalidTransition):
            payment_actions.cancel_order(order=self.order, actor=self.staff, note="")

    @rule(step=st.sampled_from(["start_processing", "complete_order"]))
    def staff_work(self, step):
        with contextlib.suppress(InvalidTransition):
            getattr(order_actions, step)(order=self.order, actor=self.staff)

    @rule(index=st.integers(0, 9), part=st.sampled_from(["all", "some", "too_much"]))
    def staff_refund(self, index, part):
        payment = self._pick(index)
        if payment is None:
            return
        available = payment_actions.refundable_amount(payment)
        amount = {"all": available, "some": Decimal("10.00"), "too_much": available + 1}[part]
        with contextlib.suppress(payment_actions.RefundNotAllowed):
            settlement.record_refund(payment=payment, amount=amount, actor=self.staff)

    # --- What must always hold ---------------------------------------------------------------

    @invariant()
    def books_add_up(self):
        if not hasattr(self, "order"):
            return
        order = type(self.order).objects.get(pk=self.order.pk)
        payments = self._payments()
        received = sum((p.amount for p in payments if p.status in MONEY_STATUSES), ZERO)
        refunds = Refund.objects.filter(payment__order=order)
        refunded = refunds.aggregate(total=Sum("amount"))["total"] or ZERO
        paid_rows = order.status_changes.filter(to_status=OrderStatus.PAID).count()

        # A paid order is covered by money received; it became paid once, by one confirmation.
        if order.status in PAID_STATUSES:
            assert received >= order.total_gross
            assert order.paid_at is not None
        assert paid_rows <= 1
        assert self.became_paid == paid_rows
        # Never more given back than received, never the same money twice.
        assert refunded <= received
        for payment in payments:
            given_back = payment.refunds.aggregate(total=Sum("amount"))["total"] or ZERO
            assert given_back <= payment.amount
            assert (payment.status == PaymentStatus.REFUNDED) == (given_back == payment.amount)
            if given_back:
                assert payment.status in MONEY_STATUSES
            if payment.status in MONEY_STATUSES:
                assert payment.confirmed_at is not None
        if order.status == OrderStatus.REFUNDED:
            assert refunded == received > ZERO
        # Every extra charge (money on an order no longer awaiting it) alerted staff once.
        alerts = OutgoingEmail.objects.filter(
            key__in=[f"payment-{p.pk}-on-paid-order" for p in payments]
        )
        assert sorted(alerts.values_list("key", flat=True)) == sorted(
            f"payment-{pk}-on-paid-order" for pk in self.extra_charges
        )
        # An order still awaiting payment has no settled money covering it.
        if order.status == OrderStatus.AWAITING_PAYMENT:
            assert received < order.total_gross


def test_order_and_payment_sequences_stay_consistent(db):
    run_state_machine_as_test(OrderPayments, settings=MACHINE_SETTINGS)


class QuotePurchases(RuleBasedStateMachine):
    """One priced quote: accepted, bought (double submits, new tokens), declined, expired."""

    @initialize()
    def new_quote(self):
        self.customer = UserFactory()
        self.staff = StaffFactory()
        self.quote = QuoteRequestFactory(customer=self.customer)
        QuoteLineFactory(quote=self.quote, service_name="Perizia di stima")
        price_quote(
            self.quote,
            self.staff,
            prices=[("100.00", "22.00")],
            valid_until=timezone.localdate() + dt.timedelta(days=10),
        )
        self.tokens = [uuid.uuid4()]

    def _fresh(self) -> QuoteRequest:
        return QuoteRequest.objects.get(pk=self.quote.pk)

    @rule()
    def accept(self):
        with contextlib.suppress(quote_actions.QuoteNotAcceptable):
            quote_actions.accept_quote(quote=self._fresh(), customer=self.customer, version=1)

    @rule(new_token=st.booleans(), repeats=st.integers(1, 3))
    def buy(self, new_token, repeats):
        if new_token:
            self.tokens.append(uuid.uuid4())
        for _ in range(repeats):
            with contextlib.suppress(quote_actions.QuoteNotAcceptable):
                quote_actions.place_quote_order(
                    quote=self._fresh(),
                    customer=self.customer,
                    billing={"kind": "person", "first_name": "Mario", "last_name": "Rossi"},
                    payment_method="test_gateway",
                    checkout_token=self.tokens[-1],
                )

    @rule()
    def decline(self):
        with contextlib.suppress(quote_actions.QuoteNotDeclinable):
            quote_actions.decline_quote(quote=self._fresh(), customer=self.customer)

    @rule()
    def time_passes_and_it_expires(self):
        quote_actions.expire_overdue_quotes(today=timezone.localdate() + dt.timedelta(days=11))

    @invariant()
    def one_order_at_most(self):
        if not hasattr(self, "quote"):
            return
        quote = self._fresh()
        placed = Order.objects.filter(checkout_token__in=self.tokens, customer=self.customer)
        assert placed.count() <= 1
        assert (quote.status == QuoteStatus.ORDERED) == (quote.order_id is not None)
        if quote.order_id is not None:
            assert list(placed.values_list("pk", flat=True)) == [quote.order_id]
            assert quote.order.total_gross == Decimal("122.00")
        else:
            assert placed.count() == 0


def test_quote_sequences_make_one_order_at_most(db):
    run_state_machine_as_test(QuotePurchases, settings=MACHINE_SETTINGS)
