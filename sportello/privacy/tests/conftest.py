"""A customer with a row in every model that can hold their data, for the export and erasure."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from sportello.accounts.models import BillingProfile
from sportello.api.actions import create_token
from sportello.api.models import WebhookDelivery, WebhookEndpoint
from sportello.cart.models import BulkImport, BulkImportStatus, CartKind
from sportello.cart.tests.factories import CartFactory, CartLineFactory
from sportello.companies.models import Invitation, Membership, Role
from sportello.companies.queries import hash_token
from sportello.companies.tests.factories import CompanyFactory, MembershipFactory
from sportello.credit.actions import adjust as credit_adjust
from sportello.invoicing.actions import issue_credit_note, issue_invoice
from sportello.notifications.models import EmailStatus
from sportello.notifications.tests.factories import OutgoingEmailFactory
from sportello.orders.models import (
    DataRequest,
    LineAnswersRevision,
    LineStatus,
    Order,
    OrderLineStatusChange,
    OrderMessage,
    OrderStatus,
    Outcome,
    OutcomeFile,
)
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory
from sportello.payments.models import Payment, PaymentStatus, PaymentStatusChange, Refund
from sportello.privacy.actions import record_signup_consents
from sportello.privacy.queries import current_notice
from sportello.quotes.models import (
    QuoteMessage,
    QuotePrice,
    QuotePriceLine,
    QuoteRequest,
    QuoteStatus,
    QuoteStatusChange,
)
from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory
from sportello.uploads.models import Upload


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts login attempts in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class CustomerData:
    user: object
    order: Order
    kept_file: Upload
    cart_file: Upload
    outcome_file: OutcomeFile
    quote: QuoteRequest
    customer_message: QuoteMessage


def answer_file(user, name: str, content: bytes) -> Upload:
    item = Upload(original_name=name, content_type="application/pdf", size=len(content), owner=user)
    item.file.save(name, ContentFile(content), save=False)
    item.save()
    return item


def populate(user, *, tag: str, staff=None) -> CustomerData:
    """Rows for `user` in every model that stores a customer's personal data.

    `tag` goes into every free text, so a test can tell two customers' data apart.
    """
    user.phone = f"333 {tag}"
    user.save(update_fields=["phone"])
    BillingProfile.objects.create(
        user=user,
        kind="person",
        first_name=user.first_name,
        last_name=user.last_name,
        codice_fiscale="RSSMRA80A01H501U",
        address=f"Via {tag} 1",
        cap="40121",
        comune="Bologna",
        provincia="BO",
    )
    record_signup_consents(user=user, is_marketing_granted=True, notice=current_notice())

    kept_file = answer_file(user, f"planimetria-{tag}.pdf", f"%PDF planimetria {tag}".encode())
    cart_file = answer_file(user, f"visura-{tag}.pdf", f"%PDF visura {tag}".encode())

    cart = CartFactory(user=user, kind=CartKind.PURCHASE)
    cart_line = CartLineFactory(
        cart=cart,
        answers={
            "note": f"Carrello {tag}",
            "documento": {"file_id": cart_file.pk, "name": cart_file.original_name},
        },
    )
    bulk_file = answer_file(user, f"ordine-{tag}.csv", f"Note\r\nOrdine {tag}\r\n".encode())
    BulkImport.objects.create(
        owner=user,
        service=cart_line.service,
        upload=bulk_file,
        status=BulkImportStatus.VALIDATED,
        total_rows=1,
        valid_rows=1,
        rows=[{"number": 2, "data": {"note": f"Ordine {tag}"}, "errors": {}}],
    )

    now = timezone.now()
    order = OrderFactory(
        customer=user,
        status=OrderStatus.COMPLETED,
        paid_at=now,
        billing_first_name=user.first_name,
        billing_last_name=user.last_name,
        billing_address=f"Via {tag} 1",
    )
    line = OrderLineFactory(
        order=order,
        answers={
            "indirizzo": f"Via {tag} 1",
            "planimetria": {"file_id": kept_file.pk, "name": kept_file.original_name},
        },
        answers_display=[{"label": "Indirizzo", "value": f"Via {tag} 1", "file_id": None}],
        status=LineStatus.COMPLETED,
    )
    OrderLineStatusChange.objects.create(
        line=line, from_status=LineStatus.RECEIVED, to_status=LineStatus.COMPLETED
    )
    outcome = Outcome.objects.create(line=line, note=f"Perizia consegnata {tag}", created_by=staff)
    outcome_file = OutcomeFile(
        outcome=outcome,
        original_name=f"perizia-{tag}.pdf",
        content_type="application/pdf",
        size=len(f"%PDF perizia {tag}"),
    )
    outcome_file.file.save(f"perizia-{tag}.pdf", ContentFile(f"%PDF perizia {tag}".encode()))
    payment = Payment.objects.create(
        order=order,
        provider="test_gateway",
        amount=Decimal("122.00"),
        status=PaymentStatus.CONFIRMED,
        provider_reference=f"tx-{tag}",
        confirmed_at=now,
    )
    PaymentStatusChange.objects.create(
        payment=payment, from_status=PaymentStatus.CREATED, to_status=PaymentStatus.CONFIRMED
    )
    refund = Refund.objects.create(payment=payment, amount=Decimal("10.00"), note=f"Sconto {tag}")
    issue_invoice(order=order)
    issue_credit_note(refund=refund)
    # A movement of a company's prepaid credit made by the person (its actor).
    credit_adjust(company=CompanyFactory(), amount="5.00", note=f"Credito {tag}", actor=user)
    # By label: privacy and withdrawals are sibling top-layer apps and do not import each other.
    WithdrawalRequest = apps.get_model("withdrawals", "WithdrawalRequest")
    WithdrawalStatusChange = apps.get_model("withdrawals", "WithdrawalStatusChange")
    withdrawal = WithdrawalRequest.objects.create(
        order=order,
        customer_name=f"{user.first_name} {user.last_name}",
        email=user.email,
        order_number=order.number,
        source="account",
        received_at=now,
    )
    withdrawal.lines.set([line])
    WithdrawalStatusChange.objects.create(
        withdrawal=withdrawal, from_status="", to_status="received"
    )
    OrderMessage.objects.create(order=order, author=user, body=f"Domanda sull'ordine {tag}")
    data_request = DataRequest.objects.create(
        line=line, note=f"Serve la visura {tag}", answered_at=now, customer_note=f"Ecco {tag}"
    )
    LineAnswersRevision.objects.create(
        line=line,
        data_request=data_request,
        answers={"indirizzo": f"Via vecchia {tag}"},
        answers_display=[{"label": "Indirizzo", "value": f"Via vecchia {tag}", "file_id": None}],
    )

    quote = QuoteRequestFactory(
        customer=user,
        status=QuoteStatus.READY,
        customer_message=f"Richiesta {tag}",
        current_version=1,
        valid_until=dt.date(2030, 1, 31),
    )
    quote_line = QuoteLineFactory(quote=quote, answers={"indirizzo": f"Via {tag} 2"})
    price = QuotePrice.objects.create(
        quote=quote,
        version=1,
        valid_until=dt.date(2030, 1, 31),
        notes_for_customer=f"Sopralluogo {tag}",
        total_net=Decimal("500.00"),
        total_vat=Decimal("110.00"),
        total_gross=Decimal("610.00"),
    )
    QuotePriceLine.objects.create(
        price=price,
        line=quote_line,
        net=Decimal("500.00"),
        vat_rate=Decimal("22.00"),
        vat=Decimal("110.00"),
        gross=Decimal("610.00"),
    )
    QuoteStatusChange.objects.create(
        quote=quote, from_status=QuoteStatus.SENT, to_status=QuoteStatus.READY
    )
    attachment = Upload(
        original_name=f"allegato-{tag}.pdf",
        content_type="application/pdf",
        claimed_content_type="application/pdf",
        size=len(f"%PDF allegato {tag}"),
        owner=user,
    )
    attachment.file.save(
        f"allegato-{tag}.pdf", ContentFile(f"%PDF allegato {tag}".encode()), save=True
    )
    customer_message = QuoteMessage.objects.create(
        quote=quote, author=user, body=f"Allego la visura {tag}", attachment=attachment
    )
    QuoteMessage.objects.create(
        quote=quote, author=staff, is_from_staff=True, body=f"Ricevuto {tag}"
    )

    # Company accounts: the customer administers a company and was invited into another.
    if not Membership.objects.filter(user=user, removed_at__isnull=True).exists():
        MembershipFactory(
            company=CompanyFactory(name=f"Azienda {tag}"), user=user, role=Role.ADMINISTRATOR
        )
    Invitation.objects.create(
        company=CompanyFactory(name=f"Invito {tag}"),
        email=user.email,
        role=Role.BUYER,
        token_hash=hash_token(f"invito-{tag}-{user.pk}"),
        expires_at=now,
    )

    OutgoingEmailFactory(
        to=user.email,
        subject=f"Il tuo ordine {tag}",
        text_body=f"Gentile cliente {tag}",
        status=EmailStatus.SENT,
        sent_at=now,
    )
    api_token = create_token(user=user, name=f"Gestionale {tag}", scopes=["orders:read"]).token
    endpoint = WebhookEndpoint.objects.create(
        user=user, url=f"https://{tag.lower()}.example/hook", secret=f"whsec_{tag}"
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="order.status_changed",
        payload={"type": "order.status_changed", "data": {"order": order.number}},
    )
    assert api_token.pk
    return CustomerData(
        user=user,
        order=order,
        kept_file=kept_file,
        cart_file=cart_file,
        outcome_file=outcome_file,
        quote=quote,
        customer_message=customer_message,
    )


@pytest.fixture
def customer_data(customer, staff):
    return populate(customer, tag="MARIO", staff=staff)


@pytest.fixture
def other_data(other_customer, staff):
    return populate(other_customer, tag="GIULIA", staff=staff)
