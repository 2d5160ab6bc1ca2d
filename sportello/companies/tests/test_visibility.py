"""The companies' data model and the visibility rule every app filters with."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sportello.accounts.tests.factories import UserFactory
from sportello.companies import queries
from sportello.companies.models import Invitation, Role
from sportello.companies.tests.factories import CompanyFactory, MembershipFactory
from sportello.orders.models import Order
from sportello.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return CompanyFactory(name="Agenzia Immobiliare Due Torri S.r.l.")


@pytest.fixture
def team(company):
    """An administrator, a buyer who sees only their own orders, one who sees the
    colleagues', a viewer; and one order placed by each buyer plus a private one."""
    admin = MembershipFactory(company=company, role=Role.ADMINISTRATOR).user
    buyer = MembershipFactory(company=company, role=Role.BUYER).user
    curious = MembershipFactory(
        company=company, role=Role.BUYER, can_see_colleague_orders=True
    ).user
    viewer = MembershipFactory(company=company, role=Role.VIEWER).user
    orders = {
        "admin": OrderFactory(customer=admin, company=company),
        "buyer": OrderFactory(customer=buyer, company=company),
        "curious": OrderFactory(customer=curious, company=company),
        "buyer_private": OrderFactory(customer=buyer),
    }
    return {"admin": admin, "buyer": buyer, "curious": curious, "viewer": viewer}, orders


def _visible(user) -> set[str]:
    return set(Order.objects.filter(queries.visible_to(user)).values_list("number", flat=True))


def _actionable(user) -> set[str]:
    return set(Order.objects.filter(queries.actionable_by(user)).values_list("number", flat=True))


def _numbers(orders, *keys) -> set[str]:
    return {orders[key].number for key in keys}


def test_a_user_belongs_to_one_company_at_a_time(company):
    membership = MembershipFactory(company=company)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(user=membership.user)
    membership.removed_at = timezone.now()
    membership.save(update_fields=["removed_at"])
    MembershipFactory(user=membership.user)  # once removed, another company may invite them


def test_a_company_has_one_administrator(company):
    MembershipFactory(company=company, role=Role.ADMINISTRATOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(company=company, role=Role.ADMINISTRATOR)
    MembershipFactory(role=Role.ADMINISTRATOR)  # another company's is fine


def test_nobody_is_invited_as_administrator(company):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            company=company,
            email="x@example.com",
            role=Role.ADMINISTRATOR,
            token_hash="a" * 64,
            expires_at=timezone.now(),
        )
    assert not Invitation.objects.exists()


def test_each_role_sees_what_it_should(team):
    users, orders = team
    everything_of_company = _numbers(orders, "admin", "buyer", "curious")
    assert _visible(users["admin"]) == everything_of_company
    assert _visible(users["viewer"]) == everything_of_company
    assert _visible(users["curious"]) == everything_of_company
    assert _visible(users["buyer"]) == _numbers(orders, "buyer", "buyer_private")


def test_only_the_buyer_who_placed_it_and_the_administrator_act(team):
    users, orders = team
    assert _actionable(users["admin"]) == _numbers(orders, "admin", "buyer", "curious")
    assert _actionable(users["curious"]) == _numbers(orders, "curious")
    assert _actionable(users["buyer"]) == _numbers(orders, "buyer", "buyer_private")
    assert _actionable(users["viewer"]) == set()


def test_single_object_checks_agree_with_the_filters(team):
    users, orders = team
    for user in users.values():
        for order in orders.values():
            ids = {"customer_id": order.customer_id, "company_id": order.company_id}
            assert queries.may_see(user, **ids) == (order.number in _visible(user))
            assert queries.may_act(user, **ids) == (order.number in _actionable(user))


def test_another_company_and_a_stranger_see_nothing_of_it(team):
    _users, _orders = team
    other_admin = MembershipFactory(role=Role.ADMINISTRATOR).user
    stranger = UserFactory()
    assert _visible(other_admin) == set()
    assert _visible(stranger) == set()
    assert _actionable(other_admin) == set()


def test_a_removed_member_loses_the_company_orders_but_keeps_private_ones(team):
    users, orders = team
    membership = queries.membership_of(users["buyer"])
    membership.removed_at = timezone.now()
    membership.save(update_fields=["removed_at"])
    assert _visible(users["buyer"]) == _numbers(orders, "buyer_private")
    assert Order.objects.get(pk=orders["buyer"].pk).company_id == membership.company_id


def test_viewers_may_not_buy(team, company):
    users, _orders = team
    assert queries.may_buy(users["viewer"]) is False
    assert queries.may_buy(users["buyer"]) is True
    assert queries.may_buy(UserFactory()) is True
    assert queries.company_for_new_order(users["buyer"]) == company
    assert queries.company_for_new_order(UserFactory()) is None
    with pytest.raises(PermissionError):
        queries.company_for_new_order(users["viewer"])


def test_the_filter_costs_no_query_of_its_own(team, django_assert_num_queries):
    users, _orders = team
    with django_assert_num_queries(1):
        list(Order.objects.filter(queries.visible_to(users["buyer"])))
    with django_assert_num_queries(1):
        list(Order.objects.filter(queries.actionable_by(users["admin"])))


def test_members_are_listed_administrator_first(team, company):
    users, _orders = team
    listed = [m.user for m in queries.members_of(company)]
    assert listed[0] == users["admin"]
    assert listed[-1] == users["viewer"]
    assert queries.administered_company(users["admin"]) == company
    assert queries.administered_company(users["buyer"]) is None


def test_company_billing_data_are_checkout_billing_data(company):
    data = queries.company_billing_data(company)
    assert data["kind"] == "company"
    assert data["company_name"] == "Agenzia Immobiliare Due Torri S.r.l."
    assert data["partita_iva"] == company.partita_iva
