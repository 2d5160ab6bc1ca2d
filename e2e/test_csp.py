"""The Content-Security-Policy in a real browser (issue 13, point 5).

Chromium reports every refused script, style, frame or request in the console. The main
customer pages and the back-office pages (list, change form, the custom action pages) are
opened with the policy in force: any report fails the test. htmx keeps working (a line is
removed from the cart in place).
"""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from playwright.sync_api import expect

from e2e.staff import sign_in_to_back_office
from sportello.accounts.tests.factories import StaffFactory, UserFactory
from sportello.cart.tests.factories import CartFactory, CartLineFactory
from sportello.catalogue.models import Service
from sportello.notifications.tests.factories import OutgoingEmailFactory
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory
from sportello.quotes.models import QuoteStatus
from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory

CSP_REPORT = re.compile(r"Content.Security.Policy|Refused to", re.IGNORECASE)


@pytest.fixture
def shop(transactional_db):
    call_command("load_demo_catalogue", verbosity=0)
    customer = UserFactory(email="paolo.conti@example.com", first_name="Paolo", last_name="Conti")
    order = OrderFactory(customer=customer)
    OrderLineFactory(order=order)
    quote = QuoteRequestFactory(customer=customer, status=QuoteStatus.IN_PROGRESS)
    QuoteLineFactory(quote=quote)
    email = OutgoingEmailFactory(
        html_body='<p style="color:#333">Gentile cliente</p>', text_body="Gentile cliente"
    )
    return {"customer": customer, "order": order, "quote": quote, "email": email}


def sign_in(context, user) -> None:
    """A signed-in session cookie, as after the login page (the login itself is tested
    elsewhere; here only the pages behind it matter)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": LIVE["url"]}]
    )


LIVE: dict[str, str] = {}


@pytest.fixture
def watched_page(page, live_server):
    """The page, with every Content-Security-Policy report of the console collected."""
    LIVE["url"] = live_server.url
    reports: list[str] = []
    page.on(
        "console",
        lambda message: (
            reports.append(f"{page.url}: {message.text}")
            if CSP_REPORT.search(message.text)
            else None
        ),
    )
    page.on("pageerror", lambda error: reports.append(f"{page.url}: {error}"))
    page.reports = reports
    return page


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 400, (path, response and response.status)
    assert page.url.endswith(path), (path, page.url)  # not sent to the login page
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy, (path, policy)
    assert "'unsafe-inline'" not in policy, (path, policy)
    page.wait_for_load_state("load")


def test_customer_pages_report_no_policy_violation(watched_page, shop):
    page = watched_page
    for path in (
        "/",
        "/servizi/",
        "/account/login/",
        "/account/signup/",
        "/privacy/",
        "/condizioni-di-vendita/",
        "/recesso/",
        "/cerca/?q=perizia",
        "/cerca/?q=elicottero",
    ):
        visit(page, path)
    category = Service.objects.filter(is_active=True).first().category
    visit(page, category.get_absolute_url())
    for service in Service.objects.filter(is_active=True)[:6]:
        visit(page, service.get_absolute_url())
        visit(page, f"/carrello/aggiungi/{service.slug}/")

    sign_in(page.context, shop["customer"])
    for path in (
        "/il-mio-account/",
        "/il-mio-account/profilo/",
        "/il-mio-account/dati-di-fatturazione/",
        "/il-mio-account/privacy/",
        "/il-mio-account/ordini/",
        shop["order"].get_absolute_url(),
        "/il-mio-account/preventivi/",
        f"/il-mio-account/preventivi/{shop['quote'].number}/",
        "/carrello/preventivi/",
    ):
        visit(page, path)

    assert page.reports == []


def test_htmx_removes_a_cart_line_under_the_policy(watched_page, shop):
    page = watched_page
    customer = shop["customer"]
    cart = CartFactory(user=customer)
    service = Service.objects.filter(is_active=True, net_price__gt=Decimal("0")).first()
    CartLineFactory(cart=cart, service=service, answers={})
    CartLineFactory(cart=cart, service=service, answers={})
    sign_in(page.context, customer)

    visit(page, "/carrello/")
    expect(page.locator("#cart-count")).to_have_text("2")
    page.locator(".cart-line").first.get_by_role("button", name=re.compile("Rimuovi")).click()

    expect(page.locator(".cart-line")).to_have_count(1)
    expect(page.locator("#cart-count")).to_have_text("1")
    assert page.url.endswith("/carrello/")  # swapped in place, no navigation
    assert page.reports == []


def test_back_office_pages_report_no_policy_violation(watched_page, shop, password):
    page = watched_page
    staff = StaffFactory(email="operatore@sportello.example")
    # The shop's login and the second-factor page are under the policy too.
    sign_in_to_back_office(page, staff, password)
    order, quote, email = shop["order"], shop["quote"], shop["email"]
    service = Service.objects.first()
    for path in (
        "/admin/",
        "/admin/orders/order/",
        f"/admin/orders/order/{order.pk}/change/",
        f"/admin/orders/order/{order.pk}/azione/annulla/",
        f"/admin/orders/order/{order.pk}/servizi/{order.lines.get().pk}/",
        "/admin/quotes/quoterequest/",
        f"/admin/quotes/quoterequest/{quote.pk}/change/",
        f"/admin/quotes/quoterequest/{quote.pk}/prezzi/",
        f"/admin/quotes/quoterequest/{quote.pk}/messaggio/",
        "/admin/catalogue/service/",
        f"/admin/catalogue/service/{service.pk}/change/",
        "/admin/catalogue/service/add/",
        "/admin/accounts/user/",
        "/admin/notifications/outgoingemail/",
        f"/admin/notifications/outgoingemail/{email.pk}/change/",
        "/admin/payments/payment/",
        "/admin/withdrawals/withdrawalrequest/",
        "/admin/contracts/termsofsale/",
    ):
        visit(page, path)
    # The change list's date filter and the form's calendar widgets are scripts too.
    visit(page, "/admin/orders/order/?status__exact=awaiting_payment")

    assert page.reports == []
