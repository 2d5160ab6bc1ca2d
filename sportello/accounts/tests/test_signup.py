from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sportello.accounts.models import User
from sportello.accounts.tests.conftest import is_logged_in, last_code, signup_data
from sportello.accounts.tests.factories import PASSWORD, UserFactory
from sportello.privacy.models import ConsentEvent, ConsentPurpose, ConsentSource
from sportello.privacy.queries import current_notice

pytestmark = pytest.mark.django_db


def test_signup_page_is_italian_with_privacy_link_and_next_kept(client, signup_url):
    response = client.get(signup_url, {"next": "/carrello/"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Registrati</h1>" in html
    for field_id, label in [
        ("id_first_name", "Nome"),
        ("id_last_name", "Cognome"),
        ("id_email", "E-mail"),
        ("id_password1", "Password"),
        ("id_password2", "Conferma la password"),
    ]:
        assert f'<label for="{field_id}">{label}' in html
    assert f'href="{reverse("pages:privacy")}"' in html
    assert "(versione 1.0)" in html
    assert '<input type="hidden" name="next" value="/carrello/">' in html


def test_signup_sends_a_code_and_the_code_logs_in(client, signup_url, code_url):
    response = client.post(signup_url, signup_data())

    assert response.status_code == 302
    assert response.url == code_url
    assert not is_logged_in(client)
    user = User.objects.get(email="luca.neri@example.com")
    assert (user.first_name, user.last_name) == ("Luca", "Neri")
    assert user.check_password(PASSWORD)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["luca.neri@example.com"]
    assert mail.outbox[0].subject == "[Sportello] Il tuo codice di verifica"

    page = client.get(code_url)
    assert page.status_code == 200
    assert "luca.neri@example.com" in page.content.decode()
    assert '<label for="id_code">' in page.content.decode()

    response = client.post(code_url, {"code": last_code("luca.neri@example.com")})

    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    assert is_logged_in(client)
    assert int(client.session["_auth_user_id"]) == user.pk
    assert EmailAddress.objects.get(user=user).verified is True
    home = client.get(reverse("accounts:home"))
    assert "Luca Neri" in home.content.decode()


def test_next_is_kept_through_signup_and_code(client, signup_url, code_url):
    response = client.post(signup_url, signup_data(next="/carrello/"))
    assert response.status_code == 302
    assert response.url == code_url

    response = client.post(code_url, {"code": last_code("luca.neri@example.com")})

    assert response.status_code == 302
    assert response.url == "/carrello/"
    assert is_logged_in(client)


def test_next_to_another_site_is_ignored(client, signup_url, code_url):
    client.post(signup_url, signup_data(next="https://evil.example.com/"))

    response = client.post(code_url, {"code": last_code("luca.neri@example.com")})

    assert response.url == reverse("accounts:home")


def test_wrong_code_is_refused_next_to_the_field(client, signup_url, code_url):
    client.post(signup_url, signup_data())

    response = client.post(code_url, {"code": "ZZZZZZ"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_code_error"' in html
    assert "Codice errato." in html
    assert not is_logged_in(client)
    assert EmailAddress.objects.get(email="luca.neri@example.com").verified is False

    response = client.post(code_url, {"code": last_code("luca.neri@example.com")})
    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_new_code_asked_too_soon_is_explained_on_the_code_page(
    client, signup_url, code_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(signup_url, signup_data())
    first = last_code("luca.neri@example.com")

    # One new code every few minutes (ACCOUNT_RATE_LIMITS "confirm_email"): asked at once,
    # the code page says so instead of a bare "Troppe richieste" page.
    response = client.post(code_url, {"action": "resend"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "potrai chiederne uno nuovo fra qualche minuto" in html
    assert 'id="id_code"' in html  # the code form is still there
    assert last_code("luca.neri@example.com") == first

    # … and the code already sent still logs in.
    response = client.post(code_url, {"code": first})
    assert response.status_code == 302
    assert is_logged_in(client)


def test_signup_records_both_consents_with_the_notice_version(client, signup_url):
    before = timezone.now()
    client.post(signup_url, signup_data())

    user = User.objects.get(email="luca.neri@example.com")
    events = {event.purpose: event for event in ConsentEvent.objects.filter(user=user)}
    assert set(events) == {ConsentPurpose.PRIVACY_NOTICE, ConsentPurpose.MARKETING}
    for event in events.values():
        assert event.is_granted is True
        assert event.notice == current_notice()
        assert event.notice.version == "1.0"
        assert event.source == ConsentSource.SIGNUP
        assert before <= event.created_at <= timezone.now() + timedelta(seconds=1)


def test_refused_marketing_is_recorded_as_not_granted(client, signup_url):
    client.post(signup_url, signup_data(marketing_consent=None))

    user = User.objects.get(email="luca.neri@example.com")
    marketing = ConsentEvent.objects.get(user=user, purpose=ConsentPurpose.MARKETING)
    assert marketing.is_granted is False
    assert marketing.notice.version == "1.0"
    assert ConsentEvent.objects.get(user=user, purpose=ConsentPurpose.PRIVACY_NOTICE).is_granted


def test_signup_without_privacy_acceptance_is_refused_and_keeps_what_was_typed(client, signup_url):
    response = client.post(signup_url, signup_data(accept_privacy=None, next="/carrello/"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="field-error" id="id_accept_privacy_error">' in html
    assert "Per registrarti devi dichiarare di aver letto l&#x27;informativa." in html
    assert 'aria-describedby="id_accept_privacy_error"' in html
    assert 'value="Luca"' in html
    assert 'value="Neri"' in html
    assert 'value="luca.neri@example.com"' in html
    assert 'name="marketing_consent" id="id_marketing_consent" checked' in html
    assert '<input type="hidden" name="next" value="/carrello/">' in html
    assert not User.objects.exists()
    assert not ConsentEvent.objects.exists()
    assert mail.outbox == []


def test_signup_with_a_taken_address_creates_nothing_and_warns_the_owner(
    client, signup_url, customer
):
    response = client.post(signup_url, signup_data(email=customer.email))

    # Same answer as a new address (no account enumeration), but nothing is created.
    assert response.status_code == 302
    assert User.objects.count() == 1
    assert not ConsentEvent.objects.exists()
    assert [m.subject for m in mail.outbox] == ["[Sportello] Hai già un account"]
    assert mail.outbox[0].to == [customer.email]


def test_unverified_customer_gets_a_code_at_login(client, login_url, code_url):
    user = UserFactory(email="nuovo@example.com", verified=False)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)

    response = client.post(
        login_url, {"login": "nuovo@example.com", "password": PASSWORD, "next": "/carrello/"}
    )

    assert response.status_code == 302
    assert response.url == code_url
    assert not is_logged_in(client)
    response = client.post(code_url, {"code": last_code("nuovo@example.com")})
    assert response.url == "/carrello/"
    assert is_logged_in(client)


def test_logging_in_in_another_browser_right_after_signing_up_says_why_not_yet(
    client, signup_url, django_capture_on_commit_callbacks
):
    """Signed up (code sent), then a login elsewhere within the code's resend limit: the right
    password gets "not verified yet, a code was sent minutes ago", not the lockout message
    of too many failed logins."""
    data = signup_data(email="nuovo@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(signup_url, data)
    client.cookies.clear()  # another browser

    page = client.post(
        reverse("account_login"), {"login": "nuovo@example.com", "password": data["password1"]}
    ).content.decode()

    assert "non è ancora verificato e ti abbiamo inviato un codice da pochi minuti" in page
    assert "Troppi tentativi di accesso" not in page
    # A wrong password still gets the usual answer.
    wrong = client.post(
        reverse("account_login"), {"login": "nuovo@example.com", "password": "sbagliata-123"}
    ).content.decode()
    assert "non sono corretti" in wrong
