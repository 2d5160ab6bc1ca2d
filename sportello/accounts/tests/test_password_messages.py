"""Password validator errors are in Italian (issue 13.6)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from sportello.accounts.tests.conftest import signup_data

pytestmark = pytest.mark.django_db


def messages_for(password: str) -> list[str]:
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    return error.value.messages


def test_too_short_password_is_refused_in_italian():
    assert messages_for("Ab3!xz") == [
        "Questa password è troppo corta: deve contenere almeno 8 caratteri."
    ]


def test_every_validator_message_is_italian():
    assert messages_for("12345") == [
        "Questa password è troppo corta: deve contenere almeno 8 caratteri.",
        "Questa password è troppo comune.",
        "Questa password è interamente numerica.",
    ]


def test_signup_shows_the_italian_length_message_next_to_the_field(client, signup_url):
    response = client.post(signup_url, signup_data(password1="Ab3!xz", password2="Ab3!xz"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Questa password è troppo corta: deve contenere almeno 8 caratteri." in html
    assert "too short" not in html
    assert "This password" not in html


def test_a_weak_password_typed_twice_differently_gets_both_errors_at_once(client, signup_url):
    response = client.post(signup_url, signup_data(password1="password", password2="passw0rd"))

    form = response.context["form"]
    assert form.errors["password1"] == ["Questa password è troppo comune."]
    assert form.errors["password2"] == ["Devi digitare la stessa password."]
