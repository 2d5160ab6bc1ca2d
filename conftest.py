"""Personas shared by every test: a customer, another customer, and staff."""

import pytest

from sportello.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def customer(db):
    return UserFactory(email="mario.rossi@example.com", first_name="Mario", last_name="Rossi")


@pytest.fixture
def other_customer(db):
    return UserFactory(email="giulia.bianchi@example.com", first_name="Giulia", last_name="Bianchi")


@pytest.fixture
def staff(db):
    return StaffFactory(email="operatore@sportello.example", first_name="Anna", last_name="Verdi")


@pytest.fixture
def customer_client(client, customer):
    client.force_login(customer)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
