"""Sign-up answers the same for a taken and a new address (issue 13, point 3)."""

import re

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail

from sportello.accounts.models import User
from sportello.accounts.tests.conftest import is_logged_in, last_code, signup_data
from sportello.privacy.models import ConsentEvent, ConsentPurpose

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    """Counts the passwords hashed: the work a sign-up does, without timing anything."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


HASHER = f"{__name__}.CountingHasher"


def normalised(html: str, email: str) -> str:
    """The page with the typed address and the per-request tokens taken out."""
    html = html.replace(email, "ADDRESS")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", html)
    return re.sub(r'nonce="[^"]+"', "NONCE", html)


def sign_up_and_open_code_page(client, signup_url, email):
    response = client.post(signup_url, signup_data(email=email))
    page = client.get(response.url)
    return response, page


@pytest.fixture
def taken(customer):
    return customer.email


def test_code_page_is_the_same_for_a_taken_and_a_new_address(
    client, signup_url, taken, django_user_model
):
    taken_response, taken_page = sign_up_and_open_code_page(client, signup_url, taken)
    client.cookies.clear()
    new_response, new_page = sign_up_and_open_code_page(client, signup_url, "nuovo@example.com")

    assert (taken_response.status_code, taken_response.url) == (
        new_response.status_code,
        new_response.url,
    )
    assert taken_page.status_code == new_page.status_code == 200
    assert "Hai sbagliato indirizzo?" in taken_page.content.decode()
    assert normalised(taken_page.content.decode(), taken) == normalised(
        new_page.content.decode(), "nuovo@example.com"
    )


def test_the_password_is_hashed_once_on_both_paths(settings, client, signup_url, taken):
    settings.PASSWORD_HASHERS = [HASHER]
    CountingHasher.calls = 0
    client.post(signup_url, signup_data(email="nuovo@example.com"))
    new_address_work = CountingHasher.calls

    client.cookies.clear()
    CountingHasher.calls = 0
    client.post(signup_url, signup_data(email=taken))
    taken_address_work = CountingHasher.calls

    assert new_address_work == taken_address_work == 1


def test_correcting_a_taken_address_creates_the_account_at_the_new_one(
    client, signup_url, code_url, taken, customer
):
    client.post(signup_url, signup_data(email=taken))
    assert [m.subject for m in mail.outbox] == ["[Sportello] Hai già un account"]
    assert User.objects.count() == 1

    response = client.post(code_url, {"action": "change", "email": "luca.neri@example.com"})

    assert response.status_code == 302
    user = User.objects.get(email="luca.neri@example.com")
    assert (user.first_name, user.last_name) == ("Luca", "Neri")
    assert user.check_password(signup_data()["password1"])
    consents = {e.purpose: e.is_granted for e in ConsentEvent.objects.filter(user=user)}
    assert consents == {ConsentPurpose.PRIVACY_NOTICE: True, ConsentPurpose.MARKETING: True}
    assert mail.outbox[-1].to == ["luca.neri@example.com"]
    assert mail.outbox[-1].subject == "[Sportello] Il tuo codice di verifica"
    assert "luca.neri@example.com" in client.get(code_url).content.decode()

    response = client.post(code_url, {"code": last_code("luca.neri@example.com")})

    assert response.status_code == 302
    assert is_logged_in(client)
    assert int(client.session["_auth_user_id"]) == user.pk
    customer.refresh_from_db()
    assert customer.email == taken


def test_correcting_a_new_address_to_a_taken_one_creates_nothing_more(
    client, signup_url, code_url, taken
):
    client.post(signup_url, signup_data(email="luca.neri@example.com"))
    mail.outbox.clear()

    client.post(code_url, {"action": "change", "email": taken})

    assert [m.subject for m in mail.outbox] == ["[Sportello] Hai già un account"]
    assert mail.outbox[0].to == [taken]
    assert User.objects.filter(email=taken).count() == 1
    assert User.objects.count() == 2
