"""A company with an administrator (the `customer` persona), a buyer and a viewer, and
helpers that move money through the real settlement code."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from sportello.accounts.tests.factories import UserFactory
from sportello.companies.models import Role
from sportello.companies.queries import company_billing_data
from sportello.companies.tests.factories import CompanyFactory, MembershipFactory
from sportello.credit.purchase import TopUpPurchase
from sportello.invoicing.tests.conftest import make_order, pay


@pytest.fixture(autouse=True)
def _credit_settings(settings):
    settings.PAYMENT_METHODS = ["test_gateway", "bank_transfer", "prepaid_credit"]
    settings.TEST_GATEWAY_SECRET = ""
    settings.STRIPE_SECRET_KEY = ""
    settings.CREDIT_TOP_UP_MIN = Decimal("50.00")
    settings.CREDIT_TOP_UP_MAX = Decimal("10000.00")
    settings.INVOICE_ZERO_RATE_NATURA = "N2.2"


@pytest.fixture
def company(db):
    return CompanyFactory(name="Rossi Costruzioni S.r.l.")


@pytest.fixture
def administrator(company, customer):
    MembershipFactory(company=company, user=customer, role=Role.ADMINISTRATOR)
    return customer


@pytest.fixture
def buyer(company):
    return MembershipFactory(company=company, role=Role.BUYER).user


@pytest.fixture
def viewer(company):
    return MembershipFactory(company=company, role=Role.VIEWER).user


@pytest.fixture
def stranger(db):
    """The administrator of another company."""
    user = UserFactory()
    MembershipFactory(user=user, role=Role.ADMINISTRATOR)
    return user


def buy_top_up(user, amount: str, *, provider: str = "test_gateway"):
    """Place a top-up order as the checkout does and pay it through settlement."""
    placed = TopUpPurchase(customer=user, amount=amount).place_order(
        customer=user,
        billing=company_billing_data(user.company_memberships.get().company),
        payment_method=provider,
        checkout_token=uuid.uuid4(),
    )
    pay(placed.order, provider=provider, actor=user)
    return placed.order


def company_order(user, company, base_net: str = "100.00", vat_rate: str = "22.00"):
    """An order of the company awaiting payment (placed by `user`)."""
    order = make_order(user, [{"base_net": base_net, "vat_rate": vat_rate}])
    type(order).objects.filter(pk=order.pk).update(company=company)
    order.refresh_from_db()
    return order
