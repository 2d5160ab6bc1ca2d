import datetime as dt
import threading
import uuid
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone

from sportello.cart.actions import CartNotReady, place_order
from sportello.cart.models import CartLine
from sportello.cart.tests.factories import CartFactory, CartLineFactory
from sportello.catalogue.models import FieldChoice
from sportello.catalogue.tests.factories import QuoteServiceFactory
from sportello.core.numbering import format_number, next_number
from sportello.notifications.models import OutgoingEmail
from sportello.orders.models import Order, OrderLine, OrderStatus, OrderStatusChange
from sportello.orders.tests.conftest import BILLING, build_appraisal


def test_place_order_snapshots_lines_prices_and_billing(placed_order, customer, full_cart):
    order = placed_order
    assert order.customer == customer
    assert order.customer_email == "mario.rossi@example.com"
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.number == format_number(timezone.localdate().year, 1)
    assert (order.total_net, order.total_vat, order.total_gross) == (
        Decimal("190.00"),
        Decimal("41.80"),
        Decimal("231.80"),
    )
    assert order.billing_name == "Mario Rossi"
    assert order.billing_codice_fiscale == "RSSMRA80A01H501U"
    assert (order.billing_cap, order.billing_comune, order.billing_provincia) == (
        "40121",
        "Bologna",
        "BO",
    )

    appraisal_line, certificate_line = order.lines.order_by("position")
    assert appraisal_line.service_name == "Perizia immobiliare"
    assert appraisal_line.base_net == Decimal("100.00")
    assert appraisal_line.supplements == [{"label": "Urgenza: Consegna urgente", "net": "30.00"}]
    assert (appraisal_line.net, appraisal_line.vat, appraisal_line.gross) == (
        Decimal("130.00"),
        Decimal("28.60"),
        Decimal("158.60"),
    )
    assert appraisal_line.vat_rate == Decimal("22.00")
    assert appraisal_line.answers_display == [
        {"label": "Indirizzo", "value": "Via Roma 1, Bologna", "file_id": None},
        {"label": "Urgenza", "value": "Consegna urgente", "file_id": None},
    ]
    assert certificate_line.supplements == [{"label": "Copia conforme", "net": "10.00"}]
    assert (certificate_line.net, certificate_line.vat, certificate_line.gross) == (
        Decimal("60.00"),
        Decimal("13.20"),
        Decimal("73.20"),
    )
    file_answer = certificate_line.answers_display[1]
    assert file_answer["label"] == "Planimetria"
    assert file_answer["value"] == "planimetria.pdf"
    assert file_answer["file_id"] is not None

    assert list(order.status_changes.values_list("from_status", "to_status")) == [
        ("", OrderStatus.AWAITING_PAYMENT)
    ]
    assert CartLine.objects.filter(cart=full_cart).count() == 0


def test_catalogue_edits_after_placing_do_not_change_the_order(placed_order, appraisal):
    appraisal.name = "Perizia immobiliare (nuovo listino)"
    appraisal.net_price = Decimal("500.00")
    appraisal.save()
    FieldChoice.objects.filter(value="urgente").update(
        label="Urgentissima", price_supplement=Decimal("99.00")
    )
    appraisal.form_fields.filter(key="indirizzo").update(label="Dove")

    line = OrderLine.objects.get(order=placed_order, position=0)
    assert line.service_name == "Perizia immobiliare"
    assert line.gross == Decimal("158.60")
    assert line.supplements == [{"label": "Urgenza: Consegna urgente", "net": "30.00"}]
    assert line.answers_display[0]["label"] == "Indirizzo"
    placed_order.refresh_from_db()
    assert placed_order.total_gross == Decimal("231.80")


def test_prices_come_from_the_catalogue_not_from_the_cart(customer, appraisal, place):
    cart = CartFactory(user=customer)
    # Whatever a tampered request stored next to the answers is not a price.
    CartLineFactory(
        cart=cart,
        service=appraisal,
        answers={"indirizzo": "Via Roma 1", "urgenza": "standard", "price": "0.01"},
    )
    order = place(cart)
    assert order.total_gross == Decimal("122.00")


def test_same_checkout_token_returns_the_same_order(full_cart, place, customer, appraisal):
    token = uuid.uuid4()
    first = place(full_cart, token=token)
    # The customer adds something again and re-posts the old form: still one order.
    CartLineFactory(cart=full_cart, service=appraisal, answers={"indirizzo": "Via Po 2"})
    second = place(full_cart, token=token)
    assert second.pk == first.pk
    assert Order.objects.count() == 1
    assert OrderLine.objects.filter(order=first).count() == 2
    assert CartLine.objects.filter(cart=full_cart).count() == 1


def test_second_token_on_the_emptied_cart_is_refused(full_cart, place):
    place(full_cart)
    with pytest.raises(CartNotReady):
        place(full_cart)
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    "make_line, message",
    [
        (None, "vuoto"),
        (lambda cart: CartLineFactory(cart=cart, service=QuoteServiceFactory()), "verificati"),
        (
            lambda cart: CartLineFactory(
                cart=cart, service=build_appraisal(), form_version=0, answers={}
            ),
            "verificati",
        ),
    ],
    ids=["empty", "quote-service", "form-changed"],
)
def test_cart_not_ready_places_nothing(customer, place, make_line, message):
    cart = CartFactory(user=customer)
    if make_line is not None:
        make_line(cart)
    lines_before = CartLine.objects.filter(cart=cart).count()
    with pytest.raises(CartNotReady, match=message):
        place(cart)
    assert Order.objects.count() == 0
    assert OrderStatusChange.objects.count() == 0
    assert CartLine.objects.filter(cart=cart).count() == lines_before
    assert OutgoingEmail.objects.count() == 0


def test_another_customers_cart_is_refused(full_cart, place, other_customer):
    with pytest.raises(CartNotReady):
        place(full_cart, who=other_customer)
    assert Order.objects.count() == 0
    assert CartLine.objects.filter(cart=full_cart).count() == 2


def test_order_numbers_are_sequential_per_year(customer, appraisal, place):
    cart = CartFactory(user=customer)
    numbers = []
    for _ in range(3):
        CartLineFactory(cart=cart, service=appraisal, answers={"indirizzo": "Via Roma 1"})
        numbers.append(place(cart).number)
    year = timezone.localdate().year
    assert numbers == [f"{year}-000001", f"{year}-000002", f"{year}-000003"]


def test_sequence_restarts_each_year(db):
    with transaction.atomic():
        assert next_number(prefix="ORD", year=2026) == 1
        assert next_number(prefix="ORD", year=2026) == 2
        assert next_number(prefix="ORD", year=2027) == 1
    assert format_number(2027, 1) == "2027-000001"


def test_order_placed_at_new_year_takes_the_new_years_number(customer, appraisal, place):
    # Europe/Rome: 23:30 UTC on 31 December is already the new year in Italy.
    moment = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    cart = CartFactory(user=customer)
    CartLineFactory(cart=cart, service=appraisal, answers={"indirizzo": "Via Roma 1"})
    with mock.patch("sportello.orders.actions.timezone.now", return_value=moment):
        order = place(cart)
    assert order.number == "2027-000001"
    assert order.placed_at == moment


def test_a_failure_after_numbering_leaves_no_gap(customer, appraisal, place):
    cart = CartFactory(user=customer)
    CartLineFactory(cart=cart, service=appraisal, answers={"indirizzo": "Via Roma 1"})
    with (
        mock.patch("sportello.cart.actions.empty_cart", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        place(cart)
    assert Order.objects.count() == 0
    assert CartLine.objects.filter(cart=cart).count() == 1
    assert place(cart).number.endswith("-000001")


# --- E-mails at placing ------------------------------------------------------------------------


def test_card_order_sends_nothing_until_paid(placed_order):
    assert OutgoingEmail.objects.count() == 0


def test_bank_transfer_order_sends_confirmation_and_instructions(full_cart, place, settings):
    settings.BANK_TRANSFER_IBAN = "IT02L1234512345123456789012"
    order = place(full_cart, payment_method="bank_transfer")
    emails = {email.template: email for email in OutgoingEmail.objects.all()}
    assert set(emails) == {"orders/email/confirmation", "payments/email/bank_transfer"}
    confirmation = emails["orders/email/confirmation"]
    assert confirmation.to == "mario.rossi@example.com"
    assert confirmation.subject == f"Conferma dell'ordine n. {order.number}"
    assert "Perizia immobiliare" in confirmation.text_body
    assert "Urgenza: Consegna urgente" in confirmation.text_body
    assert "231,80\u00a0€" in confirmation.text_body
    assert f"/il-mio-account/ordini/{order.number}/" in confirmation.text_body
    instructions = emails["payments/email/bank_transfer"]
    assert "IT02L1234512345123456789012" in instructions.text_body
    assert f"Causale: {order.number}" in instructions.text_body
    assert "Importo: 231,80\u00a0€" in instructions.text_body
    # The deadline the order page shows, and what happens after it.
    from sportello.core.dates import long_date
    from sportello.payments.actions import transfer_deadline

    deadline = long_date(transfer_deadline(order))
    assert f"Da pagare entro {deadline}: se il bonifico non arriva" in instructions.text_body
    assert "l'ordine sarà annullato" in instructions.html_body


def test_rolled_back_placing_queues_no_email(full_cart, place):
    with pytest.raises(RuntimeError), transaction.atomic():
        place(full_cart, payment_method="bank_transfer")
        raise RuntimeError("the caller failed after placing")
    assert Order.objects.count() == 0
    assert OutgoingEmail.objects.count() == 0


def test_rolled_back_placing_sends_nothing(
    full_cart, place, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        place(full_cart, payment_method="bank_transfer")
        raise RuntimeError("the caller failed after placing")
    assert callbacks == []
    assert mailoutbox == []


def test_committed_placing_delivers_after_commit(
    full_cart, place, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(full_cart, payment_method="bank_transfer")
    assert sorted(message.subject for message in mailoutbox) == [
        f"Conferma dell'ordine n. {order.number}",
        f"Istruzioni per il bonifico dell'ordine n. {order.number}",
    ]
    assert mailoutbox[0].to == ["mario.rossi@example.com"]


# --- Concurrency (real threads: PostgreSQL only, SQLite's test database is in memory) -----------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_with_one_token_create_one_order(customer, appraisal):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database shared by two connections")
    cart = CartFactory(user=customer)
    CartLineFactory(cart=cart, service=appraisal, answers={"indirizzo": "Via Roma 1"})
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit():
        try:
            barrier.wait()
            results.append(
                place_order(
                    customer=customer,
                    cart=cart,
                    billing=BILLING,
                    payment_method="test_gateway",
                    checkout_token=token,
                ).pk
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Order.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_get_distinct_numbers(customer, other_customer, appraisal):
    if connection.vendor != "postgresql":
        pytest.skip("needs a database shared by two connections")
    carts = []
    for who in (customer, other_customer):
        cart = CartFactory(user=who)
        CartLineFactory(cart=cart, service=appraisal, answers={"indirizzo": "Via Roma 1"})
        carts.append((who, cart))
    barrier = threading.Barrier(2)
    numbers, errors = [], []

    def submit(who, cart):
        try:
            barrier.wait()
            numbers.append(
                place_order(
                    customer=who,
                    cart=cart,
                    billing=BILLING,
                    payment_method="test_gateway",
                    checkout_token=uuid.uuid4(),
                ).number
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in carts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    year = timezone.localdate().year
    assert errors == []
    assert sorted(numbers) == [f"{year}-000001", f"{year}-000002"]


def test_amounts_whose_float_sum_is_inexact_are_accepted(customer):
    """133.33 + 29.33 is 162.66000000000003 as floats, which SQLite's check once refused."""
    from sportello.catalogue.tests.factories import ServiceFactory

    service = ServiceFactory(net_price=Decimal("133.33"))
    cart = CartFactory(user=customer)
    CartLineFactory(cart=cart, service=service, answers={}, form_version=service.form_version)

    order = place_order(
        customer=customer,
        cart=cart,
        billing=BILLING,
        payment_method="test_gateway",
        checkout_token=uuid.uuid4(),
    )

    order.refresh_from_db()
    assert (order.total_net, order.total_vat, order.total_gross) == (
        Decimal("133.33"),
        Decimal("29.33"),
        Decimal("162.66"),
    )
