import html

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from sportello.accounts.models import User
from sportello.accounts.tests.conftest import CommittingClient, is_logged_in, last_code
from sportello.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OLD = "mario.rossi@example.com"
NEW = "mario.nuovo@example.com"


@pytest.fixture
def email_url():
    return reverse("account_email")


def _addresses():
    return sorted(EmailAddress.objects.values_list("user__email", "email", "primary", "verified"))


def _can_log_in(email, django_capture_on_commit_callbacks) -> bool:
    fresh = CommittingClient()
    fresh.capture_on_commit = staticmethod(django_capture_on_commit_callbacks)
    fresh.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    return is_logged_in(fresh)


def _ask_change(client, email_url, *, email=NEW, password=PASSWORD):
    return client.post(email_url, {"email": email, "password": password, "action_add": ""})


def test_profile_links_to_email_and_password_change(customer_client):
    html = customer_client.get(reverse("accounts:profile")).content.decode()

    assert f'href="{reverse("account_email")}">Cambia e-mail</a>' in html
    assert f'href="{reverse("account_change_password")}">Cambia password</a>' in html


def test_change_page_asks_new_address_and_password_in_italian(customer_client, email_url):
    html = customer_client.get(email_url).content.decode()

    assert "<h1>Cambia e-mail</h1>" in html
    assert f"L'indirizzo attuale è <strong>{OLD}</strong>" in html
    assert '<label for="id_email">Nuovo indirizzo e-mail' in html
    assert '<label for="id_password">Password attuale' in html
    assert 'name="action_add"' in html


def test_wrong_password_is_refused_and_nothing_is_sent(customer_client, customer, email_url):
    before = _addresses()

    response = _ask_change(customer_client, email_url, password="sbagliata")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_password_error"' in html
    assert "La password non è corretta." in html
    assert f'value="{NEW}"' in html  # what the customer typed is kept
    assert mail.outbox == []
    assert _addresses() == before
    customer.refresh_from_db()
    assert customer.email == OLD


def test_same_address_is_refused(customer_client, email_url):
    response = _ask_change(customer_client, email_url, email=OLD)

    assert response.status_code == 200
    assert "Questo è già l&#x27;indirizzo e-mail del tuo account." in response.content.decode()
    assert mail.outbox == []


def test_whole_change_needs_password_and_code(
    customer_client, customer, email_url, django_capture_on_commit_callbacks
):
    response = _ask_change(customer_client, email_url)

    code_url = reverse("account_email_verification_sent")
    assert response.status_code == 302
    assert response.url == code_url
    assert [m.to for m in mail.outbox] == [[NEW]]
    # Until the code is typed, the old address is the account's, for login too.
    customer.refresh_from_db()
    assert customer.email == OLD
    assert _addresses() == [(OLD, OLD, True, True)]
    assert _can_log_in(OLD, django_capture_on_commit_callbacks)
    assert not _can_log_in(NEW, django_capture_on_commit_callbacks)

    page = customer_client.get(code_url).content.decode()
    assert f"Abbiamo inviato un codice a <strong>{NEW}</strong>" in page
    # Leaving the code page and coming back, the pending change is pointed out.
    change_page = customer_client.get(email_url).content.decode()
    assert f"Hai chiesto di passare a <strong>{NEW}</strong>" in change_page
    assert f'<a href="{code_url}">inserisci il codice</a>' in change_page

    wrong = customer_client.post(code_url, {"code": "NOPE00"})

    assert wrong.status_code == 200
    assert 'id="id_code_error"' in wrong.content.decode()
    customer.refresh_from_db()
    assert customer.email == OLD

    done = customer_client.post(code_url, {"code": last_code(NEW)})

    assert done.status_code == 302
    assert done.url == reverse("accounts:profile")
    customer.refresh_from_db()
    assert customer.email == NEW
    assert _addresses() == [(NEW, NEW, True, True)]
    assert is_logged_in(customer_client)
    # The old address is told, with both addresses, in Italian.
    notice = mail.outbox[-1]
    assert notice.to == [OLD]
    assert notice.subject == "[Sportello] Il tuo indirizzo e-mail è cambiato"
    assert f"è stato cambiato da {OLD} a {NEW}" in notice.body
    assert _can_log_in(NEW, django_capture_on_commit_callbacks)
    assert not _can_log_in(OLD, django_capture_on_commit_callbacks)


def test_address_of_another_account_is_refused_without_saying_so_upfront(
    customer_client, customer, other_customer, email_url
):
    other_email = other_customer.email

    response = _ask_change(customer_client, email_url, email=other_email)

    # The answer is the same as for a free address: no hint that the address is taken.
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    # Only whoever reads that mailbox gets the code, and even then the change is refused.
    done = customer_client.post(
        reverse("account_email_verification_sent"), {"code": last_code(other_email)}
    )

    assert done.status_code == 200
    assert (
        '<p class="field-error" id="id_code_error">'
        "Questo indirizzo e-mail è già usato da un altro account.</p>"
    ) in done.content.decode()
    customer.refresh_from_db()
    other_customer.refresh_from_db()
    assert (customer.email, other_customer.email) == (OLD, other_email)
    assert _addresses() == sorted([(OLD, OLD, True, True), (other_email, other_email, True, True)])
    assert all(m.to != [OLD] for m in mail.outbox)  # no "your address changed" notice


def test_anonymous_visitor_cannot_change_an_address(client, customer, email_url):
    response = client.post(email_url, {"email": NEW, "password": PASSWORD, "action_add": ""})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert mail.outbox == []
    assert User.objects.get(pk=customer.pk).email == OLD


def test_password_change_ends_the_other_sessions_and_keeps_this_one(
    customer, django_capture_on_commit_callbacks
):
    def logged_in_client():
        client = CommittingClient()
        client.capture_on_commit = staticmethod(django_capture_on_commit_callbacks)
        client.post(reverse("account_login"), {"login": OLD, "password": PASSWORD})
        assert is_logged_in(client)
        return client

    here, elsewhere = logged_in_client(), logged_in_client()
    new_password = "Nuova-Password-2027!"

    response = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    page = here.get(response.url)  # this session stays logged in
    assert page.status_code == 200
    assert (
        "Password cambiata. Le altre sessioni aperte con il tuo account sono state chiuse."
        in page.content.decode()
    )
    gone = elsewhere.get(reverse("accounts:home"))
    assert gone.status_code == 302
    assert gone.url.startswith(reverse("account_login"))
    assert not is_logged_in(elsewhere)
    customer.refresh_from_db()
    assert customer.check_password(new_password)
    notice = mail.outbox[-1]
    assert (notice.to, notice.subject) == ([OLD], "[Sportello] La tua password è stata cambiata")
    assert "le altre sessioni aperte sono state chiuse" in notice.body
    # Greeted by name (staff get these notices too: never "Gentile cliente").
    assert customer.first_name
    assert f"\n\nGentile {customer.first_name},\n" in notice.body
    # One help address, the footer's, in the text and the HTML alike.
    from django.conf import settings
    from django.utils.html import strip_tags

    html_part = notice.alternatives[0][0]
    for part in (notice.body, html.unescape(strip_tags(html_part))):
        assert f"e scrivi all'indirizzo {settings.SUPPORT_EMAIL}." in part


def test_password_change_with_wrong_current_password_changes_nothing(customer_client, customer):
    response = customer_client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "sbagliata",
            "password1": "Altra-Pass-2027!",
            "password2": "Altra-Pass-2027!",
        },
    )

    assert response.status_code == 200
    assert 'id="id_oldpassword_error"' in response.content.decode()
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)
    assert mail.outbox == []


@pytest.mark.parametrize("url_name", ["account_email", "account_change_password"])
def test_profile_security_pages_refuse_anonymous_visitors(client, url_name):
    url = reverse(url_name)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


def test_too_many_wrong_codes_cancel_the_change(customer_client, customer, email_url):
    _ask_change(customer_client, email_url)
    code_url = reverse("account_email_verification_sent")

    for _attempt in range(2):
        assert customer_client.post(code_url, {"code": "NOPE00"}).status_code == 200
    last = customer_client.post(code_url, {"code": "NOPE00"}, follow=True)

    html = last.content.decode()
    assert "il cambio dell&#x27;indirizzo e-mail è stato annullato" in html
    assert "accesso è sospeso" not in html
    assert is_logged_in(customer_client)
    # The code is gone: even the right one no longer works.
    late = customer_client.post(code_url, {"code": last_code(NEW)})
    assert late.status_code == 302
    assert late.url == email_url
    customer.refresh_from_db()
    assert customer.email == OLD
    assert _addresses() == [(OLD, OLD, True, True)]
