"""Real concurrency on PostgreSQL: two threads, two connections, one outcome.

SQLite serialises writers (IMMEDIATE transactions); there the same rules are proven by the
sequential tests in test_actions.py and by the unique constraints in test_visibility.py.
"""

import pytest
from django.db import connection

from sportello.accounts.tests.factories import UserFactory
from sportello.companies import actions
from sportello.companies.models import Membership, Role
from sportello.companies.queries import membership_of
from sportello.companies.tests.factories import MembershipFactory
from sportello.core.tests.racing import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def test_two_transfers_at_once_leave_one_administrator():
    admin = MembershipFactory(role=Role.ADMINISTRATOR)
    first = MembershipFactory(company=admin.company, role=Role.BUYER)
    second = MembershipFactory(company=admin.company, role=Role.BUYER)

    def transfer_to(target):
        return lambda: actions.transfer_administrator(
            company=admin.company, actor=admin.user, to=target
        )

    results = race(transfer_to(first), transfer_to(second))
    refused = [r for r in results if isinstance(r, actions.NotAllowed)]
    assert len(refused) == 1, results
    administrators = Membership.objects.filter(
        company=admin.company, removed_at__isnull=True, role=Role.ADMINISTRATOR
    )
    assert administrators.count() == 1


def test_two_invitations_accepted_at_once_make_one_membership():
    person = UserFactory(email="luca.neri@example.com")
    tokens = []
    for _ in range(2):
        admin = MembershipFactory(role=Role.ADMINISTRATOR)
        _invitation, token = actions.invite(
            company=admin.company, actor=admin.user, email=person.email, role=Role.BUYER
        )
        tokens.append(token)

    results = race(
        *(
            lambda token=token: actions.accept_invitation(token=token, user=person)
            for token in tokens
        )
    )
    joined = [r for r in results if isinstance(r, Membership)]
    refused = [r for r in results if isinstance(r, actions.AlreadyInCompany)]
    assert (len(joined), len(refused)) == (1, 1), results
    assert membership_of(person) == joined[0]


def test_removal_and_transfer_to_the_same_member_at_once():
    admin = MembershipFactory(role=Role.ADMINISTRATOR)
    member = MembershipFactory(company=admin.company, role=Role.BUYER)
    results = race(
        lambda: actions.remove_member(membership=member, actor=admin.user),
        lambda: actions.transfer_administrator(company=admin.company, actor=admin.user, to=member),
    )
    active_admins = Membership.objects.filter(
        company=admin.company, removed_at__isnull=True, role=Role.ADMINISTRATOR
    )
    assert active_admins.count() == 1, results
    member.refresh_from_db()
    # Either the removal came first (the transfer is refused) or the transfer did (and the
    # new administrator cannot be removed): never a removed administrator.
    assert not (member.removed_at is not None and member.role == Role.ADMINISTRATOR)
