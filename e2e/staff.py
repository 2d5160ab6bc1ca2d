"""Staff sign in to the back-office in the browser: the shop's login, then the app's code."""

from django.core.cache import cache
from playwright.sync_api import expect

from e2e.test_purchase import labelled
from sportello.accounts.tests.mfa import enrol_totp, totp_code


def sign_in_to_back_office(page, user, password: str, path: str = "/admin/") -> None:
    """Open `path` as `user`, enrolling their authenticator app first if they have none."""
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        enrol_totp(user)
    # A code is accepted once: a test that signs in twice in 30 seconds needs a clean slate.
    cache.clear()
    page.goto(path)
    labelled(page, "E-mail").fill(user.email)
    labelled(page, "Password").fill(password)
    page.get_by_role("button", name="Accedi").click()
    expect(page.get_by_role("heading", name="Autenticazione a Due Fattori")).to_be_visible()
    page.locator("input[name=code]").fill(totp_code())
    page.get_by_role("button", name="Accedi").click()
    expect(page.locator("#site-name")).to_be_visible()
