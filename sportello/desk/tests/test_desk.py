"""The Scrivania: queues, filters, assignment, the order's working page, permissions."""

import datetime as dt
import html
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sportello.accounts.tests.factories import StaffFactory
from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory
from sportello.desk.queues import QUEUES, Filters, build_queues
from sportello.invoicing.actions import issue_invoice
from sportello.invoicing.models import FiscalDocument, SdiStatus
from sportello.notifications.models import EmailStatus
from sportello.notifications.tests.factories import OutgoingEmailFactory
from sportello.orders import conversation
from sportello.orders.models import CustomerKind, DataRequest, LineStatus, Order, OrderMessage
from sportello.orders.tests.factories import (
    OrderFactory,
    OrderLineFactory,
    PaidOrderFactory,
)
from sportello.quotes.tests.factories import QuoteRequestFactory
from sportello.withdrawals.models import WithdrawalRequest, WithdrawalStatus

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"


def counts(filters=None):
    return {view.queue.slug: view.count for view in build_queues(filters or Filters())}


def fill_queues(customer, staff, size=1):
    """`size` items in every queue."""
    today = timezone.localdate()
    for index in range(size):
        order = PaidOrderFactory(customer=customer)
        OrderLineFactory(order=order, status=LineStatus.RECEIVED)
        OrderLineFactory(
            order=order, status=LineStatus.IN_PROGRESS, due_on=today - dt.timedelta(days=index)
        )
        waiting = OrderLineFactory(order=order, status=LineStatus.IN_PROGRESS)
        conversation.request_data(line=waiting, actor=staff, note="Serve la visura")
        conversation.post_customer_message(order=order, customer=customer, body="Domanda")
        QuoteRequestFactory(customer=customer)
        OrderFactory(customer=customer, payment_method="bank_transfer")
        OutgoingEmailFactory(status=EmailStatus.FAILED)
        invoice = issue_invoice(order=order)
        FiscalDocument.objects.filter(pk=invoice.pk).update(status=SdiStatus.REJECTED)
        WithdrawalRequest.objects.create(
            order=order,
            customer_name="Mario Rossi",
            email=customer.email,
            order_number=order.number,
            source="account",
            received_at=timezone.now(),
        )
        WithdrawalRequest.objects.create(
            customer_name="Mario Rossi",
            email=customer.email,
            order_number="2026-999999",
            source="form",
            status=WithdrawalStatus.UNMATCHED,
            received_at=timezone.now(),
        )


def test_every_queue_counts_its_items(customer, staff):
    fill_queues(customer, staff, size=2)
    assert counts() == {
        "da-iniziare": 2,
        "in-lavorazione": 2,
        "attesa-cliente": 2,
        "messaggi": 2,
        "preventivi": 2,
        "bonifici": 2,
        "fatture-scartate": 2,
        "recessi": 2,
        "recessi-da-verificare": 2,
        "email-fallite": 2,
    }


def test_a_withdrawal_waits_with_its_refund_deadline(client, customer, staff):
    order = PaidOrderFactory(customer=customer)
    withdrawal = WithdrawalRequest.objects.create(
        order=order,
        customer_name="Mario Rossi",
        email=customer.email,
        order_number=order.number,
        source="account",
        received_at=timezone.now(),
    )
    client.force_login(staff)
    page = client.get(reverse("desk:home")).content.decode()
    deadline = timezone.localdate() + dt.timedelta(days=14)
    assert f"Recesso dall&#x27;ordine {order.number}" in page
    assert f"rimborso entro il {deadline:%d/%m/%Y}" in page
    assert reverse("admin:withdrawals_withdrawalrequest_process", args=[withdrawal.pk]) in page
    WithdrawalRequest.objects.filter(pk=withdrawal.pk).update(status=WithdrawalStatus.PROCESSED)
    assert counts()["recessi"] == 0


def test_a_consumers_line_says_from_when_it_can_start(client, customer, staff):
    """A consumer who did not ask to start at once: the line waits for the withdrawal period."""
    order = PaidOrderFactory(customer=customer)
    Order.objects.filter(pk=order.pk).update(
        billing_kind=CustomerKind.PERSON,
        terms_accepted_at=timezone.now(),
        early_start_requested=False,
    )
    line = OrderLineFactory(order=order, status=LineStatus.RECEIVED)
    order.refresh_from_db()
    client.force_login(staff)
    page = client.get(reverse("desk:home")).content.decode()
    assert f"si può iniziare dal {order.earliest_start_date:%d/%m/%Y}" in page
    # "Inizia lavorazione" says why not, and from when.
    started = client.post(
        reverse("desk:start_line", args=[order.number, line.pk]), follow=True
    ).content.decode()
    assert "non ha chiesto l&#x27;esecuzione immediata" in started
    assert f"possono iniziare dal {order.earliest_start_date:%d/%m/%Y}" in started


def test_in_progress_sorted_by_due_date_overdue_first(customer, staff):
    today = timezone.localdate()
    order = PaidOrderFactory(customer=customer)
    later = OrderLineFactory(
        order=order, status=LineStatus.IN_PROGRESS, due_on=today + dt.timedelta(days=5)
    )
    late = OrderLineFactory(
        order=order, status=LineStatus.IN_PROGRESS, due_on=today - dt.timedelta(days=2)
    )
    (view,) = [v for v in build_queues(Filters()) if v.queue.slug == "in-lavorazione"]
    assert [item.url.split("#")[1] for item in view.items] == [
        f"riga-{late.pk}",
        f"riga-{later.pk}",
    ]
    assert view.items[0].is_late and "in ritardo" in view.items[0].when_label
    assert not view.items[1].is_late


def test_filters_by_service_category_and_assignee(customer, staff):
    visura = ServiceFactory(name="Visura")
    perizia = ServiceFactory(name="Perizia")
    order = PaidOrderFactory(customer=customer)
    OrderLineFactory(order=order, service=visura, status=LineStatus.RECEIVED)
    mine = OrderLineFactory(order=order, service=perizia, status=LineStatus.RECEIVED)
    conversation.assign_line(line=mine, staff_member=staff)
    assert counts(Filters(service_id=visura.pk))["da-iniziare"] == 1
    assert counts(Filters(category_id=perizia.category_id))["da-iniziare"] == 1
    assert counts(Filters(assignee_id=staff.pk))["da-iniziare"] == 1
    assert counts()["da-iniziare"] == 2


def test_i_miei_shows_own_lines_and_quotes(client, customer, staff):
    client.force_login(staff)
    order = PaidOrderFactory(customer=customer)
    mine = OrderLineFactory(order=order, service_name="Mia perizia", status=LineStatus.RECEIVED)
    OrderLineFactory(order=order, service_name="Altrui visura", status=LineStatus.RECEIVED)
    response = client.post(
        reverse("desk:assign_line", args=[order.number, mine.pk]),
        {f"line{mine.pk}-assigned_to": staff.pk},
    )
    assert response.status_code == 302
    quote = QuoteRequestFactory(customer=customer, number="P-2026-000777")
    client.post(reverse("desk:assign_quote", args=[quote.pk]), {"assigned_to": staff.pk})
    quote.refresh_from_db()
    assert quote.assigned_to == staff
    page = client.get(reverse("desk:home") + "?miei=1").content.decode()
    assert "Mia perizia" in page and "Altrui visura" not in page
    assert "P-2026-000777" in page


def test_home_shows_and_clears_each_queue(client, customer, staff):
    client.force_login(staff)
    fill_queues(customer, staff)
    page = client.get(reverse("desk:home")).content.decode()
    for queue in QUEUES:
        assert f'id="coda-{queue.slug}"' in page
    assert page.count("Niente da fare.") == 0
    # Clearing the queues the desk acts on directly.
    for line in list(
        conversation.OrderLine.objects.filter(status=LineStatus.RECEIVED).select_related("order")
    ):
        client.post(reverse("desk:start_line", args=[line.order.number, line.pk]))
    for message in OrderMessage.objects.filter(is_from_staff=False):
        client.post(reverse("desk:mark_answered", args=[message.order.number, message.pk]))
    assert counts()["da-iniziare"] == 0
    assert counts()["messaggi"] == 0


@pytest.mark.parametrize("size", [1, 4])
def test_home_query_count_is_constant(client, customer, staff, django_assert_num_queries, size):
    client.force_login(staff)
    fill_queues(customer, staff, size=size)
    # Session + user, the back-office's second-factor and idle-session checks, filter choices
    # (services, categories, staff), two per queue.
    with django_assert_num_queries(6 + 3 + 2 * len(QUEUES)):
        response = client.get(reverse("desk:home"))
    assert response.status_code == 200


def test_customers_and_staff_without_permission_are_kept_out(client, customer, staff):
    order = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(order=order)
    urls = [
        reverse("desk:home"),
        reverse("desk:order", args=[order.number]),
        reverse("desk:request_data", args=[order.number, line.pk]),
    ]
    client.force_login(customer)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    limited = StaffFactory(is_superuser=False)  # with the second factor
    client.force_login(limited)
    # The Scrivania's home sends them on to the back-office index; its pages refuse them.
    assert client.get(urls[0])["Location"] == reverse("admin:index")
    for url in urls[1:]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("desk:start_line", args=[order.number, line.pk])).status_code == 403
    line.refresh_from_db()
    assert line.status == LineStatus.RECEIVED


def test_staff_requests_data_from_the_order_page(client, customer, staff):
    client.force_login(staff)
    service = ServiceFactory(name="Perizia")
    FormFieldFactory(service=service, key="particella", label="Particella")
    order = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(order=order, service=service, answers={"particella": "12"})
    url = reverse("desk:request_data", args=[order.number, line.pk])
    form_page = client.get(url).content.decode()
    assert "Particella" in form_page
    response = client.post(
        url,
        {"note": "Correggi la particella", "field_keys": ["particella"], "documents": "Atto\n"},
    )
    assert response.status_code == 302
    data_request = DataRequest.objects.get(line=line)
    assert data_request.field_keys == ["particella"]
    assert data_request.documents == ["Atto"]
    line.refresh_from_db()
    assert line.status == LineStatus.AWAITING_CUSTOMER_DATA
    page = client.get(reverse("desk:order", args=[order.number])).content.decode()
    assert "In attesa del cliente da oggi." in page


def test_staff_thread_with_internal_note_and_attachment(client, customer, staff):
    client.force_login(staff)
    order = PaidOrderFactory(customer=customer)
    OrderLineFactory(order=order)
    conversation.post_customer_message(order=order, customer=customer, body="Domanda cliente")
    page = client.get(reverse("desk:order", args=[order.number])).content.decode()
    assert "Domanda cliente" in page and "Nuovo" in page
    assert OrderMessage.objects.get().read_at is not None
    client.post(
        reverse("desk:post_message", args=[order.number]),
        {"body": "Nota per i colleghi", "is_internal": "on"},
    )
    client.post(
        reverse("desk:post_message", args=[order.number]),
        {"body": "Risposta", "attachment": SimpleUploadedFile("r.pdf", PDF)},
    )
    internal, reply = OrderMessage.objects.filter(is_from_staff=True).order_by("id")
    assert internal.is_internal and not reply.is_internal
    assert reply.attachment_name == "r.pdf"
    assert OrderMessage.objects.get(is_from_staff=False).answered_at == reply.created_at
    page = client.get(reverse("desk:order", args=[order.number])).content.decode()
    assert "nota interna" in page
    assert f"r.pdf</a> ({len(PDF)}\u00a0byte)" in page  # the real size, in Italian


@pytest.mark.parametrize("size", [1, 4])
def test_order_page_query_count_is_constant(
    client, customer, staff, django_assert_num_queries, size
):
    client.force_login(staff)
    order = PaidOrderFactory(customer=customer)
    other = StaffFactory()
    for _ in range(size):
        line = OrderLineFactory(order=order)
        conversation.assign_line(line=line, staff_member=other)
        conversation.request_data(line=line, actor=staff, note="x")
        conversation.post_staff_message(order=order, actor=staff, body="m")
        conversation.post_customer_message(order=order, customer=customer, body="c")
    client.get(reverse("desk:order", args=[order.number]))
    # Session + user, order, lines, history, requests, revisions, outcomes, messages, staff.
    with django_assert_num_queries(10):
        response = client.get(reverse("desk:order", args=[order.number]))
    assert len(response.context["line_rows"]) == size


def test_staff_land_on_the_desk_after_login(client, staff):
    # The back-office login is the shop's (secure_admin_login, second factor): the index as
    # the page asked for becomes the Scrivania.
    response = client.get(reverse("admin:login") + "?next=" + reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" + quote(reverse("desk:home"), safe="") in response["Location"]
    # An explicit page is honoured.
    wanted = reverse("admin:orders_order_changelist")
    response = client.get(reverse("admin:login") + f"?next={wanted}")
    assert "next=" + quote(wanted, safe="") in response["Location"]
    # Staff who do not work on orders land on the back-office index instead.
    client.force_login(StaffFactory(is_superuser=False))
    response = client.get(reverse("desk:home"))
    assert (response.status_code, response["Location"]) == (302, reverse("admin:index"))


def test_staff_record_the_inspection_and_the_due_date_follows(client, customer, staff):
    from sportello.catalogue.models import DeliveryStart

    client.force_login(staff)
    order = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(
        order=order,
        delivery_working_days=3,
        delivery_starts_from=DeliveryStart.INSPECTION,
        status=LineStatus.IN_PROGRESS,
    )
    page = client.get(reverse("desk:order", args=[order.number])).content.decode()
    assert "Data del sopralluogo" in page
    response = client.post(
        reverse("desk:set_inspection", args=[order.number, line.pk]),
        {f"line{line.pk}-inspection_on": "2026-12-04"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    # Friday 4 + 3 working days: Monday 7, (8 December), Wednesday 9, Thursday 10.
    assert line.due_on == dt.date(2026, 12, 10)


def test_quotes_to_price_show_the_customers_deadline_nearest_first(customer, staff):
    today = timezone.localdate()
    QuoteRequestFactory(customer=customer, number="P-2026-000001")
    QuoteRequestFactory(
        customer=customer, number="P-2026-000002", needed_by=today + dt.timedelta(days=9)
    )
    QuoteRequestFactory(
        customer=customer, number="P-2026-000003", needed_by=today + dt.timedelta(days=2)
    )
    (view,) = [v for v in build_queues(Filters()) if v.queue.slug == "preventivi"]
    assert [item.title for item in view.items] == [
        "Preventivo P-2026-000003",
        "Preventivo P-2026-000002",
        "Preventivo P-2026-000001",
    ]
    assert "serve entro il" in view.items[0].when_label


def test_next_never_leaves_the_site(client, customer, staff):
    client.force_login(staff)
    order = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(order=order)
    response = client.post(
        reverse("desk:start_line", args=[order.number, line.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("desk:order", args=[order.number]) + f"#riga-{line.pk}"


def test_the_desk_is_framed_like_the_back_office_and_linked_from_it(client, staff):
    """The back-office header, the user links (to log out) on the desk; a link to the desk
    from every back-office page."""
    client.force_login(staff)
    desk = client.get(reverse("desk:home")).content.decode()
    assert "Sportello — back-office" in desk
    assert "Amministrazione Django" not in desk
    assert f'action="{reverse("admin:logout")}"' in desk
    index = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("desk:home")}">Scrivania</a>' in index
    # Django's password pages spell out their own user links: the desk is there too.
    for name in ("admin:password_change", "admin:password_change_done"):
        page = client.get(reverse(name)).content.decode()
        assert f'href="{reverse("desk:home")}">Scrivania</a>' in page, name
        assert page.count('id="logout-form"') == 1, name


def test_a_closed_accounts_order_waits_for_no_answer(client, customer, staff):
    """After erasure (the account closed, the messages' text removed) nothing on the desk asks
    staff to write to the customer or to wait for them."""
    order = PaidOrderFactory(customer=customer)
    OrderLineFactory(order=order, status=LineStatus.IN_PROGRESS)
    conversation.post_customer_message(order=order, customer=customer, body="Domanda")
    assert counts()["messaggi"] == 1
    type(customer).objects.filter(pk=customer.pk).update(is_active=False)

    client.force_login(staff)
    page = client.get(reverse("desk:order", args=[order.number])).text

    assert counts()["messaggi"] == 0
    assert "L'account del cliente è chiuso" in html.unescape(page)
    assert "Richiedi integrazione" not in page
