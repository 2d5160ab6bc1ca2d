"""One audit trail: the actions write it, the edges say who acts and from where."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sportello.audit.actions import record
from sportello.audit.context import AuditContext, Source, acting, current
from sportello.audit.models import AuditEvent, EventType
from sportello.core.state import InvalidTransition
from sportello.orders import actions as order_actions
from sportello.orders.models import OrderStatus
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory, PaidOrderFactory
from sportello.quotes.models import QuoteStatus
from sportello.quotes.tasks import expire_quotes
from sportello.quotes.tests.factories import QuoteRequestFactory

pytestmark = pytest.mark.django_db

# Whatever the number of audit rows (the order page: session, user, order, its lines,
# payments, refunds, history, the trail…; the list: session, user, one page of rows).
ORDER_PAGE_QUERIES = 14
LIST_QUERIES = 6


def action_url(order, action):
    return reverse("admin:orders_order_action", args=[order.pk, action])


@pytest.fixture
def paid_order(customer):
    order = PaidOrderFactory(customer=customer)
    OrderLineFactory(order=order)
    return order


def test_a_back_office_button_records_who_from_the_back_office(staff_client, staff, paid_order):
    staff_client.post(action_url(paid_order, "in-lavorazione"), {"note": "Iniziamo"})

    event = AuditEvent.objects.get()
    assert event.source == Source.BACK_OFFICE
    assert event.actor == staff
    assert event.event_type == EventType.ORDER_STATUS
    assert event.order_number == paid_order.number
    assert event.customer == paid_order.customer
    assert event.message == (
        f"Ordine {paid_order.number}: «Pagato» → «In lavorazione» (nota: Iniziamo)"
    )
    assert event.extra == {"from": "paid", "to": "in_progress"}


def test_an_action_outside_any_request_is_the_system(paid_order):
    order_actions.start_processing(order=paid_order)

    event = AuditEvent.objects.get()
    assert (event.source, event.actor) == (Source.SYSTEM, None)


def test_a_refused_action_records_nothing(paid_order):
    with pytest.raises(InvalidTransition):
        order_actions.set_order_status(order=paid_order, to=OrderStatus.AWAITING_PAYMENT)

    assert not AuditEvent.objects.exists()


def test_a_scheduled_task_is_recorded_as_such(customer):
    quote = QuoteRequestFactory(
        customer=customer,
        status=QuoteStatus.READY,
        current_version=1,
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )

    expire_quotes.delay()

    event = AuditEvent.objects.get()
    assert (event.source, event.actor) == (Source.SCHEDULED, None)
    assert event.quote_number == quote.number
    assert event.customer == customer
    assert event.message.startswith(f"Preventivo {quote.number}: «Pronto» → «Scaduto»")
    # The task's context ends with the task.
    assert current() == AuditContext()


def test_the_context_is_restored_after_a_block(staff):
    with acting(source=Source.BACK_OFFICE, actor=staff):
        with acting(source=Source.WEBHOOK):
            assert current().source == Source.WEBHOOK
        assert current() == AuditContext(source=Source.BACK_OFFICE, actor=staff)
    assert current().source == Source.SYSTEM


def test_the_actor_passed_to_the_action_wins_over_the_context(staff, customer):
    with acting(source=Source.CUSTOMER, actor=customer):
        event = record(event_type=EventType.ORDER_STATUS, message="x", actor=staff)
    assert (event.source, event.actor) == (Source.CUSTOMER, staff)


def test_the_order_page_shows_its_trail_in_italian_with_constant_queries(
    staff_client, staff, customer, django_assert_num_queries
):
    order = PaidOrderFactory(customer=customer)
    OrderLineFactory(order=order)
    other = PaidOrderFactory(customer=customer)
    url = reverse("admin:orders_order_change", args=[order.pk])

    def add_events(first, count):
        with acting(source=Source.BACK_OFFICE, actor=staff):
            for index in range(first, first + count):
                record(
                    event_type=EventType.ORDER_STATUS,
                    message=f"Evento {index}",
                    order_number=order.number,
                    customer=customer,
                )
        record(event_type=EventType.ORDER_STATUS, message="Altro", order_number=other.number)

    add_events(0, 1)
    staff_client.get(url)  # the session and the content types are cached from here on
    with django_assert_num_queries(ORDER_PAGE_QUERIES):
        response = staff_client.get(url)
    content = response.content.decode()
    assert "Registro attività" in content
    assert "<td>Evento 0</td>" in content
    assert "Altro" not in content
    assert "<td>Back-office</td>" in content
    assert f"<td>{staff.email}</td>" in content
    assert f'?order_number={order.number}">Tutto il registro</a>' in content

    add_events(1, 30)
    with django_assert_num_queries(ORDER_PAGE_QUERIES):
        response = staff_client.get(url)
    content = response.content.decode()
    # The newest twenty; the list behind the link has them all.
    assert "<td>Evento 30</td>" in content
    assert "<td>Evento 11</td>" in content
    assert "<td>Evento 10</td>" not in content


def test_the_quote_page_shows_its_trail(staff_client, staff, customer):
    quote = QuoteRequestFactory(customer=customer, status=QuoteStatus.SENT)
    staff_client.post(reverse("admin:quotes_quoterequest_start", args=[quote.pk]))

    response = staff_client.get(reverse("admin:quotes_quoterequest_change", args=[quote.pk]))

    content = response.content.decode()
    assert f"Preventivo {quote.number}: «Inviata» → «In lavorazione»" in content
    event = AuditEvent.objects.get()
    assert (event.source, event.actor, event.quote_number) == (
        Source.BACK_OFFICE,
        staff,
        quote.number,
    )


def test_the_list_per_customer(staff_client, staff, customer, other_customer):
    mine = OrderFactory(customer=customer)
    theirs = OrderFactory(customer=other_customer)
    record(
        event_type=EventType.ORDER_STATUS,
        message="Mio",
        order_number=mine.number,
        customer=customer,
    )
    record(
        event_type=EventType.ORDER_STATUS,
        message="Suo",
        order_number=theirs.number,
        customer=other_customer,
    )
    user_page = staff_client.get(reverse("admin:accounts_user_change", args=[customer.pk]))
    link = f"{reverse('admin:audit_auditevent_changelist')}?customer={customer.pk}"
    assert f'href="{link}"' in user_page.content.decode()

    response = staff_client.get(link)

    assert response.status_code == 200
    assert [event.message for event in response.context["cl"].result_list] == ["Mio"]
    assert "Registro attività" in response.content.decode()


def test_the_list_has_constant_queries(staff_client, staff, customer, django_assert_num_queries):
    url = reverse("admin:audit_auditevent_changelist")
    with acting(source=Source.BACK_OFFICE, actor=staff):
        record(event_type=EventType.ORDER_STATUS, message="Uno", customer=customer)
    staff_client.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        staff_client.get(url)
    with acting(source=Source.BACK_OFFICE, actor=staff):
        for index in range(15):
            record(event_type=EventType.ORDER_STATUS, message=f"E{index}", customer=customer)
    with django_assert_num_queries(LIST_QUERIES):
        response = staff_client.get(url)
    assert len(response.context["cl"].result_list) == 16


def test_the_trail_cannot_be_edited_from_the_back_office(staff_client, customer):
    event = record(event_type=EventType.ORDER_STATUS, message="Uno", customer=customer)
    url = reverse("admin:audit_auditevent_change", args=[event.pk])
    response = staff_client.post(url, {"message": "Cambiato"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.message == "Uno"
