"""Creating a company, inviting, accepting, changing roles, removing, transferring."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from sportello.accounts.tests.factories import UserFactory
from sportello.audit.models import AuditEvent, EventType
from sportello.companies import actions
from sportello.companies.models import Company, Invitation, Membership, Role
from sportello.companies.queries import membership_of
from sportello.companies.tests.factories import MembershipFactory, partita_iva
from sportello.notifications.models import OutgoingEmail
from sportello.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db(transaction=False)

COMPANY_DATA = {
    "name": "Studio Notarile Rossi",
    "partita_iva": "00743110157",
    "codice_fiscale": "00743110157",
    "sdi_code": "M5UXCR1",
    "pec": "",
    "address": "Via Rizzoli 2",
    "cap": "40125",
    "comune": "Bologna",
    "provincia": "BO",
    "country": "IT",
}


@pytest.fixture
def admin():
    return MembershipFactory(role=Role.ADMINISTRATOR).user


@pytest.fixture
def company(admin):
    return membership_of(admin).company


def test_the_creator_becomes_administrator(customer):
    company = actions.create_company(user=customer, data=COMPANY_DATA)
    membership = membership_of(customer)
    assert membership.company == company
    assert membership.role == Role.ADMINISTRATOR
    assert company.name == "Studio Notarile Rossi"
    assert AuditEvent.objects.filter(event_type=EventType.COMPANY_CREATED, actor=customer).exists()


def test_a_partita_iva_makes_one_company(customer, other_customer):
    actions.create_company(user=customer, data=COMPANY_DATA)
    with pytest.raises(actions.PartitaIvaTaken):
        actions.create_company(user=other_customer, data=COMPANY_DATA)
    assert Company.objects.count() == 1
    assert membership_of(other_customer) is None


def test_a_member_cannot_create_a_second_company(company, admin):
    with pytest.raises(actions.AlreadyInCompany):
        actions.create_company(user=admin, data=COMPANY_DATA)
    assert Company.objects.count() == 1


def _token_from_email(email: OutgoingEmail) -> str:
    return re.search(r"/azienda/invito/([\w-]+)/", email.text_body).group(1)


def test_invitation_by_email_and_acceptance(company, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = actions.invite(
            company=company, actor=admin, email="Luca.Neri@Example.com", role=Role.BUYER
        )
    assert invitation.email == "luca.neri@example.com"
    assert invitation.token_hash != token and token not in invitation.token_hash
    email = OutgoingEmail.objects.get(to="luca.neri@example.com")
    assert company.name in email.subject
    assert _token_from_email(email) == token
    assert mail.outbox[0].to == ["luca.neri@example.com"]  # sent after commit

    colleague = UserFactory(email="luca.neri@example.com")
    membership = actions.accept_invitation(token=token, user=colleague)
    assert membership.company == company
    assert membership.role == Role.BUYER
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague
    with pytest.raises(actions.InvitationNotUsable, match="già stato accettato"):
        actions.accept_invitation(token=token, user=colleague)


def test_the_invitation_is_for_its_address_only(company, admin, other_customer):
    _invitation, token = actions.invite(
        company=company, actor=admin, email="luca.neri@example.com", role=Role.VIEWER
    )
    with pytest.raises(actions.InvitationNotUsable, match=re.escape("luca.neri@example.com")):
        actions.accept_invitation(token=token, user=other_customer)
    assert membership_of(other_customer) is None


def test_an_expired_or_replaced_invitation_is_refused(company, admin):
    now = timezone.now()
    _first, old_token = actions.invite(
        company=company, actor=admin, email="luca.neri@example.com", role=Role.BUYER, now=now
    )
    _second, token = actions.invite(
        company=company, actor=admin, email="luca.neri@example.com", role=Role.BUYER, now=now
    )
    colleague = UserFactory(email="luca.neri@example.com")
    with pytest.raises(actions.InvitationNotUsable, match="annullato o sostituito"):
        actions.accept_invitation(token=old_token, user=colleague)
    with pytest.raises(actions.InvitationNotUsable, match="scaduto"):
        actions.accept_invitation(
            token=token, user=colleague, now=now + actions.INVITATION_VALIDITY + dt.timedelta(1)
        )
    assert membership_of(colleague) is None


def test_a_member_of_another_company_cannot_join(company, admin):
    elsewhere = MembershipFactory(role=Role.BUYER).user
    _invitation, token = actions.invite(
        company=company, actor=admin, email=elsewhere.email, role=Role.BUYER
    )
    with pytest.raises(actions.AlreadyInCompany):
        actions.accept_invitation(token=token, user=elsewhere)
    assert membership_of(elsewhere).company != company


def test_only_the_administrator_invites(company):
    buyer = MembershipFactory(company=company, role=Role.BUYER).user
    with pytest.raises(actions.NotAllowed):
        actions.invite(company=company, actor=buyer, email="x@example.com", role=Role.BUYER)
    assert not Invitation.objects.exists()


def test_nobody_is_invited_as_administrator(company, admin):
    with pytest.raises(actions.NotAllowed):
        actions.invite(company=company, actor=admin, email="x@example.com", role="administrator")


def test_removal_keeps_the_account_and_the_orders_with_the_company(company, admin):
    member = MembershipFactory(company=company, role=Role.BUYER)
    order = OrderFactory(customer=member.user, company=company)
    actions.remove_member(membership=member, actor=admin)
    member.refresh_from_db()
    assert member.removed_at is not None and member.removed_by == admin
    assert membership_of(member.user) is None
    order.refresh_from_db()
    assert order.company == company and order.customer == member.user
    assert member.user.is_active


def test_the_administrator_cannot_be_removed_nor_leave(company, admin):
    membership = membership_of(admin)
    with pytest.raises(actions.NotAllowed, match="trasferisci"):
        actions.remove_member(membership=membership, actor=admin)
    assert membership_of(admin) is not None


def test_a_buyer_cannot_remove_a_colleague_but_can_leave(company):
    buyer = MembershipFactory(company=company, role=Role.BUYER)
    colleague = MembershipFactory(company=company, role=Role.BUYER)
    with pytest.raises(actions.NotAllowed):
        actions.remove_member(membership=colleague, actor=buyer.user)
    actions.remove_member(membership=buyer, actor=buyer.user)
    assert membership_of(buyer.user) is None
    assert membership_of(colleague.user) is not None


def test_transfer_keeps_exactly_one_administrator(company, admin):
    colleague = MembershipFactory(company=company, role=Role.VIEWER)
    actions.transfer_administrator(company=company, actor=admin, to=colleague)
    roles = dict(
        Membership.objects.filter(company=company, removed_at__isnull=True).values_list(
            "user_id", "role"
        )
    )
    assert roles == {admin.pk: Role.BUYER, colleague.user_id: Role.ADMINISTRATOR}
    assert membership_of(admin).can_see_colleague_orders is True
    # The former administrator may no longer transfer it back.
    with pytest.raises(actions.NotAllowed):
        actions.transfer_administrator(company=company, actor=admin, to=membership_of(admin))


def test_transfer_only_to_a_member_of_the_same_company(company, admin):
    stranger = MembershipFactory(role=Role.BUYER)
    with pytest.raises(actions.NotAllowed):
        actions.transfer_administrator(company=company, actor=admin, to=stranger)
    assert membership_of(admin).role == Role.ADMINISTRATOR


def test_change_member_role_and_visibility(company, admin):
    member = MembershipFactory(company=company, role=Role.VIEWER)
    actions.change_member(
        membership=member, actor=admin, role=Role.BUYER, can_see_colleague_orders=True
    )
    member.refresh_from_db()
    assert (member.role, member.can_see_colleague_orders) == (Role.BUYER, True)
    # Viewers see everything anyway: the flag is stored only for buyers.
    actions.change_member(
        membership=member, actor=admin, role=Role.VIEWER, can_see_colleague_orders=True
    )
    member.refresh_from_db()
    assert (member.role, member.can_see_colleague_orders) == (Role.VIEWER, False)
    with pytest.raises(actions.NotAllowed):
        actions.change_member(
            membership=member, actor=admin, role=Role.ADMINISTRATOR, can_see_colleague_orders=False
        )


def test_update_company_keeps_the_partita_iva(company, admin):
    data = {**COMPANY_DATA, "partita_iva": partita_iva(999), "name": "Nuovo Nome S.r.l."}
    actions.update_company(company=company, actor=admin, data=data)
    company.refresh_from_db()
    assert company.name == "Nuovo Nome S.r.l."
    assert company.partita_iva != partita_iva(999)
    assert AuditEvent.objects.filter(event_type=EventType.COMPANY_UPDATED).exists()


def test_update_company_is_for_the_administrator(company):
    buyer = MembershipFactory(company=company, role=Role.BUYER).user
    with pytest.raises(actions.NotAllowed):
        actions.update_company(company=company, actor=buyer, data=COMPANY_DATA)
    assert Company.objects.get(pk=company.pk).name != COMPANY_DATA["name"]


def test_another_company_is_untouchable(company):
    other_admin = MembershipFactory(role=Role.ADMINISTRATOR).user
    member = MembershipFactory(company=company, role=Role.BUYER)
    with pytest.raises(actions.NotAllowed):
        actions.remove_member(membership=member, actor=other_admin)
    with pytest.raises(actions.NotAllowed):
        actions.invite(company=company, actor=other_admin, email="x@example.com", role="buyer")
    assert membership_of(member.user) is not None
