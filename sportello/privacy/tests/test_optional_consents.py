import pytest

from sportello.privacy.actions import record_signup_consents, update_optional_consents
from sportello.privacy.models import ConsentEvent, ConsentPurpose, ConsentSource
from sportello.privacy.queries import consent_overview, current_notice
from sportello.privacy.tests.factories import PrivacyNoticeFactory

pytestmark = pytest.mark.django_db


def _rows(user):
    return list(
        ConsentEvent.objects.filter(user=user)
        .order_by("id")
        .values_list("purpose", "is_granted", "source", "notice__version")
    )


def test_granting_and_withdrawing_writes_one_row_each_with_the_notice(customer):
    notice = current_notice()
    record_signup_consents(user=customer, is_marketing_granted=False, notice=notice)

    granted = update_optional_consents(
        user=customer,
        choices={"marketing": True, "profiling": True},
        source=ConsentSource.ACCOUNT,
        notice=notice,
    )
    withdrawn = update_optional_consents(
        user=customer,
        choices={"marketing": False, "profiling": True},
        source=ConsentSource.ACCOUNT,
        notice=notice,
    )

    assert [(e.purpose, e.is_granted) for e in granted] == [
        ("marketing", True),
        ("profiling", True),
    ]
    assert [(e.purpose, e.is_granted) for e in withdrawn] == [("marketing", False)]
    assert _rows(customer) == [
        ("privacy_notice", True, "signup", "1.0"),
        ("marketing", False, "signup", "1.0"),
        ("marketing", True, "account", "1.0"),
        ("profiling", True, "account", "1.0"),
        ("marketing", False, "account", "1.0"),
    ]
    states = {s.purpose: s.is_granted for s in consent_overview(user=customer).states}
    assert states == {"privacy_notice": True, "marketing": False, "profiling": True}


def test_saving_the_same_choices_writes_nothing(customer):
    notice = current_notice()
    record_signup_consents(user=customer, is_marketing_granted=True, notice=notice)
    before = _rows(customer)

    written = update_optional_consents(
        user=customer,
        choices={"marketing": True, "profiling": False},  # profiling never given: still no
        source=ConsentSource.ACCOUNT,
        notice=notice,
    )

    assert written == []
    assert _rows(customer) == before


def test_a_change_records_the_notice_in_force_now(customer):
    record_signup_consents(user=customer, is_marketing_granted=False, notice=current_notice())
    newer = PrivacyNoticeFactory(version="2.0")

    update_optional_consents(
        user=customer, choices={"marketing": True}, source=ConsentSource.ACCOUNT, notice=newer
    )

    assert _rows(customer)[-1] == ("marketing", True, "account", "2.0")


def test_the_privacy_notice_acceptance_cannot_be_toggled(customer):
    notice = current_notice()
    record_signup_consents(user=customer, is_marketing_granted=False, notice=notice)
    before = _rows(customer)

    with pytest.raises(ValueError, match="privacy_notice"):
        update_optional_consents(
            user=customer,
            choices={ConsentPurpose.PRIVACY_NOTICE: False},
            source=ConsentSource.ACCOUNT,
            notice=notice,
        )

    assert _rows(customer) == before


def test_choices_touch_only_the_given_customer(customer, other_customer):
    notice = current_notice()
    record_signup_consents(user=other_customer, is_marketing_granted=False, notice=notice)
    other_before = _rows(other_customer)

    update_optional_consents(
        user=customer, choices={"marketing": True}, source=ConsentSource.ACCOUNT, notice=notice
    )

    assert _rows(other_customer) == other_before
    assert _rows(customer) == [("marketing", True, "account", "1.0")]
