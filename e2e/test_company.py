"""Company accounts in a real browser (issue 16).

The administrator creates the company account in IL MIO ACCOUNT and invites a colleague by
e-mail; the colleague opens the link, signs in, accepts and buys (billed to the company); the
administrator sees the order in I MIEI ORDINI with "Ordinato da". A viewer is stopped before
any purchase starts; the administrator removes a member and hands the role to a colleague.
"""

import re
import time

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from e2e.test_purchase import labelled, screenshot_on_failure
from sportello.accounts.models import User
from sportello.accounts.tests.factories import PASSWORD, UserFactory
from sportello.companies.models import Role
from sportello.companies.queries import membership_of
from sportello.companies.tests.factories import CompanyFactory, MembershipFactory
from sportello.orders.models import Order, OrderStatus

ADMIN_EMAIL = "marco.bianchi@example.com"
COLLEAGUE_EMAIL = "luca.neri@example.com"


@pytest.fixture
def shop(settings):
    call_command("load_demo_catalogue", verbosity=0)
    call_command("load_demo_terms", verbosity=0)
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer"]


def wait_for_invitation_link(to: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(mail.outbox):
            if to in message.to:
                # The link is built on SITE_URL; the live server listens elsewhere.
                match = re.search(r"https?://[^/\s]+(/\S+/azienda/invito/[\w-]+/)", message.body)
                assert match, message.body
                return match.group(1)
        time.sleep(0.1)
    raise AssertionError(f"No invitation e-mail to {to}")


def sign_in(page, email: str) -> None:
    labelled(page, "E-mail").fill(email)
    labelled(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()


def sign_out(page) -> None:
    page.goto("/il-mio-account/")
    page.get_by_role("button", name="Esci").last.click()
    expect(page.get_by_role("link", name="Accedi").first).to_be_visible()


def test_invite_a_colleague_who_orders_for_the_company(page, shop):
    UserFactory(email=ADMIN_EMAIL, first_name="Marco", last_name="Bianchi")
    UserFactory(email=COLLEAGUE_EMAIL, first_name="Luca", last_name="Neri")
    with screenshot_on_failure(page, "test_company"):
        # The administrator creates the company account.
        page.goto("/account/login/")
        sign_in(page, ADMIN_EMAIL)
        page.goto("/il-mio-account/")
        page.get_by_role("link", name="ACCOUNT AZIENDALE").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Crea account aziendale")
        labelled(page, "Ragione sociale").fill("Studio Tecnico Bianchi S.r.l.")
        labelled(page, "Partita IVA").fill("00743110158")  # wrong check digit
        labelled(page, "Codice destinatario SDI").fill("M5UXCR1")
        labelled(page, "Indirizzo").fill("Via Rizzoli 2")
        labelled(page, "CAP").fill("40125")
        labelled(page, "Comune").fill("Bologna")
        labelled(page, "Provincia").select_option("BO")
        page.get_by_role("button", name="Crea account aziendale").click()
        # The error sits next to the field and nothing typed is lost.
        expect(page.locator("#id_partita_iva_error")).to_contain_text("partita IVA non è valida")
        expect(labelled(page, "Ragione sociale")).to_have_value("Studio Tecnico Bianchi S.r.l.")
        labelled(page, "Partita IVA").fill("00743110157")
        page.get_by_role("button", name="Crea account aziendale").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Studio Tecnico Bianchi S.r.l.")
        expect(page.get_by_text("Account aziendale creato")).to_be_visible()

        # … and invites a colleague as buyer.
        labelled(page, "E-mail del collega").fill(COLLEAGUE_EMAIL)
        labelled(page, "Ruolo").select_option(Role.BUYER.value)
        page.get_by_role("button", name="Invia l'invito").click()
        expect(page.get_by_text(f"Invito inviato a {COLLEAGUE_EMAIL}")).to_be_visible()
        expect(page.get_by_text(re.compile(rf"{COLLEAGUE_EMAIL} — acquirente"))).to_be_visible()
        link = wait_for_invitation_link(COLLEAGUE_EMAIL)
        sign_out(page)

        # The colleague opens the e-mail's link, signs in and accepts.
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "Studio Tecnico Bianchi S.r.l."
        )
        page.get_by_role("link", name="Accedi").last.click()
        sign_in(page, COLLEAGUE_EMAIL)
        page.get_by_role("button", name="Accetta l'invito").click()
        expect(page.get_by_text("Benvenuto nell'account aziendale")).to_be_visible()
        colleague = membership_of(User.objects.get(email=COLLEAGUE_EMAIL))
        assert colleague.role == Role.BUYER

        # The colleague buys: the billing step shows the company's data.
        page.goto("/servizi/")
        page.get_by_role("link", name="Visura camerale").first.click()
        page.get_by_role("link", name="ACQUISTA").click()
        page.get_by_label("Partita IVA o codice fiscale dell'impresa").fill("00743110157")
        page.get_by_label("Storica").check()
        page.get_by_role("button", name="Aggiungi al carrello").click()
        page.get_by_role("link", name="PROCEDI ALL'ACQUISTO").click()
        expect(page.get_by_role("heading", name="Dati di Fatturazione")).to_be_visible()
        expect(page.get_by_text("Acquisti per l'account aziendale")).to_be_visible()
        expect(page.get_by_text("00743110157").first).to_be_visible()
        page.get_by_role("button", name="Continua").click()
        page.get_by_label("Carta di credito (pagamento di prova)").check()
        page.get_by_role("button", name="Continua").click()
        expect(page.get_by_role("heading", name="Riepilogo dell'ordine")).to_be_visible()
        page.locator("#id_accept_terms").check()
        page.get_by_role("button", name="COMPLETA L'ACQUISTO").click()
        page.get_by_role("button", name="Autorizza pagamento").click()
        order = Order.objects.get(customer__email=COLLEAGUE_EMAIL)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Grazie! Ordine n. {order.number}"
        )
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        assert order.company == colleague.company
        assert order.billing_partita_iva == "00743110157"
        assert order.billing_company_name == "Studio Tecnico Bianchi S.r.l."
        sign_out(page)

        # The administrator sees the colleague's order, with who placed it.
        page.goto("/account/login/")
        sign_in(page, ADMIN_EMAIL)
        page.goto("/il-mio-account/ordini/")
        expect(page.get_by_role("columnheader", name="Ordinato da")).to_be_visible()
        row = page.get_by_role("row").filter(has_text=order.number)
        expect(row).to_contain_text("Luca Neri")
        expect(row).to_contain_text("Pagato")
        row.get_by_role("link", name=f"Ordine n. {order.number}").click()
        expect(page.locator("dl.facts").first).to_contain_text("Ordinato da")
        expect(page.locator("dl.facts").first).to_contain_text("Luca Neri")


def wait_for_email(to: str, subject_part: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(mail.outbox):
            if to in message.to and subject_part in message.subject:
                return message
        time.sleep(0.1)
    raise AssertionError(f"No e-mail «{subject_part}» to {to}")


def test_a_viewer_is_stopped_then_removed_and_the_role_transferred(page, shop):
    """A viewer cannot start a purchase (ACQUISTA, Ordine multiplo); the administrator removes
    them after reading what removal means, then hands the administrator role to a buyer. Each
    person concerned is told by e-mail."""
    company = CompanyFactory(name="Studio Tecnico Bianchi S.r.l.")
    admin = MembershipFactory(
        company=company,
        role=Role.ADMINISTRATOR,
        user=UserFactory(email=ADMIN_EMAIL, first_name="Marco", last_name="Bianchi"),
    )
    buyer = MembershipFactory(
        company=company,
        role=Role.BUYER,
        user=UserFactory(email=COLLEAGUE_EMAIL, first_name="Luca", last_name="Neri"),
    )
    viewer = MembershipFactory(
        company=company,
        role=Role.VIEWER,
        user=UserFactory(email="anna.verdi@example.com", first_name="Anna", last_name="Verdi"),
    )
    with screenshot_on_failure(page, "test_company_members"):
        # The viewer opens a service and presses ACQUISTA: stopped with the reason, no cart.
        page.goto("/account/login/")
        sign_in(page, viewer.user.email)
        page.goto("/servizi/")
        page.get_by_role("link", name="Visura camerale").first.click()
        page.get_by_role("link", name="ACQUISTA").click()
        expect(page.get_by_text("hai il ruolo di visualizzatore")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text("Visura camerale")
        page.get_by_role("link", name="Ordine multiplo").click()
        expect(page.get_by_text("hai il ruolo di visualizzatore")).to_be_visible()
        expect(page.locator("#cart-count")).to_have_text("0")
        sign_out(page)

        # The administrator removes the viewer: a page says what it means before the POST.
        page.goto("/account/login/")
        sign_in(page, ADMIN_EMAIL)
        page.goto("/il-mio-account/azienda/")
        page.get_by_role("link", name="Rimuovi Anna Verdi dall'azienda").click()
        expect(page.get_by_text("non potrà più ordinare")).to_be_visible()
        assert membership_of(viewer.user) is not None  # nothing removed by looking
        page.get_by_role("button", name="Rimuovi dall'azienda").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Studio Tecnico Bianchi S.r.l.")
        expect(page.get_by_role("link", name="Rimuovi Anna Verdi dall'azienda")).to_have_count(0)
        assert membership_of(viewer.user) is None
        wait_for_email(viewer.user.email, "Non fai più parte dell'account aziendale")

        # … then hands the administrator role to the buyer and becomes a buyer.
        labelled(page, "Nuovo amministratore").select_option(str(buyer.pk))
        page.get_by_role("button", name="Trasferisci il ruolo").click()
        expect(
            page.get_by_role("heading", name="Trasferisci il ruolo di amministratore")
        ).to_have_count(0)
        assert membership_of(buyer.user).role == Role.ADMINISTRATOR
        assert membership_of(admin.user).role == Role.BUYER
        message = wait_for_email(COLLEAGUE_EMAIL, "Sei l'amministratore dell'account aziendale")
        assert "invitare i colleghi" in message.body
