"""Company accounts through the API: a member buys for the company, billed with its data; a
viewer may read the company's orders but not buy; a colleague's order is visible as on the
web pages (the same ownership queries)."""

import pytest

from sportello.api.actions import create_token
from sportello.api.tests.conftest import ALL_SCOPES, bearer
from sportello.api.tests.test_cycle import URGENT, post_order
from sportello.companies.models import Role
from sportello.companies.tests.factories import CompanyFactory, MembershipFactory
from sportello.orders.models import Order
from sportello.quotes.models import QuoteRequest

pytestmark = pytest.mark.django_db

BODY = {"lines": [{"service": "perizia-immobiliare", "answers": URGENT}], "accept_terms": True}


def token_for(user) -> dict:
    return bearer(create_token(user=user, name="Gestionale", scopes=ALL_SCOPES).plain)


def test_a_member_orders_for_the_company_and_a_colleague_sees_it(
    client, customer, other_customer, appraisal
):
    company = CompanyFactory(name="Studio Verdi S.r.l.")
    MembershipFactory(company=company, user=customer, role=Role.BUYER)
    MembershipFactory(company=company, user=other_customer, role=Role.ADMINISTRATOR)

    # No personal billing data needed: the company's are used.
    response = post_order(client, token_for(customer), BODY)
    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert order.company == company
    assert order.billing_company_name == "Studio Verdi S.r.l."

    colleague = client.get(f"/api/orders/{order.number}", **token_for(other_customer))
    assert colleague.status_code == 200
    assert colleague.json()["number"] == order.number


def test_a_viewer_may_not_order_or_request_a_quote(client, customer, appraisal):
    from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory

    # A buyer's token, kept after the administrator made them a viewer: it reads, never buys.
    membership = MembershipFactory(user=customer, role=Role.BUYER)
    auth = token_for(customer)
    membership.role = Role.VIEWER
    membership.save()
    refused = post_order(client, auth, BODY)
    assert refused.status_code == 403
    assert refused.json()["code"] == "role_may_not_buy"
    assert Order.objects.count() == 0

    service = ServiceFactory(slug="due-diligence", pricing_mode="quote", net_price=None)
    FormFieldFactory(service=service, key="immobile", label="Immobile")
    quote = client.post(
        "/api/quotes",
        {"lines": [{"service": "due-diligence", "answers": {"immobile": "Via Roma 1"}}]},
        content_type="application/json",
        **auth,
    )
    assert quote.status_code == 403
    assert QuoteRequest.objects.count() == 0


def test_pay_from_the_company_credit(client, customer, other_customer, staff, appraisal):
    from decimal import Decimal

    from sportello.credit.actions import adjust
    from sportello.invoicing.models import FiscalDocument

    company = CompanyFactory()
    MembershipFactory(company=company, user=customer, role=Role.BUYER)
    # A viewer now, with the token they made as a buyer.
    viewer_membership = MembershipFactory(company=company, user=other_customer, role=Role.BUYER)
    viewer_auth = token_for(other_customer)
    viewer_membership.role = Role.VIEWER
    viewer_membership.save()
    auth = token_for(customer)
    number = post_order(client, auth, BODY).json()["number"]
    url = f"/api/orders/{number}/pay-from-credit"

    adjust(company=company, amount="100.00", note="Credito di prova", actor=staff)
    short = client.post(url, **auth)
    assert short.status_code == 409
    assert short.json()["code"] == "insufficient_credit"
    assert Order.objects.get().status == "awaiting_payment"

    adjust(company=company, amount="100.00", note="Altro credito", actor=staff)
    viewer = client.post(url, **viewer_auth)
    assert viewer.status_code == 403
    assert viewer.json()["code"] == "credit_not_allowed"

    paid = client.post(url, **auth)
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "paid"
    assert [d["kind"] for d in paid.json()["documents"]] == ["invoice"]
    assert FiscalDocument.objects.get().total_gross == Decimal("158.60")

    again = client.post(url, **auth)
    assert again.status_code == 409
    assert again.json()["code"] == "not_payable"


def test_a_buyer_who_sees_a_colleagues_order_may_not_pay_it_from_credit(
    client, customer, other_customer, staff, appraisal
):
    """Seeing colleagues' orders is reading them, as on the site: the order's own buyer or the
    administrator pays it, not another buyer (the credit is the company's money)."""
    from sportello.accounts.tests.factories import UserFactory
    from sportello.credit.actions import adjust

    company = CompanyFactory()
    MembershipFactory(company=company, user=customer, role=Role.BUYER)
    MembershipFactory(
        company=company, user=other_customer, role=Role.BUYER, can_see_colleague_orders=True
    )
    administrator = UserFactory()
    MembershipFactory(company=company, user=administrator, role=Role.ADMINISTRATOR)
    number = post_order(client, token_for(customer), BODY).json()["number"]
    adjust(company=company, amount="500.00", note="Credito di prova", actor=staff)
    url = f"/api/orders/{number}/pay-from-credit"

    assert client.get(f"/api/orders/{number}", **token_for(other_customer)).status_code == 200
    colleague = client.post(url, **token_for(other_customer))
    assert colleague.status_code == 403
    assert colleague.json()["code"] == "credit_not_allowed"
    assert Order.objects.get().status == "awaiting_payment"

    paid = client.post(url, **token_for(administrator))
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "paid"


def test_pay_from_credit_of_another_customers_order_is_404(client, customer, other_customer):
    from sportello.orders.tests.factories import OrderFactory

    order = OrderFactory(customer=customer)
    response = client.post(
        f"/api/orders/{order.number}/pay-from-credit", **token_for(other_customer)
    )
    assert response.status_code == 404


def test_an_order_paid_from_credit_is_placed_and_paid_at_once_or_not_at_all(
    client, customer, staff, appraisal, company_profile
):
    from sportello.credit.actions import adjust
    from sportello.notifications.models import OutgoingEmail

    company = CompanyFactory()
    MembershipFactory(company=company, user=customer, role=Role.BUYER)
    auth = token_for(customer)
    body = {**BODY, "payment_method": "prepaid_credit"}

    short = post_order(client, auth, body)
    assert short.status_code == 409
    assert short.json()["code"] == "insufficient_credit"
    assert Order.objects.count() == 0

    adjust(company=company, amount="200.00", note="Credito di prova", actor=staff)
    paid = post_order(client, auth, body)
    assert paid.status_code == 201, paid.content
    assert paid.json()["status"] == "paid"
    assert paid.json()["payment_method"] == "prepaid_credit"
    order = Order.objects.get()
    assert order.company == company
    # No bank transfer instructions for an order paid from credit.
    assert not OutgoingEmail.objects.filter(subject__icontains="bonifico").exists()


def test_a_private_customer_has_no_credit(client, customer, appraisal, company_profile):
    response = post_order(client, token_for(customer), {**BODY, "payment_method": "prepaid_credit"})
    assert response.status_code == 403
    assert response.json()["code"] == "credit_not_allowed"
    assert Order.objects.count() == 0
