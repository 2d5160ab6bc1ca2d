"""allauth's e-mails go through the outbox and arrive, in Italian, at a real SMTP server."""

import re

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core.context import request_context
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from sportello.accounts.models import User
from sportello.accounts.tests.conftest import signup_data
from sportello.accounts.tests.factories import PASSWORD
from sportello.notifications.allauth import OutboxMailMixin
from sportello.notifications.models import EmailStatus, OutgoingEmail

pytestmark = pytest.mark.django_db

SIGNUP_CLOSING = (
    "Se non hai richiesto tu la registrazione o l'accesso a Sportello, ignora questo messaggio."
)
CHANGE_CLOSING = (
    "Hai chiesto di usare questo indirizzo per il tuo account Sportello. Se non sei stato tu, "
    "ignora questo messaggio: senza il codice l'indirizzo non sarà collegato a nessun account."
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_configured_adapter_uses_the_outbox():
    assert isinstance(get_adapter(), OutboxMailMixin)


def test_signup_code_arrives_through_the_outbox_and_verifies_the_address(
    client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            signup_data(marketing_consent=None),
        )
    assert response.status_code == 302

    user = User.objects.get(email="luca.neri@example.com")
    email = OutgoingEmail.objects.get()
    assert email.status == EmailStatus.SENT
    assert email.related == user
    assert email.template == "notifications/email/account/email_verification"
    [received] = smtp_server.messages
    assert received.message["To"] == "luca.neri@example.com"
    assert received.message["Subject"] == "[Sportello] Il tuo codice di verifica"
    assert received.message.get_content_type() == "multipart/alternative"
    assert received.text.startswith("Sportello\n\nGentile Luca,\n")
    code = re.search(r"sul sito:\n\n(\S+)\n", received.text).group(1)
    assert f">{code}</p>" in received.html
    assert "Il codice è valido per 15 minuti." in received.text
    assert "IL MIO ACCOUNT: https://negozio.example.it/il-mio-account/" in received.text
    assert SIGNUP_CLOSING in received.text
    assert CHANGE_CLOSING not in received.text
    assert SIGNUP_CLOSING in received.html

    response = client.post(reverse("account_email_verification_sent"), {"code": code})

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified is True


def test_email_change_code_is_worded_for_the_change_not_for_signup(
    customer_client, customer, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            reverse("account_email"),
            {"email": "mario.nuovo@example.com", "password": PASSWORD, "action_add": ""},
        )
    assert response.status_code == 302

    email = OutgoingEmail.objects.get()
    assert email.template == "notifications/email/account/email_verification"
    assert email.related == customer
    [received] = smtp_server.messages
    assert received.message["To"] == "mario.nuovo@example.com"
    assert re.search(r"sul sito:\n\n(\S+)\n", received.text)
    assert CHANGE_CLOSING in received.text
    assert CHANGE_CLOSING in received.html
    assert "registrazione" not in received.text
    assert "registrazione" not in received.html


def test_non_signup_code_for_a_visitor_logging_in_keeps_the_signup_wording(
    customer, django_capture_on_commit_callbacks
):
    # allauth's non-signup template with nobody logged in: a login, not an e-mail change.
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with request_context(request):
        get_adapter(request).send_mail(
            "account/email/email_confirmation", customer.email, {"user": customer, "code": "Q7XK2M"}
        )

    email = OutgoingEmail.objects.get()
    assert email.template == "notifications/email/account/email_verification"
    assert SIGNUP_CLOSING in email.text_body
    assert CHANGE_CLOSING not in email.text_body


def test_password_reset_link_is_built_on_site_url_and_works(
    client, customer, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": customer.email})
    assert response.status_code == 302

    [received] = smtp_server.messages
    assert received.message["Subject"] == "[Sportello] Reimposta la tua password"
    assert received.text.startswith("Sportello\n\nGentile Mario,\n")
    link = re.search(
        r"(https://negozio\.example\.it(/account/password/reset/key/\S+))\n", received.text
    )
    assert link, received.text
    assert f'href="{link.group(1)}"' in received.html
    assert "testserver" not in received.text

    form = client.get(link.group(2))  # allauth checks the key and moves it into the session
    assert form.status_code == 302
    page = client.get(form.url)
    assert page.status_code == 200
    assert 'name="password1"' in page.content.decode()


def test_reset_for_an_unknown_address_links_to_signup(
    client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "nessuno@example.com"})

    [received] = smtp_server.messages
    assert received.message["Subject"] == "[Sportello] Nessun account con questo indirizzo"
    assert "https://negozio.example.it/account/signup/" in received.text
    assert 'href="https://negozio.example.it/account/signup/"' in received.html


def test_signup_with_a_taken_address_warns_the_owner(
    client, customer, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            signup_data(
                first_name="Mario", last_name="Rossi", email=customer.email, marketing_consent=None
            ),
        )

    [received] = smtp_server.messages
    assert received.message["To"] == customer.email
    assert received.message["Subject"] == "[Sportello] Hai già un account"
    assert "https://negozio.example.it/account/login/from-email/?t=" in received.text
    assert "https://negozio.example.it/account/password/reset/" in received.text


@pytest.mark.parametrize("next_url", ["//evil.example/", "https://evil.example/", ""])
def test_the_taken_address_e_mail_leads_only_to_a_path_of_this_site(
    client, customer, smtp_server, django_capture_on_commit_callbacks, next_url
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            signup_data(
                first_name="Mario",
                last_name="Rossi",
                email=customer.email,
                marketing_consent=None,
                next=next_url,
            ),
        )

    [received] = smtp_server.messages
    assert "https://negozio.example.it/account/login/from-email/?t=" in received.text
    assert "next=" not in received.text
    assert "evil" not in received.text


def test_other_allauth_messages_are_queued_from_allauths_own_templates(
    customer, smtp_server, django_capture_on_commit_callbacks
):
    request = RequestFactory().get("/")
    with request_context(request), django_capture_on_commit_callbacks(execute=True):
        get_adapter(request).send_mail(
            "account/email/login_code", customer.email, {"user": customer, "code": "Q7XK2M"}
        )

    email = OutgoingEmail.objects.get()
    assert email.template == "account/email/login_code"
    assert email.status == EmailStatus.SENT
    assert email.related == customer
    assert email.html_body == ""
    [received] = smtp_server.messages
    assert received.message.get_content_type() == "text/plain"
    assert "Q7XK2M" in received.message.get_content()
