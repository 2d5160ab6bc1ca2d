import re

import pytest
from django.core import mail
from django.urls import reverse

from sportello.accounts.tests.conftest import is_logged_in, last_code, signup_data
from sportello.accounts.tests.factories import PASSWORD
from sportello.cart.models import Cart, CartKind, CartLine
from sportello.cart.session import SESSION_CART_IDS
from sportello.cart.tests.factories import CartFactory, CartLineFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_italian_and_keeps_next(client, login_url):
    response = client.get(login_url, {"next": "/carrello/"})

    html = response.content.decode()
    assert "<h1>Accedi</h1>" in html
    assert '<label for="id_login">E-mail' in html
    assert '<label for="id_password">Password' in html
    assert f'href="{reverse("account_reset_password")}">Password dimenticata?' in html
    assert '<input type="hidden" name="next" value="/carrello/">' in html
    # The link to registration carries the destination along.
    assert f'href="{reverse("account_signup")}?next=%2Fcarrello%2F"' in html


def test_login_goes_to_next(client, login_url, customer):
    response = client.post(
        login_url, {"login": customer.email, "password": PASSWORD, "next": "/carrello/"}
    )

    assert response.status_code == 302
    assert response.url == "/carrello/"
    assert int(client.session["_auth_user_id"]) == customer.pk


def test_login_without_next_goes_to_the_account(client, login_url, customer):
    response = client.post(login_url, {"login": customer.email.upper(), "password": PASSWORD})

    assert response.url == reverse("accounts:home")
    assert is_logged_in(client)


def test_wrong_password_is_refused_in_italian(client, login_url, customer):
    response = client.post(login_url, {"login": customer.email, "password": "sbagliata"})

    assert response.status_code == 200
    assert "L&#x27;indirizzo e-mail e/o la password non sono corretti." in response.content.decode()
    assert 'value="mario.rossi@example.com"' in response.content.decode()
    assert not is_logged_in(client)


def test_sixth_failed_login_in_a_row_is_refused(client, login_url, customer):
    for _attempt in range(5):
        response = client.post(login_url, {"login": customer.email, "password": "sbagliata"})
        assert "non sono corretti" in response.content.decode()

    # Even the right password is refused now: the limit stops guessing, not just failures.
    response = client.post(login_url, {"login": customer.email, "password": PASSWORD})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Troppi tentativi di accesso non riusciti." in html
    assert "riprova più tardi oppure reimposta la password" in html
    assert 'role="alert"' in html
    assert not is_logged_in(client)


def test_failures_below_the_limit_still_let_a_right_password_in(
    client, login_url, customer, other_customer
):
    for _attempt in range(4):
        client.post(login_url, {"login": customer.email, "password": "sbagliata"})

    response = client.post(login_url, {"login": other_customer.email, "password": PASSWORD})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == other_customer.pk


def test_logout_needs_a_post(customer_client, customer):
    page = customer_client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert "Vuoi davvero uscire dal tuo account?" in page.content.decode()
    assert is_logged_in(customer_client)

    response = customer_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response.url == reverse("pages:home")
    assert not is_logged_in(customer_client)
    assert customer_client.get(reverse("accounts:home")).status_code == 302


def _anonymous_cart_with_a_line(client):
    cart = CartFactory(kind=CartKind.PURCHASE, user=None)
    line = CartLineFactory(cart=cart)
    session = client.session
    session[SESSION_CART_IDS] = {CartKind.PURCHASE.value: cart.pk}
    session.save()
    return cart, line


def test_login_merges_the_anonymous_cart(client, login_url, customer):
    anonymous, line = _anonymous_cart_with_a_line(client)

    client.post(login_url, {"login": customer.email, "password": PASSWORD})

    line.refresh_from_db()
    assert line.cart == Cart.objects.get(user=customer, kind=CartKind.PURCHASE)
    assert not Cart.objects.filter(pk=anonymous.pk).exists()


def test_signup_code_login_merges_the_anonymous_cart(client, signup_url, code_url):
    _anonymous, line = _anonymous_cart_with_a_line(client)
    client.post(signup_url, signup_data(next="/carrello/"))

    response = client.post(code_url, {"code": last_code("luca.neri@example.com")})

    assert response.url == "/carrello/"
    line.refresh_from_db()
    assert line.cart.user.email == "luca.neri@example.com"
    assert CartLine.objects.count() == 1


def test_password_reset_by_link(client, customer):
    response = client.post(reverse("account_reset_password"), {"email": customer.email})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert [m.subject for m in mail.outbox] == ["[Sportello] Reimposta la tua password"]
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)

    form_url = client.get(link).url  # allauth moves the key into the session
    page = client.get(form_url)
    assert '<label for="id_password1">Nuova password' in page.content.decode()
    response = client.post(
        form_url, {"password1": "Nuova-Password-2026", "password2": "Nuova-Password-2026"}
    )

    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")
    customer.refresh_from_db()
    assert customer.check_password("Nuova-Password-2026")


def test_password_reset_for_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "nessuno@example.com"})

    assert response.url == reverse("account_reset_password_done")
    assert [m.subject for m in mail.outbox] == ["[Sportello] Nessun account con questo indirizzo"]
