"""Passwords are stored with Argon2id at OWASP's cost; hashes stored before with PBKDF2 or with
Django's heavier Argon2 parameters still log in and are re-hashed at that login (the production
hashers, not the tests' fast one)."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

import config.settings as production
from sportello.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_production_hashes_new_passwords_with_argon2id(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS

    assert production.PASSWORD_HASHERS[0] == "sportello.accounts.hashers.OwaspArgon2PasswordHasher"
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$")
    # OWASP's recommended Argon2id cost: 19 MiB of memory, 2 passes, 1 lane.
    assert "$v=19$m=19456,t=2,p=1$" in encoded


def test_a_pbkdf2_password_logs_in_and_is_upgraded_to_argon2id(
    client, login_url, customer, settings
):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    customer.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    customer.save(update_fields=["password"])

    response = client.post(login_url, {"login": customer.email, "password": PASSWORD})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == customer.pk
    customer.refresh_from_db()
    assert customer.password.startswith("argon2$argon2id$")
    assert customer.check_password(PASSWORD)
    assert not customer.check_password("un'altra password")


def test_a_hash_with_djangos_argon2_parameters_logs_in_and_is_upgraded(
    client, login_url, customer, settings
):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    customer.password = Argon2PasswordHasher().encode(PASSWORD, "saltsaltsaltsalt")
    assert "$m=102400,t=2,p=8$" in customer.password
    customer.save(update_fields=["password"])

    response = client.post(login_url, {"login": customer.email, "password": PASSWORD})

    assert response.status_code == 302
    customer.refresh_from_db()
    assert "$m=19456,t=2,p=1$" in customer.password
    assert customer.check_password(PASSWORD)
