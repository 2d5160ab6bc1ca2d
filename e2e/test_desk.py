"""The service desk in a real browser.

Staff ask for data on a line (one form field and one document) → the customer answers from
I MIEI ORDINI → staff see the new value and the file, the line back in progress. A message
thread with an attachment both ways. The Scrivania shows each queue and clears it.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from playwright.sync_api import expect

from e2e.staff import sign_in_to_back_office
from e2e.test_purchase import labelled, screenshot_on_failure
from sportello.accounts.models import User
from sportello.accounts.tests.factories import UserFactory
from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory
from sportello.orders.models import LineStatus, OrderMessage
from sportello.orders.tests.factories import OrderLineFactory, PaidOrderFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"


@pytest.fixture
def desk(transactional_db):
    service = ServiceFactory(
        name="Perizia immobiliare", net_price=Decimal("100.00"), delivery_working_days=10
    )
    FormFieldFactory(service=service, position=1, key="indirizzo", label="Indirizzo")
    FormFieldFactory(service=service, position=2, key="particella", label="Particella")
    customer = UserFactory(email="paolo.conti@example.com", first_name="Paolo", last_name="Conti")
    operator = UserFactory(
        email="operatore@sportello.example", first_name="Luca", last_name="Neri", is_staff=True
    )
    operator.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["orders", "payments"],
            # Working orders, and recording the bank transfers that arrive.
            codename__in=["view_order", "change_order", "change_payment"],
        )
    )
    order = PaidOrderFactory(customer=customer, number="2026-000101")
    line = OrderLineFactory(
        order=order,
        service=service,
        service_name=service.name,
        answers={"indirizzo": "Via Po 3", "particella": "12"},
        answers_display=[
            {"label": "Indirizzo", "value": "Via Po 3", "file_id": None},
            {"label": "Particella", "value": "12", "file_id": None},
        ],
    )
    return {"customer": customer, "operator": operator, "order": order, "line": line}


def staff_login(page, password):
    """The shop's login and the authenticator app's code (the back-office requires it); staff
    who open the back-office land on the Scrivania."""
    operator = User.objects.get(email="operatore@sportello.example")
    sign_in_to_back_office(page, operator, password)
    expect(page.locator("h1")).to_contain_text("Scrivania")


def customer_page(browser, live_server, customer, password):
    context = browser.new_context(base_url=live_server.url, locale="it-IT")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/account/login/")
    labelled(page, "E-mail").fill(customer.email)
    labelled(page, "Password").fill(password)
    page.get_by_role("button", name="Accedi").click()
    expect(page.locator("h1")).to_contain_text("IL MIO ACCOUNT")
    return context, page


def queue(page, slug):
    return page.locator(f"#coda-{slug}")


def test_data_request_answered_in_place(page, browser, live_server, desk, password, tmp_path):
    document = tmp_path / "atto.pdf"
    document.write_bytes(PDF_BYTES)
    with screenshot_on_failure(page, "test_desk_data_request_staff"):
        staff_login(page, password)
        expect(queue(page, "da-iniziare")).to_contain_text("2026-000101")
        queue(page, "da-iniziare").get_by_role("link", name=re.compile("2026-000101")).click()
        page.get_by_role("link", name="Richiedi integrazione").click()
        page.get_by_label(re.compile("Cosa serve al cliente")).fill(
            "La particella è sbagliata; serve l'atto di provenienza."
        )
        page.get_by_label("Particella").check()
        page.get_by_label(re.compile("Documenti da caricare")).fill("Atto di provenienza")
        page.get_by_role("button", name="Invia la richiesta al cliente").click()
        expect(page.locator(".messagelist")).to_contain_text("Richiesta integrazione inviata")
        expect(page.locator(".line-status")).to_have_text("In attesa di dati dal cliente")

    context, customer = customer_page(browser, live_server, desk["customer"], password)
    try:
        with screenshot_on_failure(customer, "test_desk_data_request_customer"):
            expect(customer.locator(".attention")).to_contain_text("Da fare")
            customer.get_by_role("link", name="I MIEI ORDINI").first.click()
            customer.get_by_role("link", name=re.compile("2026-000101")).first.click()
            expect(customer.locator(".todo")).to_contain_text("Da fare")
            customer.get_by_role("link", name="Invia i dati richiesti").click()
            particella = labelled(customer, "Particella")
            expect(particella).to_have_value("12")
            expect(customer.get_by_label("Indirizzo")).to_have_count(0)
            particella.fill("345")
            labelled(customer, "Atto di provenienza").set_input_files(str(document))
            customer.get_by_role("button", name="Invia i dati").click()
            expect(customer.locator("body")).to_contain_text("Dati inviati")
    finally:
        context.close()

    with screenshot_on_failure(page, "test_desk_data_request_staff_after"):
        page.reload()
        expect(page.locator(".line-status")).to_have_text("In lavorazione")
        answers = page.locator(".line-answers")
        expect(answers).to_contain_text("Particella: 345")
        expect(answers.get_by_role("link", name="atto.pdf")).to_be_visible()
        page.get_by_text("Risposte precedenti").click()
        expect(page.locator(".previous-answers")).to_contain_text("Particella: 12")
    line = desk["line"]
    line.refresh_from_db()
    assert line.status == LineStatus.IN_PROGRESS


def test_message_thread_with_attachments_both_ways(
    page, browser, live_server, desk, password, tmp_path
):
    planimetria = tmp_path / "planimetria.pdf"
    planimetria.write_bytes(PDF_BYTES)
    bozza = tmp_path / "bozza.pdf"
    bozza.write_bytes(PDF_BYTES)
    order = desk["order"]
    context, customer = customer_page(browser, live_server, desk["customer"], password)
    try:
        with screenshot_on_failure(customer, "test_desk_thread_customer"):
            customer.goto(order.get_absolute_url())
            customer.get_by_label("Il tuo messaggio").fill("Allego la planimetria.")
            customer.get_by_label(re.compile("Allegato")).set_input_files(str(planimetria))
            customer.get_by_role("button", name="Invia messaggio").click()
            expect(customer.locator(".thread")).to_contain_text("Allego la planimetria.")

        with screenshot_on_failure(page, "test_desk_thread_staff"):
            staff_login(page, password)
            expect(queue(page, "messaggi")).to_contain_text("Allego la planimetria.")
            queue(page, "messaggi").get_by_role("link", name=re.compile("2026-000101")).click()
            expect(page.locator(".desk-thread")).to_contain_text("Nuovo")
            expect(page.get_by_role("link", name="planimetria.pdf")).to_be_visible()
            page.get_by_label("Messaggio").fill("Nota: cliente molto preciso")
            page.get_by_label(re.compile("Nota interna")).check()
            page.get_by_role("button", name="Invia").click()
            page.get_by_label("Messaggio").fill("Ecco la bozza della perizia.")
            page.get_by_label(re.compile("Allegato")).set_input_files(str(bozza))
            page.get_by_role("button", name="Invia").click()
            expect(page.locator(".messagelist")).to_contain_text("Messaggio inviato al cliente")
            page.goto("/admin/scrivania/")
            expect(queue(page, "messaggi")).to_contain_text("Niente da fare")

        with screenshot_on_failure(customer, "test_desk_thread_customer_after"):
            customer.reload()
            thread = customer.locator(".thread")
            expect(thread).to_contain_text("Ecco la bozza della perizia.")
            expect(thread).not_to_contain_text("cliente molto preciso")
            expect(thread.locator(".unread")).to_have_count(1)
            link = thread.get_by_role("link", name="Scarica bozza.pdf")
            response = customer.request.get(link.get_attribute("href"))
            assert response.body() == PDF_BYTES
    finally:
        context.close()
    assert OrderMessage.objects.filter(order=order).count() == 3


def test_the_desk_shows_and_clears_each_queue(page, desk, password):
    from sportello.notifications.models import EmailStatus
    from sportello.notifications.tests.factories import OutgoingEmailFactory
    from sportello.orders.tests.factories import OrderFactory
    from sportello.quotes.tests.factories import QuoteRequestFactory

    OrderFactory(customer=desk["customer"], payment_method="bank_transfer", number="2026-000102")
    QuoteRequestFactory(customer=desk["customer"], number="P-2026-000009")
    OutgoingEmailFactory(status=EmailStatus.FAILED, subject="Conferma non consegnata")
    with screenshot_on_failure(page, "test_desk_queues"):
        staff_login(page, password)
        expect(queue(page, "da-iniziare")).to_contain_text("2026-000101")
        expect(queue(page, "bonifici")).to_contain_text("2026-000102")
        expect(queue(page, "preventivi")).to_contain_text("P-2026-000009")
        expect(queue(page, "email-fallite")).to_contain_text("Conferma non consegnata")

        # Lines to start → in progress → waiting for the customer.
        queue(page, "da-iniziare").get_by_role("link", name=re.compile("2026-000101")).click()
        page.get_by_role("button", name="Inizia lavorazione").click()
        page.goto("/admin/scrivania/")
        expect(queue(page, "da-iniziare")).to_contain_text("Niente da fare")
        expect(queue(page, "in-lavorazione")).to_contain_text("2026-000101")

        # "I miei": assign the line to oneself.
        queue(page, "in-lavorazione").get_by_role("link", name=re.compile("2026-000101")).click()
        page.get_by_label("Assegna a").select_option(label="Luca Neri")
        page.get_by_role("button", name="Assegna").click()
        page.goto("/admin/scrivania/?miei=1")
        expect(queue(page, "in-lavorazione")).to_contain_text("assegnato a Luca Neri")

        # The transfer: record it in full; the queue empties.
        page.goto("/admin/scrivania/")
        queue(page, "bonifici").get_by_role("link", name=re.compile("2026-000102")).click()
        page.get_by_role("link", name="Segna bonifico ricevuto").click()
        page.get_by_label("Data valuta").fill(timezone.localdate().isoformat())
        page.get_by_label("CRO / TRN").fill("CRO55")
        page.get_by_role("button", name="Segna bonifico ricevuto").click()
        expect(page.locator(".messagelist")).to_contain_text("pagamento completato")
        page.goto("/admin/scrivania/")
        expect(queue(page, "bonifici")).to_contain_text("Niente da fare")
