import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sportello.accounts.tests.factories import PASSWORD


class CommittingClient(Client):
    """A test client whose requests behave as if they committed.

    E-mails are queued in the outbox and delivered by an on-commit callback; the test's
    wrapping transaction never commits, so each request runs its callbacks when it ends.
    """

    capture_on_commit = None

    def request(self, **request):
        with self.capture_on_commit(execute=True):
            return super().request(**request)


@pytest.fixture
def client(django_capture_on_commit_callbacks):
    test_client = CommittingClient()
    test_client.capture_on_commit = staticmethod(django_capture_on_commit_callbacks)
    return test_client


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts attempts in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


SIGNUP_DATA = {
    "first_name": "Luca",
    "last_name": "Neri",
    "email": "luca.neri@example.com",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "accept_privacy": "on",
    "marketing_consent": "on",
}


def signup_data(**overrides):
    data = {**SIGNUP_DATA, **overrides}
    return {key: value for key, value in data.items() if value is not None}


def last_code(to: str) -> str:
    """The verification code in the newest e-mail sent to `to`."""
    message = [m for m in mail.outbox if to in m.to][-1]
    match = re.search(r"sul sito:\n\n(\S+)\n", message.body)
    assert match, message.body
    return match.group(1)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def signup_url():
    return reverse("account_signup")


@pytest.fixture
def code_url():
    return reverse("account_email_verification_sent")


@pytest.fixture
def login_url():
    return reverse("account_login")
