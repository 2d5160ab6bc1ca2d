"""The code page says how long the code lasts, from allauth's setting."""

import pytest
from django.urls import reverse

from sportello.accounts.tests.conftest import signup_data

pytestmark = pytest.mark.django_db


def test_code_page_says_how_many_minutes(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 15 * 60
    client.post(reverse("account_signup"), signup_data())

    html = client.get(reverse("account_email_verification_sent")).content.decode()

    assert "Il codice vale 15 minuti" in html


def test_one_minute_is_singular(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 60
    client.post(reverse("account_signup"), signup_data())

    html = client.get(reverse("account_email_verification_sent")).content.decode()

    assert "Il codice vale 1 minuto" in html
