"""The consumer's withdrawal in a real browser.

A consumer withdraws from I MIEI ORDINI ("Recedi dal contratto qui" → "Conferma il recesso")
and gets the acknowledgement with date and time; staff process it and the card payment is
refunded. Another consumer withdraws from the footer form without logging in. A company buyer
sees no withdrawal button.
"""

import re
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import RequestFactory
from django.utils import timezone
from playwright.sync_api import expect

from e2e.staff import sign_in_to_back_office
from e2e.test_purchase import labelled, screenshot_on_failure
from sportello.accounts.tests.factories import UserFactory
from sportello.cart.actions import place_order
from sportello.cart.tests.factories import CartFactory, CartLineFactory
from sportello.catalogue.tests.factories import ServiceFactory
from sportello.checkout.settlement import settle_confirmed_payment
from sportello.contracts.demo import publish_demo_terms
from sportello.contracts.queries import current_terms
from sportello.contracts.rules import TermsAcceptance
from sportello.core.dates import long_date
from sportello.invoicing.models import DocumentKind, FiscalDocument
from sportello.orders.models import LineStatus, Order, OrderStatus
from sportello.payments.actions import start_payment
from sportello.payments.models import Payment, Refund
from sportello.withdrawals.models import WithdrawalRequest, WithdrawalStatus

PERSON = {
    "kind": "person",
    "codice_fiscale": "CNTPLA80A01H501Z",
    "address": "Via Po 3",
    "cap": "10123",
    "comune": "Torino",
    "provincia": "TO",
    "country": "IT",
}
COMPANY = {
    **PERSON,
    "kind": "company",
    "company_name": "Acme Immobiliare S.r.l.",
    "partita_iva": "00743110157",
    "codice_fiscale": "00743110157",
    "sdi_code": "ABC1234",
}


@pytest.fixture
def shop(settings, transactional_db):
    publish_demo_terms()  # the flush of browser tests removes the migration's version
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]
    service = ServiceFactory(
        name="Perizia immobiliare", net_price=Decimal("100.00"), vat_rate=Decimal("22.00")
    )

    def paid_order(customer, billing):
        cart = CartFactory(user=customer)
        CartLineFactory(cart=cart, service=service, answers={})
        order = place_order(
            customer=customer,
            cart=cart,
            billing=billing,
            payment_method="test_gateway",
            checkout_token=uuid.uuid4(),
            acceptance=TermsAcceptance(terms=current_terms(), accepted_at=timezone.now()),
        )
        request = RequestFactory().get("/")
        request.user = customer
        start_payment(order=order, provider_id="test_gateway", request=request)
        # Through settlement, as the gateway callback does: the order is paid and invoiced.
        settle_confirmed_payment(payment=Payment.objects.get(order=order))
        return Order.objects.get(pk=order.pk)

    paolo = UserFactory(email="paolo.conti@example.com", first_name="Paolo", last_name="Conti")
    sara = UserFactory(email="sara.galli@example.com", first_name="Sara", last_name="Galli")
    acme = UserFactory(email="acquisti@acme.example.com", first_name="Ugo", last_name="Acme")
    operator = UserFactory(
        email="operatore@sportello.example", first_name="Luca", last_name="Neri", is_staff=True
    )
    operator.user_permissions.set(
        Permission.objects.filter(
            codename__in=[
                "view_withdrawalrequest",
                "change_withdrawalrequest",
                "view_order",
                "view_payment",
            ]
        )
    )
    return {
        "paolo": paolo,
        "paolos_order": paid_order(paolo, {**PERSON, "first_name": "Paolo", "last_name": "Conti"}),
        "saras_order": paid_order(sara, {**PERSON, "first_name": "Sara", "last_name": "Galli"}),
        "acme": acme,
        "acmes_order": paid_order(acme, COMPANY),
        "operator": operator,
    }


def _log_in(page, email, password):
    page.goto("/account/login/")
    labelled(page, "E-mail").fill(email)
    labelled(page, "Password").fill(password)
    page.get_by_role("button", name="Accedi").click()


def _acknowledgement(to: str):
    messages = [m for m in mail.outbox if to in m.to and "dichiarazione di recesso" in m.subject]
    assert messages, [m.subject for m in mail.outbox]
    return messages[-1]


def _received_at_text(withdrawal) -> str:
    received = timezone.localtime(withdrawal.received_at)  # Europe/Rome
    return f"{long_date(received)} alle {received:%H:%M} (ora italiana)"


def test_a_consumer_withdraws_from_i_miei_ordini_and_staff_refund_it(
    page, browser, live_server, shop, password
):
    order = shop["paolos_order"]
    with screenshot_on_failure(page, "test_withdraw_from_i_miei_ordini"):
        _log_in(page, shop["paolo"].email, password)
        page.goto("/il-mio-account/ordini/")
        row = page.get_by_role("row").filter(has_text=order.number)
        row.get_by_role("link", name=re.compile("Recedi dal contratto qui")).click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Recedi dal contratto")
        expect(page.get_by_label("Perizia immobiliare")).to_be_checked()
        page.get_by_role("button", name="Continua").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Conferma il recesso")
        assert not WithdrawalRequest.objects.exists()
        page.get_by_role("button", name="Conferma il recesso").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Dichiarazione di recesso inviata"
        )

    withdrawal = WithdrawalRequest.objects.get(order=order)
    ack = _acknowledgement(order.customer_email)
    assert _received_at_text(withdrawal) in ack.body
    assert f"Numero dell'ordine: {order.number}" in ack.body
    assert "Servizi: Perizia immobiliare" in ack.body

    # Staff process it in the back-office: the line was not started, full refund by card.
    context = browser.new_context(base_url=live_server.url, locale="it-IT")
    context.set_default_timeout(10_000)
    staff_page = context.new_page()
    try:
        with screenshot_on_failure(staff_page, "test_staff_process_the_withdrawal"):
            # The back-office's login with the second factor (MFA).
            sign_in_to_back_office(staff_page, shop["operator"], password)
            staff_page.locator("tr.model-withdrawalrequest").get_by_role(
                "link", name="Recessi"
            ).click()
            staff_page.locator("#result_list tbody a").first.click()
            staff_page.get_by_role("link", name="Gestisci il recesso").click()
            expect(staff_page.locator("#content")).to_contain_text(
                "annullati e rimborsati per intero"
            )
            staff_page.get_by_role("button", name="Conferma la gestione del recesso").click()
            expect(staff_page.locator(".messagelist")).to_contain_text(
                "Recesso gestito: rimborsati 122,00"
            )
    finally:
        context.close()

    order.refresh_from_db()
    withdrawal.refresh_from_db()
    assert withdrawal.status == WithdrawalStatus.PROCESSED
    assert order.status == OrderStatus.REFUNDED
    assert order.lines.get().status == LineStatus.CANCELLED
    refund = Refund.objects.get(payment__order=order)
    assert refund.amount == Decimal("122.00")
    assert refund.provider_reference.startswith("tgr_")  # back through the card gateway
    # Through checkout.settlement: the refund issued its credit note.
    assert FiscalDocument.objects.get(kind=DocumentKind.CREDIT_NOTE).refund == refund
    subjects = [m.subject for m in mail.outbox if order.customer_email in m.to]
    assert any("Recesso gestito" in subject for subject in subjects)


def test_anyone_withdraws_from_the_footer_form_without_logging_in(page, shop):
    order = shop["saras_order"]
    with screenshot_on_failure(page, "test_withdraw_from_the_footer"):
        page.goto("/")
        page.locator("footer").get_by_role("link", name="Recedi dal contratto qui").click()
        labelled(page, "Nome e cognome").fill("Sara Galli")
        labelled(page, "E-mail usata per l'ordine").fill("sara.galli@example.com")
        labelled(page, "Numero dell'ordine").fill(order.number)
        page.get_by_role("button", name="Continua").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Conferma il recesso")
        expect(page.locator("main, body").first).to_contain_text("tutti i servizi dell'ordine")
        page.get_by_role("button", name="Conferma il recesso").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Dichiarazione di recesso inviata"
        )

    withdrawal = WithdrawalRequest.objects.get()
    assert withdrawal.order == order
    assert withdrawal.status == WithdrawalStatus.RECEIVED
    ack = _acknowledgement("sara.galli@example.com")
    assert _received_at_text(withdrawal) in ack.body
    assert "Nome e cognome: Sara Galli" in ack.body


def test_a_company_buyer_sees_no_withdrawal_button(page, shop, password):
    order = shop["acmes_order"]
    with screenshot_on_failure(page, "test_company_sees_no_withdrawal_button"):
        _log_in(page, shop["acme"].email, password)
        page.goto("/il-mio-account/ordini/")
        row = page.get_by_role("row").filter(has_text=order.number)
        expect(row).to_be_visible()
        expect(page.locator("main table")).not_to_contain_text("Recedi dal contratto qui")
        page.goto(order.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Ordine n. {order.number}")
        expect(page.locator(".actions").filter(has_text="Recedi")).to_have_count(0)


def test_withdrawing_from_one_service_before_paying_lowers_what_the_card_takes(
    page, shop, password
):
    """A consumer who has not paid yet withdraws from one of two services: the card page
    opened for the old total is given up, the shop asks only for the service kept, and the
    invoice lists that service alone."""
    marta = UserFactory(email="marta.riva@example.com", first_name="Marta", last_name="Riva")
    appraisal = ServiceFactory(
        name="Stima di un box", net_price=Decimal("100.00"), vat_rate=Decimal("22.00")
    )
    survey = ServiceFactory(
        name="Visura ipotecaria", net_price=Decimal("50.00"), vat_rate=Decimal("22.00")
    )
    cart = CartFactory(user=marta)
    CartLineFactory(cart=cart, service=appraisal, answers={})
    CartLineFactory(cart=cart, service=survey, answers={})
    order = place_order(
        customer=marta,
        cart=cart,
        billing={**PERSON, "first_name": "Marta", "last_name": "Riva"},
        payment_method="test_gateway",
        checkout_token=uuid.uuid4(),
        acceptance=TermsAcceptance(terms=current_terms(), accepted_at=timezone.now()),
    )
    assert order.total_gross == Decimal("183.00")
    request = RequestFactory().get("/")
    request.user = marta
    # The card page she left open before changing her mind.
    start_payment(order=order, provider_id="test_gateway", request=request)
    old_attempt = Payment.objects.get(order=order)

    with screenshot_on_failure(page, "test_partial_withdrawal_before_paying"):
        _log_in(page, marta.email, password)
        page.goto("/il-mio-account/ordini/")
        row = page.get_by_role("row").filter(has_text=order.number)
        row.get_by_role("link", name=re.compile("Recedi dal contratto qui")).click()
        page.get_by_label("Stima di un box").uncheck()
        expect(page.get_by_label("Visura ipotecaria")).to_be_checked()
        page.get_by_role("button", name="Continua").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Conferma il recesso")
        page.get_by_role("button", name="Conferma il recesso").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Dichiarazione di recesso inviata"
        )
        expect(page.locator("main")).to_contain_text(
            f"Per gli altri servizi dell'ordine n. {order.number} restano da pagare 122,00\u00a0€"
        )

        page.goto(order.get_absolute_url())
        expect(page.locator("main")).to_contain_text("(senza i servizi da cui hai receduto)")
        page.locator("main").get_by_role("link", name="Paga ora").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Paga l'ordine {order.number}")
        expect(page.locator(".pay-summary")).to_contain_text("122,00\u00a0€")
        page.get_by_label("Carta di credito (pagamento di prova)").check()
        page.get_by_role("button", name="Paga ora").click()
        expect(page.get_by_role("heading", name="Pagamento con carta")).to_be_visible()
        expect(page.get_by_text("122,00\u00a0€")).to_be_visible()
        page.get_by_role("button", name="Autorizza pagamento").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Grazie! Ordine n. {order.number}"
        )

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.total_gross == Decimal("122.00")
    old_attempt.refresh_from_db()
    assert old_attempt.status == "cancelled"
    paid = Payment.objects.get(order=order, status="confirmed")
    assert paid.amount == Decimal("122.00")
    invoice = FiscalDocument.objects.get(order=order, kind=DocumentKind.INVOICE)
    [line] = invoice.lines.all()
    assert line.description.startswith("Stima di un box")
    assert invoice.total_gross == Decimal("122.00")
