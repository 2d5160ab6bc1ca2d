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

    MembershipFactory(user=customer, role=Role.VIEWER)
    auth = token_for(customer)
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
