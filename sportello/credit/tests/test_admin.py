"""Back-office: accounts read-only with their movements; the manual adjustment page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from sportello.accounts.tests.factories import StaffFactory
from sportello.credit import actions
from sportello.credit.models import CreditAccount, CreditMovement, MovementKind
from sportello.credit.queries import balance_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(company, staff):
    actions.adjust(company=company, amount="30.00", note="Credito iniziale", actor=staff)
    return CreditAccount.objects.get(company=company)


def _adjust_url(account) -> str:
    return reverse("admin:credit_creditaccount_adjust", args=[account.pk])


def test_the_account_page_shows_the_movements_and_the_adjustment_button(staff_client, account):
    page = staff_client.get(reverse("admin:credit_creditaccount_change", args=[account.pk]))
    assert page.status_code == 200
    assert "Credito iniziale" in page.text
    assert "Rettifica manuale" in page.text
    assert _adjust_url(account) in page.text


def test_staff_adjust_the_credit_with_a_reason(staff_client, account, staff):
    response = staff_client.post(
        _adjust_url(account), {"direction": "remove", "amount": "12,50", "note": "Errore"}
    )

    assert response.status_code == 302
    assert balance_of(account.company) == Decimal("17.50")
    movement = CreditMovement.objects.order_by("-id").first()
    assert (movement.kind, movement.amount, movement.note, movement.actor) == (
        MovementKind.ADJUSTMENT,
        Decimal("-12.50"),
        "Errore",
        staff,
    )


def test_an_adjustment_below_zero_is_refused_next_to_the_amount(staff_client, account):
    page = staff_client.post(
        _adjust_url(account), {"direction": "remove", "amount": "30,01", "note": "Errore"}
    )

    assert page.status_code == 200
    assert "sotto zero" in page.text
    assert balance_of(account.company) == Decimal("30.00")
    assert CreditMovement.objects.count() == 1


def test_staff_without_the_permission_cannot_adjust(client, account):
    clerk = StaffFactory(is_superuser=False)
    client.force_login(clerk)
    assert (
        client.post(
            _adjust_url(account), {"direction": "add", "amount": "5", "note": "x"}
        ).status_code
        == 403
    )
    assert balance_of(account.company) == Decimal("30.00")


def test_movements_cannot_be_added_changed_or_deleted_in_the_back_office(staff_client, account):
    movement = CreditMovement.objects.get()
    assert staff_client.get(reverse("admin:credit_creditmovement_add")).status_code == 403
    delete = reverse("admin:credit_creditmovement_delete", args=[movement.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert CreditMovement.objects.count() == 1
