"""Staff sign in with a second factor, and idle back-office sessions close (issue 13)."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.management import call_command
from django.urls import reverse

from sportello.accounts import backoffice
from sportello.accounts.models import User
from sportello.accounts.tests.conftest import is_logged_in, last_code
from sportello.accounts.tests.factories import PASSWORD, StaffFactory
from sportello.accounts.tests.mfa import TOTP_SECRET, totp_code

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"


def sign_in(client, email, password=PASSWORD, next_url=ADMIN):
    return client.post(
        reverse("account_login"), {"login": email, "password": password, "next": next_url}
    )


def test_the_admin_login_form_is_the_shop_login(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")


def test_a_password_posted_to_the_admin_login_logs_nobody_in(client):
    staff = StaffFactory()

    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not is_logged_in(client)


def test_staff_password_alone_does_not_open_the_back_office(client):
    staff = StaffFactory()

    response = sign_in(client, staff.email)

    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert not is_logged_in(client)
    page = client.get(response.url).content.decode()
    assert "Autenticazione a Due Fattori" in page
    assert client.get(ADMIN).url.startswith(reverse("admin:login"))


def test_staff_with_the_app_code_reach_the_back_office(client):
    staff = StaffFactory()
    sign_in(client, staff.email)

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})

    assert response.status_code == 302
    assert is_logged_in(client)
    assert client.get(response.url, follow=True).request["PATH_INFO"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_wrong_code_is_refused_in_italian(client):
    staff = StaffFactory()
    sign_in(client, staff.email)
    wrong = f"{(int(totp_code()) + 500_000) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert "Codice errato." in response.content.decode()
    assert not is_logged_in(client)


def test_a_recovery_code_replaces_the_app_once(client):
    staff = StaffFactory()
    code = RecoveryCodes.activate(staff).get_unused_codes()[0]
    sign_in(client, staff.email)

    client.post(reverse("mfa_authenticate"), {"code": code})

    assert is_logged_in(client)
    client.logout()
    sign_in(client, staff.email)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert not is_logged_in(client)


def confirm_password(client, password=PASSWORD):
    """allauth asks for the password again before a second factor is added or removed."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()


def activate_the_app(client, password=PASSWORD):
    """Fill allauth's activation page as a staff member with an authenticator app would."""
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302:
        assert response.url.startswith(reverse("account_reauthenticate"))
        confirm_password(client, password)
        response = client.get(reverse("mfa_activate_totp"))
    page = response.content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)
    secret = secret or re.search(r'value="([A-Z2-7]{32})"', page)
    assert secret, page
    return client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret.group(1))})


def test_staff_without_a_second_factor_are_sent_to_set_it_up_in_italian(client):
    staff = StaffFactory(mfa=False)
    client.force_login(staff)

    response = client.get(reverse("admin:orders_order_changelist"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # allauth first asks for the password again (a session alone cannot add a factor).
    page = client.get(response.url, follow=True).content.decode()
    assert "Per usare il back-office serve l&#x27;autenticazione a due fattori" in page
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "Attiva l'applicazione di autenticazione" in page

    activated = activate_the_app(client)

    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get(reverse("admin:orders_order_changelist")).status_code == 200


def test_customers_need_no_second_factor_for_their_account(customer_client):
    assert customer_client.get(reverse("accounts:home")).status_code == 200


def test_staff_cannot_remove_their_authenticator_app(staff_client, staff):
    confirm_password(staff_client)
    response = staff_client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_createsuperuser_then_first_login_enrols_the_app(monkeypatch, client):
    """README's path: createsuperuser, then the first login asks for the e-mail code and the
    authenticator app before the back-office opens."""
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "direzione@sportello.example")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Back-Office-2026!")
    call_command("createsuperuser", interactive=False, verbosity=0)

    response = client.get(ADMIN, follow=True)
    login_url = response.request["PATH_INFO"]
    assert login_url == reverse("account_login")
    next_url = response.context["redirect_field_value"]
    response = sign_in(client, "direzione@sportello.example", "Back-Office-2026!", next_url)
    assert response.url == reverse("account_email_verification_sent")
    response = client.post(response.url, {"code": last_code("direzione@sportello.example")})
    response = client.get(response.url, follow=True)
    assert response.request["PATH_INFO"] == reverse("account_reauthenticate")

    activate_the_app(client, "Back-Office-2026!")

    assert client.get(ADMIN).status_code == 200
    assert User.objects.get().is_superuser


class Clock:
    def __init__(self, start: float) -> None:
        self.moment = start

    def __call__(self) -> float:
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    fixed = Clock(1_780_000_000.0)
    monkeypatch.setattr(backoffice, "now", fixed)
    return fixed


def test_an_idle_back_office_session_closes(staff_client, clock, settings):
    settings.BACKOFFICE_IDLE_TIMEOUT_SECONDS = 1800
    assert staff_client.get(ADMIN).status_code == 200
    clock.moment += 1799
    assert staff_client.get(ADMIN).status_code == 200
    clock.moment += 1799  # counted from the last request, not from the login
    assert staff_client.get(ADMIN).status_code == 200

    clock.moment += 1801
    response = staff_client.get(reverse("admin:orders_order_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not is_logged_in(staff_client)
    page = staff_client.get(response.url).content.decode()
    assert "La sessione del back-office è scaduta per inattività" in page


def test_customer_sessions_do_not_close_after_the_back_office_timeout(
    customer_client, clock, settings
):
    settings.BACKOFFICE_IDLE_TIMEOUT_SECONDS = 1800
    customer_client.get(reverse("accounts:home"))
    clock.moment += 4 * 3600

    assert customer_client.get(reverse("accounts:home")).status_code == 200


def test_the_secret_of_the_fixture_is_a_valid_base32_secret():
    assert len(TOTP_SECRET) == 32
    assert re.fullmatch(r"\d{6}", totp_code())


def test_administrators_see_second_factors_in_italian_and_can_remove_a_lost_one(
    staff_client, staff
):
    lost = StaffFactory(email="telefono.perso@sportello.example")
    index = staff_client.get(reverse("admin:index")).content.decode()
    assert "Autenticatori (accesso in due passaggi)" in index
    assert "Authenticator" not in index

    listing = staff_client.get(reverse("admin:accounts_staffauthenticator_changelist"))
    html = listing.content.decode()
    assert "App di autenticazione" in html
    assert "telefono.perso@sportello.example" in html
    assert "Authenticator" not in html

    app = Authenticator.objects.get(user=lost, type=Authenticator.Type.TOTP)
    response = staff_client.post(
        reverse("admin:accounts_staffauthenticator_delete", args=[app.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=app.pk).exists()
