from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sportello.orders.models import LineStatus, OrderLineStatusChange, OrderStatus
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory, PaidOrderFactory
from sportello.pages.queries import attention_for_customer
from sportello.quotes.models import QuoteStatus
from sportello.quotes.tests.factories import QuoteRequestFactory

pytestmark = pytest.mark.django_db


def _ready_quote(customer, *, days_left=10, status=QuoteStatus.READY, **kwargs):
    return QuoteRequestFactory(
        customer=customer,
        status=status,
        current_version=1,
        valid_until=timezone.localdate() + timedelta(days=days_left),
        **kwargs,
    )


def _line_awaiting_data(customer, *, note="", **kwargs):
    line = OrderLineFactory(
        order=PaidOrderFactory(customer=customer),
        status=LineStatus.AWAITING_CUSTOMER_DATA,
        **kwargs,
    )
    OrderLineStatusChange.objects.create(
        line=line, from_status=LineStatus.RECEIVED, to_status=line.status, note=note
    )
    return line


def _everything_for(customer):
    """One item of each kind for `customer`, and the things that must never show."""
    unpaid = OrderFactory(customer=customer)
    PaidOrderFactory(customer=customer)
    OrderFactory(customer=customer, status=OrderStatus.CANCELLED)
    ready = _ready_quote(customer)
    _ready_quote(customer, days_left=-1)  # past validity: can no longer be accepted
    _ready_quote(customer, status=QuoteStatus.ACCEPTED, accepted_version=1)
    QuoteRequestFactory(customer=customer, status=QuoteStatus.SENT)
    line = _line_awaiting_data(
        customer, note="Serve la planimetria catastale.", service_name="Perizia immobiliare"
    )
    OrderLineFactory(order=PaidOrderFactory(customer=customer), status=LineStatus.IN_PROGRESS)
    return unpaid, ready, line


def test_attention_lists_what_the_customer_must_do(customer):
    unpaid, ready, line = _everything_for(customer)

    attention = attention_for_customer(customer=customer)

    assert [order.number for order in attention.orders_awaiting_payment] == [unpaid.number]
    assert [quote.number for quote in attention.quotes_ready] == [ready.number]
    assert [(item.line.pk, item.request_note) for item in attention.lines_awaiting_data] == [
        (line.pk, "Serve la planimetria catastale.")
    ]
    assert not attention.is_empty


def test_an_order_withdrawn_from_entirely_is_not_to_pay(customer):
    from django.utils import timezone

    withdrawn = OrderFactory(customer=customer)
    OrderLineFactory(order=withdrawn, withdrawal_received_at=timezone.now())
    partly = OrderFactory(customer=customer)
    OrderLineFactory(order=partly, withdrawal_received_at=timezone.now())
    OrderLineFactory(order=partly)

    attention = attention_for_customer(customer=customer)

    assert [order.number for order in attention.orders_awaiting_payment] == [partly.number]


def test_another_customers_items_are_never_listed(customer, other_customer):
    _everything_for(other_customer)

    attention = attention_for_customer(customer=customer)

    assert attention.orders_awaiting_payment == []
    assert attention.quotes_ready == []
    assert attention.lines_awaiting_data == []
    assert attention.is_empty


def test_the_latest_data_request_note_is_shown(customer):
    line = _line_awaiting_data(customer, note="Prima richiesta")
    OrderLineStatusChange.objects.create(
        line=line, from_status=line.status, to_status=LineStatus.IN_PROGRESS
    )
    OrderLineStatusChange.objects.create(
        line=line,
        from_status=LineStatus.IN_PROGRESS,
        to_status=LineStatus.AWAITING_CUSTOMER_DATA,
        note="Seconda richiesta",
    )

    attention = attention_for_customer(customer=customer)

    assert [item.request_note for item in attention.lines_awaiting_data] == ["Seconda richiesta"]


def test_attention_takes_five_queries_however_many_items(customer, django_assert_num_queries):
    for _ in range(3):
        _everything_for(customer)

    # Orders, quotes, lines, their "awaiting data" history and their open data requests.
    with django_assert_num_queries(5):
        attention = attention_for_customer(customer=customer)
        assert len(attention.orders_awaiting_payment) == 3
        assert len(attention.quotes_ready) == 3
        assert len(attention.quotes_accepted) == 3
        assert len(attention.lines_awaiting_data) == 3
        assert [item.line.order.number for item in attention.lines_awaiting_data]


def test_home_shows_the_links_to_act(customer_client, customer):
    unpaid, ready, line = _everything_for(customer)

    html = customer_client.get(reverse("accounts:home")).content.decode()

    assert '<h2 id="attention-title">Da fare</h2>' in html
    pay_url = reverse("payments:pay", kwargs={"number": unpaid.number})
    assert f'<a class="button" href="{pay_url}">Paga l\'ordine {unpaid.number}</a>' in html
    assert "(122,00" in html
    assert (
        f'<a class="button" href="{ready.get_absolute_url()}">Vedi il preventivo {ready.number}</a>'
    ) in html
    assert (
        f"Per il servizio «Perizia immobiliare» dell'ordine "
        f'<a href="{line.order.get_absolute_url()}">{line.order.number}</a> '
        "ci servono altri dati da te: Serve la planimetria catastale."
    ) in html


def test_home_links_every_section_of_the_side_menu(customer_client):
    html = customer_client.get(reverse("accounts:home")).content.decode()

    # The same sections as the menu of every IL MIO ACCOUNT page, TOKEN API included.
    for name in ("companies:home", "credit:account", "api_account:tokens", "accounts:privacy"):
        assert f'<a class="card" href="{reverse(name)}">' in html


def test_home_without_anything_to_do_has_no_attention_box(customer_client, other_customer):
    _everything_for(other_customer)

    html = customer_client.get(reverse("accounts:home")).content.decode()

    assert "Da fare" not in html
    assert "Paga l'ordine" not in html


def test_home_query_count_does_not_grow_with_items(customer_client, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("accounts:home")
    _everything_for(customer)
    customer_client.get(url)
    with CaptureQueriesContext(connection) as one_of_each:
        customer_client.get(url)
    for _ in range(4):
        _everything_for(customer)

    with CaptureQueriesContext(connection) as five_of_each:
        html = customer_client.get(url).content.decode()

    assert html.count("Paga l'ordine") == 5
    assert len(five_of_each) == len(one_of_each)


def test_accepted_quotes_not_yet_bought_ask_to_complete_the_purchase(customer_client, customer):
    accepted = _ready_quote(customer, status=QuoteStatus.ACCEPTED, accepted_version=1)
    _ready_quote(customer, status=QuoteStatus.ACCEPTED, accepted_version=1, days_left=-1)
    ready = _ready_quote(customer)

    attention = attention_for_customer(customer=customer)
    html = customer_client.get(reverse("accounts:home")).content.decode()

    assert [quote.number for quote in attention.quotes_accepted] == [accepted.number]
    assert [quote.number for quote in attention.quotes_ready] == [ready.number]
    checkout_url = reverse("checkout:start_quote", kwargs={"number": accepted.number})
    assert (
        f'<a class="button" href="{checkout_url}">'
        f"Completa l'acquisto del preventivo {accepted.number}</a>"
    ) in html
    assert html.count("Completa l'acquisto del preventivo") == 1


def test_open_data_request_links_to_its_form(customer_client, customer, staff):
    from django.urls import reverse

    from sportello.orders import conversation
    from sportello.orders.tests.factories import OrderLineFactory, PaidOrderFactory

    line = OrderLineFactory(order=PaidOrderFactory(customer=customer))
    data_request = conversation.request_data(line=line, actor=staff, note="Serve la visura")
    page = customer_client.get(reverse("accounts:home")).content.decode()
    assert "Da fare" in page and "Serve la visura" in page
    assert reverse("orders:data_request", args=[line.order.number, data_request.pk]) in page
