"""Every back-office page, walked as a superuser, speaks Italian: no English words from
Django's defaults or our own code ("ACCOUNTS", "QUOTES", "Choose … by selecting them"), no
"object (1)" names, no raw codes such as `bank_transfer` in the filters."""

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sportello.invoicing.actions import issue_invoice
from sportello.invoicing.tests.conftest import make_order, pay
from sportello.notifications.tests.factories import OutgoingEmailFactory
from sportello.orders import conversation
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory, PaidOrderFactory
from sportello.payments.actions import create_payment, mark_pending
from sportello.payments.models import PaymentStatus, Refund
from sportello.payments.tests.factories import PaymentFactory
from sportello.privacy.tests.factories import ConsentEventFactory
from sportello.quotes.models import QuoteStatusChange
from sportello.quotes.tests.conftest import price_quote
from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory
from sportello.withdrawals.models import WithdrawalRequest, WithdrawalStatus, WithdrawalStatusChange

# Whole words (case-sensitive where the word is also Italian in lower case).
ENGLISH = [
    "ACCOUNTS",
    "QUOTES",
    "ORDERS",
    "PAYMENTS",
    "NOTIFICATIONS",
    "CATALOGUE",
    "PRIVACY SETTINGS",
    "Accounts",
    "Quotes",
    "Orders",
    "Payments",
    "Notifications",
    "Catalogue",
    "Choose",
    "selecting them",
    "Remove all",
    "Add another",
    "Save and",
    "Delete",
    "Search",
    "Filter",
    "History",
    "Change password",
    "Log out",
    "View site",
    "Welcome",
    "Recent actions",
    "Select all",
    "Show all",
    "Status",
    "Created at",
    "Updated at",
    "bank_transfer",
    "test_gateway",
    "awaiting_payment",
    "in_progress",
    "awaiting_customer_data",
    "Yes",
    "Unknown",
    "None",
    # Model fields without an Italian name, raw codes, Django's untranslated headings.
    "Payment",
    "PAYMENT",
    "Order",
    "User",
    "Notice",
    "Created by",
    "person",
    "received",
    "processed",
    "Model name",
    "Add link",
    "bytes",
]
FORBIDDEN = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(word) for word in ENGLISH) + r")(?![\w-])"
)


def visible_text(html: str) -> str:
    """What a person reads: no tags, scripts, styles or attribute values."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def data(customer, staff):
    order = OrderFactory(customer=customer, payment_method="bank_transfer")
    OrderLineFactory(order=order)
    mark_pending(payment=create_payment(order=order, provider="bank_transfer"))
    paid = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(order=paid)
    conversation.post_customer_message(
        order=paid,
        customer=customer,
        body="Domanda",
        attachment=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
    )
    conversation.request_data(line=line, actor=staff, note="Serve la visura")
    quote = QuoteRequestFactory(customer=customer)
    QuoteLineFactory(quote=quote)
    priced = QuoteRequestFactory(customer=customer)
    QuoteLineFactory(quote=priced)
    price_quote(priced, staff)  # its prices' page once showed "IVA 22.00%"
    QuoteStatusChange.objects.create(quote=quote, from_status="", to_status=quote.status)
    email = OutgoingEmailFactory()
    # Rows whose pages showed English: a refund, a consent, an invoice, a withdrawal.
    Refund.objects.create(
        payment=PaymentFactory(order=paid, status=PaymentStatus.CONFIRMED),
        amount=Decimal("42.70"),
        created_by=staff,
    )
    ConsentEventFactory(user=customer)
    issue_invoice(order=pay(make_order(customer, [{"base_net": "100.00"}])).order)
    withdrawal = WithdrawalRequest.objects.create(
        order=paid,
        customer_name="Mario Rossi",
        email=customer.email,
        order_number=paid.number,
        source="account",
        received_at=timezone.now(),
    )
    WithdrawalStatusChange.objects.create(
        withdrawal=withdrawal, from_status="", to_status=WithdrawalStatus.RECEIVED
    )
    return {
        "order": order,
        "paid": paid,
        "line": line,
        "quote": quote,
        "priced_quote": priced,
        "email": email,
        "net": Decimal("1"),
    }


def admin_urls():
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        instance = model._default_manager.order_by("pk").first()
        if instance is not None:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[instance.pk])


def test_every_admin_page_is_italian(client, staff, data):
    client.force_login(staff)
    urls = [reverse("admin:index"), reverse("desk:home")]
    urls += [
        reverse("admin:app_list", args=[config])
        for config in {model._meta.app_label for model in admin.site._registry}
    ]
    urls += list(admin_urls())
    order = data["order"]
    urls += [
        reverse("desk:order", args=[order.number]),
        reverse("admin:orders_order_action", args=[order.pk, "bonifico-ricevuto"]),
        # The pages behind the back-office buttons (GET shows the form).
        reverse("admin:orders_order_action", args=[order.pk, "annulla"]),
        reverse("admin:orders_order_line", args=[data["paid"].pk, data["line"].pk]),
        reverse("desk:request_data", args=[data["paid"].number, data["line"].pk]),
        reverse("admin:quotes_quoterequest_pricing", args=[data["quote"].pk]),
        reverse("admin:quotes_quoterequest_change", args=[data["priced_quote"].pk]),
        reverse("admin:quotes_quoterequest_message", args=[data["quote"].pk]),
        reverse("admin:quotes_quoterequest_start", args=[data["quote"].pk]),
        reverse("admin:quotes_quoterequest_cancel", args=[data["quote"].pk]),
        reverse("admin:invoicing_fiscaldocument_export"),
        reverse("admin:invoicing_fiscaldocument_receipts"),
        reverse("admin:notifications_outgoingemail_resend", args=[data["email"].pk]),
    ]
    problems = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 403:
            continue
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        found = sorted(set(FORBIDDEN.findall(text)))
        if "object (" in text:
            found.append("object (")
        # Decimals written the English way, e.g. "IVA 22.00%".
        found += re.findall(r"\b\d+\.\d{2}\s?%", text)
        # Django's Italian default for dates, "Sabato 05 Dicembre 2026 14:30": capitalised.
        found += re.findall(
            r"\b(?:Lunedì|Martedì|Mercoledì|Giovedì|Venerdì|Sabato|Domenica) \d{2} [A-Z]\w+", text
        )
        if found:
            problems.append(f"{url}: {found}")
    assert not problems, "\n".join(problems)


def test_order_list_shows_services_and_italian_amounts(client, staff, customer):
    order = OrderFactory(
        customer=customer,
        payment_method="bank_transfer",
        total_net=Decimal("2450.00"),
        total_vat=Decimal("539.00"),
        total_gross=Decimal("2989.00"),
    )
    OrderLineFactory(order=order, service_name="Perizia immobiliare")
    OrderLineFactory(order=order, service_name="Visura catastale")
    client.force_login(staff)
    page = client.get(reverse("admin:orders_order_changelist")).content.decode()
    text = visible_text(page)
    assert "2.989,00 €" in text  # (a non-breaking space, collapsed by visible_text)
    assert "Perizia immobiliare" in text and "Visura catastale" in text
    assert "Bonifico bancario" in text
    filtered = client.get(
        reverse("admin:orders_order_changelist") + "?payment_method=bank_transfer"
    )
    assert order.number in filtered.content.decode()
