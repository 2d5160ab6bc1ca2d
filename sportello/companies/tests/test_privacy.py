"""Erasing a member's account: the company's orders and quotes stay with the company."""

import pytest
from django.utils import timezone

from sportello.companies.models import Invitation, Membership, Role
from sportello.companies.queries import hash_token, membership_of
from sportello.companies.tests.factories import MembershipFactory
from sportello.core.erasure import REMOVED_TEXT
from sportello.orders.models import DataRequest, Order, OrderMessage, OrderStatus
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory
from sportello.privacy.erasure import ErasureRefused, erase_customer
from sportello.privacy.export import build_export
from sportello.quotes.models import QuoteRequest
from sportello.quotes.tests.factories import QuoteRequestFactory

pytestmark = pytest.mark.django_db


def test_erasing_a_member_keeps_the_company_orders_and_quotes(customer_company, colleague):
    order = OrderFactory(customer=colleague, company=customer_company)  # awaiting payment
    company_quote = QuoteRequestFactory(customer=colleague, company=customer_company)
    private_quote = QuoteRequestFactory(customer=colleague)
    Invitation.objects.create(
        company=customer_company,
        email=colleague.email,
        role=Role.BUYER,
        token_hash=hash_token("x"),
        expires_at=timezone.now(),
    )

    erase_customer(user=colleague, actor=colleague)

    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT  # not cancelled: it is the company's
    assert order.company == customer_company
    assert QuoteRequest.objects.filter(pk=company_quote.pk).exists()
    assert not QuoteRequest.objects.filter(pk=private_quote.pk).exists()
    assert membership_of(colleague) is None
    assert Membership.objects.get(user=colleague).removed_at is not None
    assert not Invitation.objects.exists()


def test_erasing_a_member_removes_their_words_only_on_company_orders(
    customer, customer_company, colleague
):
    """The administrator's messages on the member's company order stay (they are the
    administrator's and the company's); the member's own words go everywhere, also on a
    colleague's order; staff's stay."""
    theirs = OrderFactory(customer=colleague, company=customer_company)
    colleagues = OrderFactory(customer=customer, company=customer_company)
    private = OrderFactory(customer=colleague)
    member_on_theirs = OrderMessage.objects.create(order=theirs, author=colleague, body="Mio")
    admin_on_theirs = OrderMessage.objects.create(order=theirs, author=customer, body="Dell'admin")
    staff_on_theirs = OrderMessage.objects.create(order=theirs, is_from_staff=True, body="Staff")
    member_on_colleagues = OrderMessage.objects.create(
        order=colleagues, author=colleague, body="Sull'ordine del collega"
    )
    member_on_private = OrderMessage.objects.create(order=private, author=colleague, body="Privato")

    erase_customer(user=colleague, actor=colleague)

    def body(message):
        message.refresh_from_db()
        return message.body

    assert body(member_on_theirs) == REMOVED_TEXT
    assert body(member_on_colleagues) == REMOVED_TEXT
    assert body(member_on_private) == REMOVED_TEXT
    assert body(admin_on_theirs) == "Dell'admin"
    assert body(staff_on_theirs) == "Staff"


def test_erasing_a_member_removes_the_data_request_notes_they_wrote_only(
    customer, customer_company, colleague
):
    """On the member's company order the administrator answered a data request: that note is
    the administrator's and stays; the member's answer on the administrator's order goes."""
    theirs = OrderLineFactory(order=OrderFactory(customer=colleague, company=customer_company))
    admins = OrderLineFactory(order=OrderFactory(customer=customer, company=customer_company))
    now = timezone.now()
    by_admin_on_theirs = DataRequest.objects.create(
        line=theirs,
        note="Serve la planimetria",
        answered_at=now,
        answered_by=customer,
        customer_note="Inviata dall'amministratore",
    )
    by_member_on_admins = DataRequest.objects.create(
        line=admins,
        note="Serve la visura",
        answered_at=now,
        answered_by=colleague,
        customer_note="Inviata dal collega",
    )
    recorded_before = DataRequest.objects.create(
        line=theirs, note="Serve il codice fiscale", answered_at=now, customer_note="Eccolo"
    )

    erase_customer(user=colleague, actor=colleague)

    def note(data_request):
        data_request.refresh_from_db()
        return data_request.customer_note

    assert note(by_admin_on_theirs) == "Inviata dall'amministratore"
    assert note(by_member_on_admins) == REMOVED_TEXT
    assert note(recorded_before) == REMOVED_TEXT  # no author recorded: the order's customer's


def test_an_administrator_with_colleagues_hands_the_role_over_first(customer, colleague):
    with pytest.raises(ErasureRefused, match="trasferisci il ruolo"):
        erase_customer(user=customer, actor=customer)
    customer.refresh_from_db()
    assert customer.is_active
    assert membership_of(customer).role == Role.ADMINISTRATOR


def test_a_sole_administrator_may_go_and_the_company_stays(customer, customer_company):
    order = OrderFactory(customer=customer, company=customer_company)
    erase_customer(user=customer, actor=customer)
    assert Order.objects.get(pk=order.pk).company == customer_company
    assert membership_of(customer) is None


def test_the_export_shows_the_membership_and_the_company(customer, customer_company):
    MembershipFactory(role=Role.BUYER)  # someone else's, not exported
    data, _files = build_export(user=customer)
    [membership] = data["companies"]["memberships"]
    assert membership["role"] == Role.ADMINISTRATOR
    assert membership["company"]["name"] == "Agenzia Alfa S.r.l."
    assert membership["company"]["partita_iva"] == customer_company.partita_iva
