from datetime import timedelta

import pytest
from django.utils import timezone

from sportello.privacy.actions import record_consent, record_signup_consents
from sportello.privacy.models import ConsentEvent, ConsentPurpose, ConsentSource
from sportello.privacy.queries import consent_overview, current_notice
from sportello.privacy.tests.factories import ConsentEventFactory, PrivacyNoticeFactory

pytestmark = pytest.mark.django_db


def test_record_consent_appends_a_row_with_notice_and_time(customer):
    notice = current_notice()
    before = timezone.now()

    event = record_consent(
        user=customer,
        purpose=ConsentPurpose.MARKETING,
        is_granted=True,
        source=ConsentSource.ACCOUNT,
        notice=notice,
    )

    assert ConsentEvent.objects.get() == event
    assert (event.user, event.purpose, event.is_granted, event.source, event.notice) == (
        customer,
        "marketing",
        True,
        "account",
        notice,
    )
    assert before <= event.created_at <= timezone.now() + timedelta(seconds=1)


@pytest.mark.parametrize(
    ("purpose", "source"),
    [("newsletter", ConsentSource.SIGNUP), (ConsentPurpose.MARKETING, "telefono")],
)
def test_unknown_purpose_or_source_is_refused_and_nothing_written(customer, purpose, source):
    with pytest.raises(ValueError):
        record_consent(user=customer, purpose=purpose, is_granted=True, source=source, notice=None)

    assert not ConsentEvent.objects.exists()


def test_signup_consents_record_privacy_and_marketing(customer):
    notice = current_notice()

    events = record_signup_consents(user=customer, is_marketing_granted=False, notice=notice)

    stored = {(e.purpose, e.is_granted, e.source, e.notice.version) for e in events}
    assert stored == {
        ("privacy_notice", True, "signup", "1.0"),
        ("marketing", False, "signup", "1.0"),
    }
    assert ConsentEvent.objects.filter(user=customer).count() == 2


def test_overview_takes_the_latest_row_per_purpose(customer, other_customer):
    old_notice = current_notice()
    new_notice = PrivacyNoticeFactory(version="1.1")
    first = record_consent(
        user=customer,
        purpose=ConsentPurpose.MARKETING,
        is_granted=True,
        source=ConsentSource.SIGNUP,
        notice=old_notice,
    )
    withdrawal = record_consent(
        user=customer,
        purpose=ConsentPurpose.MARKETING,
        is_granted=False,
        source=ConsentSource.ACCOUNT,
        notice=new_notice,
    )
    ConsentEventFactory(user=other_customer, purpose=ConsentPurpose.PROFILING, is_granted=True)

    overview = consent_overview(user=customer)

    states = {state.purpose: state for state in overview.states}
    assert list(states) == ["privacy_notice", "marketing", "profiling"]
    assert states["marketing"].latest_event == withdrawal
    assert states["marketing"].is_granted is False
    assert states["profiling"].latest_event is None
    assert states["profiling"].is_granted is False
    assert states["privacy_notice"].latest_event is None
    assert overview.history == [withdrawal, first]


def test_overview_is_one_query(customer, django_assert_num_queries):
    record_signup_consents(user=customer, is_marketing_granted=True, notice=current_notice())

    with django_assert_num_queries(1):
        overview = consent_overview(user=customer)
        versions = [event.notice.version for event in overview.history]

    assert versions == ["1.0", "1.0"]
