"""Accept / decline / expire, and the order placed from an accepted quote."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sportello.notifications.models import OutgoingEmail
from sportello.orders.models import Order, OrderStatus
from sportello.quotes import actions
from sportello.quotes.models import QuoteRequest, QuoteStatus
from sportello.quotes.tasks import expire_quotes
from sportello.quotes.tests.conftest import price_quote
from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory

BILLING = {
    "kind": "person",
    "first_name": "Mario",
    "last_name": "Rossi",
    "codice_fiscale": "RSSMRA80A01H501U",
    "address": "Via Roma 1",
    "cap": "40121",
    "comune": "Bologna",
    "provincia": "BO",
    "country": "IT",
}
YESTERDAY = dt.timedelta(days=-1)


def _past_validity(quote):
    QuoteRequest.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() + YESTERDAY)
    quote.refresh_from_db()


def _place(quote, customer, token=None):
    return actions.place_order_for_quote(
        quote=quote,
        customer=customer,
        billing=BILLING,
        payment_method="test_gateway",
        checkout_token=token or uuid.uuid4(),
    )


# --- Accept ---------------------------------------------------------------------------------


def test_accept_moves_the_quote_to_accepted(ready_quote, customer):
    actions.accept_quote(quote=ready_quote, customer=customer, version=1)
    ready_quote.refresh_from_db()
    assert ready_quote.status == QuoteStatus.ACCEPTED
    assert ready_quote.accepted_version == 1
    change = ready_quote.status_changes.last()
    assert (change.from_status, change.to_status, change.actor) == (
        QuoteStatus.READY,
        QuoteStatus.ACCEPTED,
        customer,
    )


def test_accepting_twice_is_a_no_op(ready_quote, customer):
    actions.accept_quote(quote=ready_quote, customer=customer, version=1)
    actions.accept_quote(quote=ready_quote, customer=customer, version=1)
    assert ready_quote.status_changes.filter(to_status=QuoteStatus.ACCEPTED).count() == 1


def test_accept_view(customer_client, ready_quote):
    response = customer_client.post(
        reverse("quotes:accept", args=[ready_quote.number]), {"version": "1"}
    )
    assert response.status_code == 302
    ready_quote.refresh_from_db()
    assert ready_quote.status == QuoteStatus.ACCEPTED


def test_accept_of_an_outdated_version_is_refused(ready_quote, customer, staff):
    price_quote(ready_quote, staff, prices=[("1.00", "22.00"), ("2.00", "22.00")])
    with pytest.raises(actions.QuoteChanged):
        actions.accept_quote(quote=ready_quote, customer=customer, version=1)
    ready_quote.refresh_from_db()
    assert ready_quote.status == QuoteStatus.READY
    assert ready_quote.accepted_version is None


def test_accept_checks_validity_at_that_moment(customer_client, ready_quote, customer):
    _past_validity(ready_quote)
    response = customer_client.post(
        reverse("quotes:accept", args=[ready_quote.number]), {"version": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == ready_quote.get_absolute_url()
    ready_quote.refresh_from_db()
    assert ready_quote.status == QuoteStatus.EXPIRED
    assert ready_quote.accepted_version is None
    page = customer_client.get(response["Location"]).content.decode()
    assert "è scaduto" in page
    assert OutgoingEmail.objects.filter(to=customer.email, subject__contains="scaduto").exists()


@pytest.mark.parametrize(
    "status",
    [
        QuoteStatus.SENT,
        QuoteStatus.IN_PROGRESS,
        QuoteStatus.DECLINED,
        QuoteStatus.EXPIRED,
        QuoteStatus.CANCELLED,
    ],
)
def test_accept_refused_unless_ready(customer_client, ready_quote, status):
    QuoteRequest.objects.filter(pk=ready_quote.pk).update(status=status)
    history = ready_quote.status_changes.count()
    response = customer_client.post(
        reverse("quotes:accept", args=[ready_quote.number]), {"version": "1"}
    )
    assert response.status_code == 302
    ready_quote.refresh_from_db()
    assert ready_quote.status == status
    assert ready_quote.status_changes.count() == history


def test_accept_by_another_customer_is_refused_by_the_action(ready_quote, other_customer):
    with pytest.raises(QuoteRequest.DoesNotExist):
        actions.accept_quote(quote=ready_quote, customer=other_customer, version=1)
    ready_quote.refresh_from_db()
    assert ready_quote.status == QuoteStatus.READY


# --- Decline --------------------------------------------------------------------------------


def test_decline_with_reason_notifies_staff(customer_client, ready_quote):
    response = customer_client.post(
        reverse("quotes:decline", args=[ready_quote.number]),
        {"reason": "Ho trovato un'offerta migliore."},
    )
    assert response.status_code == 302
    ready_quote.refresh_from_db()
    assert ready_quote.status == QuoteStatus.DECLINED
    assert ready_quote.decline_reason == "Ho trovato un'offerta migliore."
    assert ready_quote.status_changes.last().note == "Ho trovato un'offerta migliore."
    email = OutgoingEmail.objects.get(to=settings.STAFF_NOTIFICATION_EMAIL)
    assert "rifiutato" in email.subject
    assert "Ho trovato un'offerta migliore." in email.text_body
    html = customer_client.get(ready_quote.get_absolute_url()).content.decode()
    assert "ACCETTA IL PREVENTIVO" not in html


def test_decline_without_reason(ready_quote, customer):
    actions.decline_quote(quote=ready_quote, customer=customer)
    ready_quote.refresh_from_db()
    assert ready_quote.status == QuoteStatus.DECLINED
    assert ready_quote.decline_reason == ""


def test_declined_quote_cannot_be_accepted_or_bought(ready_quote, customer):
    actions.decline_quote(quote=ready_quote, customer=customer)
    with pytest.raises(actions.QuoteNotAcceptable):
        actions.accept_quote(quote=ready_quote, customer=customer, version=1)
    with pytest.raises(actions.QuoteNotAcceptable):
        _place(ready_quote, customer)
    assert not Order.objects.exists()


@pytest.mark.parametrize("status", [QuoteStatus.SENT, QuoteStatus.CANCELLED, QuoteStatus.EXPIRED])
def test_decline_refused_when_nothing_to_decline(customer_client, ready_quote, status):
    QuoteRequest.objects.filter(pk=ready_quote.pk).update(status=status)
    customer_client.post(reverse("quotes:decline", args=[ready_quote.number]), {"reason": "No"})
    ready_quote.refresh_from_db()
    assert ready_quote.status == status
    assert ready_quote.decline_reason == ""
    assert not OutgoingEmail.objects.filter(to=settings.STAFF_NOTIFICATION_EMAIL).exists()


# --- Expiry ---------------------------------------------------------------------------------


def test_periodic_task_expires_only_open_quotes_past_validity(customer, staff):
    today = timezone.localdate()

    def make(valid_until, status):
        quote = QuoteRequestFactory(customer=customer)
        QuoteLineFactory(quote=quote)
        QuoteLineFactory(quote=quote)
        price_quote(quote, staff)
        QuoteRequest.objects.filter(pk=quote.pk).update(valid_until=valid_until, status=status)
        return quote

    overdue = make(today - dt.timedelta(days=1), QuoteStatus.READY)
    overdue_accepted = make(today - dt.timedelta(days=2), QuoteStatus.ACCEPTED)
    last_day = make(today, QuoteStatus.READY)
    declined = make(today - dt.timedelta(days=5), QuoteStatus.DECLINED)
    OutgoingEmail.objects.all().delete()

    assert expire_quotes.name == settings.CELERY_BEAT_SCHEDULE["expire-quotes"]["task"]
    assert expire_quotes() == 2
    statuses = dict(QuoteRequest.objects.values_list("pk", "status"))
    assert statuses == {
        overdue.pk: QuoteStatus.EXPIRED,
        overdue_accepted.pk: QuoteStatus.EXPIRED,
        last_day.pk: QuoteStatus.READY,
        declined.pk: QuoteStatus.DECLINED,
    }
    assert OutgoingEmail.objects.filter(subject__contains="scaduto").count() == 2
    assert expire_quotes() == 0  # a repeat changes nothing


def test_expired_quote_can_be_reissued(ready_quote, staff, customer):
    _past_validity(ready_quote)
    expire_quotes()
    price_quote(ready_quote, staff)
    ready_quote.refresh_from_db()
    assert ready_quote.status == QuoteStatus.READY
    assert ready_quote.current_version == 2
    actions.accept_quote(quote=ready_quote, customer=customer, version=2)


# --- Order from the quote -------------------------------------------------------------------


# Amounts whose sums are exact in binary floating point too: on SQLite the orders' CHECK
# constraints (total = net + VAT) compare floats, and 133.33 + 29.33 != 162.66 there.
ORDER_PRICES = [("100.00", "22.00"), ("50.50", "22.00")]


@pytest.fixture
def accepted_quote(quote, staff, customer):
    price_quote(quote, staff, prices=ORDER_PRICES)
    actions.accept_quote(quote=quote, customer=customer, version=1)
    quote.refresh_from_db()
    return quote


def test_order_is_placed_at_the_quoted_prices(accepted_quote, customer):
    order = _place(accepted_quote, customer)
    accepted_quote.refresh_from_db()
    assert accepted_quote.status == QuoteStatus.ORDERED
    assert accepted_quote.order == order
    assert order.quote == accepted_quote
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert (order.total_net, order.total_vat, order.total_gross) == (
        Decimal("150.50"),
        Decimal("33.11"),
        Decimal("183.61"),
    )
    lines = list(order.lines.order_by("position"))
    assert [
        (line.service_name, line.net, line.vat_rate, line.vat, line.gross) for line in lines
    ] == [
        (
            "Perizia di stima",
            Decimal("100.00"),
            Decimal("22.00"),
            Decimal("22.00"),
            Decimal("122.00"),
        ),
        (
            "Visura catastale",
            Decimal("50.50"),
            Decimal("22.00"),
            Decimal("11.11"),
            Decimal("61.61"),
        ),
    ]
    assert lines[0].answers_display == [
        {"label": "Indirizzo dell'immobile", "value": "Via Roma 1, Bologna", "file_id": None}
    ]
    assert order.billing_codice_fiscale == "RSSMRA80A01H501U"
    assert order.payment_method == "test_gateway"
    history = accepted_quote.status_changes.last()
    assert (history.from_status, history.to_status) == (QuoteStatus.ACCEPTED, QuoteStatus.ORDERED)
    assert history.note == f"Ordine {order.number}"


def test_same_checkout_token_returns_the_same_order(accepted_quote, customer):
    token = uuid.uuid4()
    first = _place(accepted_quote, customer, token)
    second = _place(accepted_quote, customer, token)
    assert first == second
    assert Order.objects.count() == 1


def test_two_purchases_of_one_quote_make_one_order(accepted_quote, customer):
    # Two checkouts (two tabs, two tokens) racing: the compare-and-set lets one through.
    _place(accepted_quote, customer)
    with pytest.raises(actions.QuoteNotAcceptable):
        _place(accepted_quote, customer)
    assert Order.objects.count() == 1


def test_the_compare_and_set_refuses_a_stale_accepted_copy(accepted_quote, customer):
    stale = QuoteRequest.objects.get(pk=accepted_quote.pk)
    _place(accepted_quote, customer)
    # `stale` still says "accepted" in memory; the database says otherwise.
    assert stale.status == QuoteStatus.ACCEPTED
    with pytest.raises(actions.QuoteNotAcceptable):
        _place(stale, customer)
    assert Order.objects.count() == 1


def test_expired_accepted_quote_cannot_be_bought(accepted_quote, customer):
    _past_validity(accepted_quote)
    with pytest.raises(actions.QuoteExpired):
        _place(accepted_quote, customer)
    accepted_quote.refresh_from_db()
    assert accepted_quote.status == QuoteStatus.EXPIRED
    assert accepted_quote.order is None
    assert not Order.objects.exists()


def test_a_ready_but_not_accepted_quote_cannot_be_bought(ready_quote, customer):
    with pytest.raises(actions.QuoteNotAcceptable):
        _place(ready_quote, customer)
    assert not Order.objects.exists()


def test_another_customer_cannot_buy_the_quote(accepted_quote, other_customer):
    with pytest.raises(QuoteRequest.DoesNotExist):
        _place(accepted_quote, other_customer)
    assert not Order.objects.exists()


def test_ordered_quote_shows_the_order(customer_client, accepted_quote, customer):
    order = _place(accepted_quote, customer)
    html = customer_client.get(accepted_quote.get_absolute_url()).content.decode()
    assert order.number in html
    assert "ACCETTA IL PREVENTIVO" not in html
    assert "RIFIUTA IL PREVENTIVO" not in html


def test_back_office_order_page_links_back_to_the_quote(staff_client, accepted_quote, customer):
    order = _place(accepted_quote, customer)
    html = staff_client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    quote_url = reverse("admin:quotes_quoterequest_change", args=[accepted_quote.pk])
    assert f'<a href="{quote_url}">{accepted_quote.number}</a>' in html
    quote_html = staff_client.get(quote_url).content.decode()
    order_url = reverse("admin:orders_order_change", args=[order.pk])
    assert f'<a href="{order_url}">{order.number}</a>' in quote_html


def test_order_bought_from_a_quote_names_it_in_the_confirmation(accepted_quote, customer):
    from sportello.notifications.models import OutgoingEmail
    from sportello.orders.actions import mark_paid

    order = _place(accepted_quote, customer)
    mark_paid(order=order)
    email = OutgoingEmail.objects.get(template="orders/email/confirmation")
    assert f"preventivo n. {accepted_quote.number}" in email.subject
    assert f"effettuato dal preventivo n. {accepted_quote.number}" in email.text_body
    assert f"effettuato dal preventivo n. {accepted_quote.number}" in email.html_body
