"""Login in the middle of checkout: a visitor logs in or registers and finds the cart intact."""

import re
from urllib.parse import urlencode

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from sportello.accounts.models import User
from sportello.accounts.tests.conftest import last_code, signup_data
from sportello.accounts.tests.factories import PASSWORD
from sportello.accounts.tests.test_signup_enumeration import normalised
from sportello.cart.models import Cart, CartKind, CartLine
from sportello.checkout.tests.conftest import STANDARD, URGENT
from sportello.notifications.emails import LOGIN_FROM_EMAIL_SALT
from sportello.notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db

START = reverse("checkout:start")
BILLING = reverse("checkout:billing")
LOGIN = f"{reverse('checkout:login')}?{urlencode({'next': START})}"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _fill_cart_anonymously(client, service) -> list[int]:
    """Browse → ACQUISTA → form → "Aggiungi al carrello", twice, as a visitor."""
    add_url = reverse("cart:add", kwargs={"slug": service.slug})
    client.post(add_url, URGENT)
    client.post(add_url, STANDARD)
    line_ids = sorted(CartLine.objects.values_list("pk", flat=True))
    assert len(line_ids) == 2
    return line_ids


def _proceed(client):
    cart_page = client.get(reverse("cart:detail"))
    assert f'href="{START}"' in cart_page.text
    return client.get(START, follow=True)


def test_login_in_the_middle_keeps_the_cart(client, customer, appraisal):
    line_ids = _fill_cart_anonymously(client, appraisal)

    login_page = _proceed(client)
    assert login_page.redirect_chain == [(LOGIN, 302)]
    assert '<input type="hidden" name="next" value="/checkout/">' in login_page.text
    logged_in = client.post(
        reverse("account_login"),
        {"login": customer.email, "password": PASSWORD, "next": START},
        follow=True,
    )

    print("CHAIN", logged_in.redirect_chain, logged_in.text.split("<main")[1][:2500])
    assert logged_in.redirect_chain == [(START, 302), (BILLING, 302)]
    assert "Dati di Fatturazione" in logged_in.text
    cart = Cart.objects.get(user=customer, kind=CartKind.PURCHASE)
    assert sorted(cart.lines.values_list("pk", flat=True)) == line_ids
    assert not Cart.objects.filter(user__isnull=True).exists()
    assert 'id="cart-count" aria-label="2 servizi nel carrello">2<' in logged_in.text


def test_login_merges_into_a_cart_the_customer_already_had(client, customer, appraisal):
    earlier = Cart.objects.create(user=customer, kind=CartKind.PURCHASE)
    CartLine.objects.create(cart=earlier, service=appraisal, answers=dict(STANDARD), form_version=1)
    client.post(reverse("cart:add", kwargs={"slug": appraisal.slug}), URGENT)

    _proceed(client)
    client.post(
        reverse("account_login"), {"login": customer.email, "password": PASSWORD, "next": START}
    )

    assert Cart.objects.filter(user=customer).count() == 1
    assert earlier.lines.count() == 2


def test_registration_with_the_e_mail_code_comes_back_to_checkout(
    client, appraisal, django_capture_on_commit_callbacks
):
    line_ids = _fill_cart_anonymously(client, appraisal)
    login_page = _proceed(client)
    signup_url = f"{reverse('checkout:signup')}?{urlencode({'next': START})}"
    assert f'href="{signup_url}"' in login_page.text

    signup_page = client.get(signup_url)
    assert '<input type="hidden" name="next" value="/checkout/">' in signup_page.text
    assert f'action="{reverse("checkout:signup")}"' in signup_page.text
    with django_capture_on_commit_callbacks(execute=True):
        signed_up = client.post(reverse("checkout:signup"), signup_data(next=START))
    code_url = reverse("account_email_verification_sent")
    assert signed_up["Location"] == code_url
    # The code page is still the checkout's "Accesso" step: progress and order summary, also
    # when the code is wrong.
    code_page = client.get(code_url)
    assert "Inserisci il codice di verifica" in code_page.text
    assert 'aria-labelledby="order-summary-title"' in code_page.text
    assert appraisal.name in code_page.text
    assert 'aria-current="step">' in code_page.text
    wrong = client.post(code_url, {"code": "ZZZZZZ"})
    assert wrong.status_code == 200
    assert 'aria-invalid="true"' in wrong.text
    assert 'aria-labelledby="order-summary-title"' in wrong.text

    verified = client.post(code_url, {"code": last_code("luca.neri@example.com")}, follow=True)

    user = User.objects.get(email="luca.neri@example.com")
    assert verified.redirect_chain == [(START, 302), (BILLING, 302)]
    cart = Cart.objects.get(user=user, kind=CartKind.PURCHASE)
    assert sorted(cart.lines.values_list("pk", flat=True)) == line_ids
    # The new customer's name is already in the billing form.
    form = verified.context["form"]
    assert (form.initial["first_name"], form.initial["last_name"]) == ("Luca", "Neri")


def test_the_accesso_step_shows_the_order_summary_even_after_a_wrong_password(
    client, customer, appraisal
):
    _fill_cart_anonymously(client, appraisal)
    login_page = _proceed(client)
    html = login_page.text
    assert 'aria-labelledby="order-summary-title"' in html
    assert appraisal.name in html
    assert 'aria-current="step">' in html and "Accesso" in html

    wrong = client.post(LOGIN, {"login": customer.email, "password": "sbagliata", "next": START})
    assert wrong.status_code == 200
    assert 'aria-labelledby="order-summary-title"' in wrong.text
    assert 'aria-invalid="true"' in wrong.text or "form-errors" in wrong.text
    assert f'value="{customer.email}"' in wrong.text  # nothing typed is lost

    right = client.post(LOGIN, {"login": customer.email, "password": PASSWORD, "next": START})
    assert right["Location"] == START


def test_signing_up_in_the_checkout_keeps_the_progress_and_the_order_summary(client, appraisal):
    _fill_cart_anonymously(client, appraisal)
    signup_url = f"{reverse('checkout:signup')}?{urlencode({'next': START})}"

    page = client.get(signup_url)
    assert 'aria-labelledby="order-summary-title"' in page.text
    assert appraisal.name in page.text
    assert 'aria-current="step">' in page.text and "Accesso" in page.text
    # Back to the login, still inside the checkout.
    assert f'href="{LOGIN}"' in page.text

    data = signup_data(next=START)
    data["password2"] = "non-coincide-affatto-1"
    refused = client.post(reverse("checkout:signup"), data)
    assert refused.status_code == 200
    assert 'aria-labelledby="order-summary-title"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert 'value="luca.neri@example.com"' in refused.text  # nothing typed is lost…
    assert "tranne le password, che per sicurezza vanno inserite di nuovo" in refused.text
    assert not User.objects.filter(email="luca.neri@example.com").exists()


def test_the_checkout_sign_up_sends_a_logged_in_customer_on(client, customer):
    client.force_login(customer)
    response = client.get(f"{reverse('checkout:signup')}?{urlencode({'next': START})}")
    assert response.status_code == 302


def test_the_code_page_of_a_sign_up_outside_the_checkout_is_the_account_s(
    client, appraisal, django_capture_on_commit_callbacks
):
    _fill_cart_anonymously(client, appraisal)  # a cart, but the visitor is not checking out
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data())

    code_page = client.get(reverse("account_email_verification_sent"))
    assert "Inserisci il codice di verifica" in code_page.text
    assert "order-summary-title" not in code_page.text


def test_the_checkout_code_page_is_the_same_for_a_taken_and_a_new_address(
    client, customer, appraisal
):
    """The checkout's sign-up must not tell whether an address has an account (issue 13,
    point 3): the code page that follows is the checkout's for both."""
    pages = {}
    for email in (customer.email, "nuovo@example.com"):
        client.cookies.clear()
        client.post(reverse("cart:add", kwargs={"slug": appraisal.slug}), STANDARD)
        signed_up = client.post(reverse("checkout:signup"), signup_data(email=email, next=START))
        assert signed_up.status_code == 302
        page = client.get(signed_up["Location"])
        assert 'aria-labelledby="order-summary-title"' in page.text
        pages[email] = normalised(page.text, email)
    assert pages[customer.email] == pages["nuovo@example.com"]
    # "Annulla" leads back to the checkout's Accesso step.
    assert f'name="next" value="{LOGIN}"' in pages["nuovo@example.com"]


def test_a_checkout_sign_up_with_a_taken_address_mails_a_login_link_back_to_the_checkout(
    client, customer, appraisal, django_capture_on_commit_callbacks, settings
):
    """The owner of the address, warned by e-mail, opens its login link in the same browser:
    the login page (not the sign-up's code page, no code was sent), then the checkout with the
    cart."""
    _fill_cart_anonymously(client, appraisal)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("checkout:signup"), signup_data(email=customer.email, next=START))

    email = OutgoingEmail.objects.get(to=customer.email)
    [link] = re.findall(r"https?://\S+/account/login/from-email/\S+", email.text_body)
    assert link.startswith(settings.SITE_URL.rstrip("/"))
    login_page = client.get(link.removeprefix(settings.SITE_URL.rstrip("/")), follow=True)
    assert login_page.redirect_chain == [
        (LOGIN.replace(reverse("checkout:login"), reverse("account_login")), 302)
    ]
    assert "Inserisci il codice" not in login_page.text
    logged_in = client.post(
        reverse("account_login"),
        {"login": customer.email, "password": PASSWORD, "next": START},
        follow=True,
    )
    assert logged_in.redirect_chain == [(START, 302), (BILLING, 302)]
    assert Cart.objects.get(user=customer, kind=CartKind.PURCHASE).lines.count() == 2


def test_the_e_mail_s_login_link_sets_aside_only_the_sign_up_of_the_address_it_names(
    client, customer, django_capture_on_commit_callbacks
):
    """A link naming another address (or a forged one) leaves this browser's sign-up alone."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data(email=customer.email))
    code_page = reverse("account_email_verification_sent")
    for token in (signing.dumps("altro@example.com", salt=LOGIN_FROM_EMAIL_SALT), "falso"):
        response = client.get(f"{reverse('account_login_from_email')}?t={token}", follow=True)
        assert response.redirect_chain[-1][0] == code_page
