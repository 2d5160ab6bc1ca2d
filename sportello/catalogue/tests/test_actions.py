"""Catalogue actions: form versions and the ownership of uploads."""

import pytest

from sportello.catalogue.actions import (
    UPLOAD_KEY_SESSION_NAME,
    bump_form_version,
    claim_session_uploads,
    visitor_upload_key,
)
from sportello.catalogue.models import AnswerFile, Service
from sportello.catalogue.queries import owner_answer_files
from sportello.catalogue.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_bump_form_version_increments_in_the_database_and_on_the_instance():
    service = ServiceFactory()
    stale_copy = Service.objects.get(pk=service.pk)

    assert bump_form_version(service) == 2
    assert bump_form_version(stale_copy) == 3  # counts from the database, not the stale copy

    assert service.form_version == 2
    assert Service.objects.get(pk=service.pk).form_version == 3


def test_bump_form_version_touches_no_other_service():
    service, other = ServiceFactory(), ServiceFactory()
    bump_form_version(service)
    assert Service.objects.get(pk=other.pk).form_version == 1


def test_visitor_upload_key_is_stable_within_a_session():
    session = {}
    key = visitor_upload_key(session)
    assert len(key) >= 40
    assert session[UPLOAD_KEY_SESSION_NAME] == key
    assert visitor_upload_key(session) == key
    assert visitor_upload_key({}) != key


def upload(**owner) -> AnswerFile:
    return AnswerFile.objects.create(
        file="answers/x.pdf", original_name="x.pdf", content_type="application/pdf", size=1, **owner
    )


def test_owner_files_are_the_accounts_and_the_sessions(customer, other_customer):
    mine = upload(uploaded_by=customer)
    my_session = upload(session_key="chiave-mia")
    upload(uploaded_by=other_customer)
    upload(session_key="chiave-altrui")

    assert set(owner_answer_files(user=customer, session_key="chiave-mia")) == {mine, my_session}
    assert set(owner_answer_files(session_key="chiave-mia")) == {my_session}
    assert list(owner_answer_files()) == []


def test_another_customers_file_is_not_reachable_through_a_session_key(customer, other_customer):
    # A file of an account keeps no session key, but even a forged match must not leak it.
    upload(uploaded_by=other_customer, session_key="chiave-mia")
    assert list(owner_answer_files(user=customer, session_key="chiave-mia")) == []


def test_claim_session_uploads_gives_them_to_the_account(customer):
    mine = upload(session_key="chiave-mia")
    other = upload(session_key="chiave-altrui")

    assert claim_session_uploads(user=customer, session_key="chiave-mia") == 1

    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.uploaded_by, mine.session_key) == (customer, "")
    assert (other.uploaded_by, other.session_key) == (None, "chiave-altrui")
    assert list(owner_answer_files(user=customer)) == [mine]


def test_claim_without_a_session_key_claims_nothing(customer):
    upload(session_key="")
    assert claim_session_uploads(user=customer, session_key="") == 0
    assert AnswerFile.objects.filter(uploaded_by=customer).count() == 0
