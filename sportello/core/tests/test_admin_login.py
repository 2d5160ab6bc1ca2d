"""Guessing a staff password at /admin/login/ is stopped like at the shop's own login."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from sportello.accounts.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Back-Office-2026!"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _staff():
    staff = StaffFactory(email="direzione@sportello.example")
    staff.set_password(PASSWORD)
    staff.save()
    return staff


def _attempt(client, password, email="direzione@sportello.example"):
    return client.post(reverse("admin:login"), {"username": email, "password": password})


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "5/5m/key"}
    _staff()
    for attempt in range(5):
        assert _attempt(client, f"sbagliata-{attempt}").status_code == 200

    response = _attempt(client, PASSWORD)

    assert response.status_code == 429
    assert "Troppe richieste" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_clears_the_count(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "5/5m/key"}
    _staff()
    for attempt in range(4):
        _attempt(client, f"sbagliata-{attempt}")
    assert _attempt(client, PASSWORD).status_code == 302
    client.logout()

    for attempt in range(4):
        assert _attempt(client, f"ancora-{attempt}").status_code == 200
    assert _attempt(client, PASSWORD).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
