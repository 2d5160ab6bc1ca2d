"""Account messages (sent on allauth's behalf, see allauth.py): one function per message.

Every app keeps its messages in its own emails.py the same way: a short function with
keyword-only arguments that picks a template prefix, builds ready values (absolute links
with absolute_url, amounts left as Decimal for the |euro filter) and calls queue_email.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account import app_settings as allauth_settings
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core import signing

from sportello.notifications.actions import queue_email
from sportello.notifications.models import OutgoingEmail
from sportello.notifications.rendering import absolute_url

ACCOUNT_TEMPLATES = "notifications/email/account"
# Signs the address in the login link of "Hai già un account" (read by accounts.views).
LOGIN_FROM_EMAIL_SALT = "sportello.accounts.login-from-email"


def _first_name(user) -> str:
    return (getattr(user, "first_name", "") or "").strip()


def _account_context(to: str, **values) -> dict:
    """Account messages keep allauth's subject prefix (ACCOUNT_EMAIL_SUBJECT_PREFIX)."""
    prefix = allauth_settings.EMAIL_SUBJECT_PREFIX
    if prefix is None:
        prefix = f"[{settings.SITE_NAME}] "
    return {"subject_prefix": prefix, "email": to, **values}


def send_email_verification(
    *, to: str, user=None, code: str = "", activate_url: str = "", is_email_change: bool = False
) -> OutgoingEmail:
    """The code (or, with code verification off, the link) that confirms an address: at
    signup or login, or (`is_email_change`) the new address of a logged-in customer."""
    return queue_email(
        to=to,
        template=f"{ACCOUNT_TEMPLATES}/email_verification",
        context=_account_context(
            to,
            name=_first_name(user),
            code=code,
            activate_url=activate_url,
            valid_minutes=allauth_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT // 60,
            is_email_change=is_email_change,
        ),
        related=user,
    )


def send_password_reset(*, to: str, reset_url: str, user=None) -> OutgoingEmail:
    return queue_email(
        to=to,
        template=f"{ACCOUNT_TEMPLATES}/password_reset",
        context=_account_context(to, name=_first_name(user), reset_url=reset_url),
        related=user,
    )


def send_unknown_account(*, to: str) -> OutgoingEmail:
    """A password reset was asked for an address without an account (anti-enumeration)."""
    return queue_email(
        to=to,
        template=f"{ACCOUNT_TEMPLATES}/unknown_account",
        context=_account_context(to, signup_url=absolute_url("account_signup")),
    )


def send_account_already_exists(*, to: str, next_path: str | None = None) -> OutgoingEmail:
    """Someone signed up with an address that already has an account (anti-enumeration).

    The login link goes through `account_login_from_email`: in the browser that signed up, the
    pending sign-up (its code page, which would come first) is set aside for the address the
    link names. `next_path`: where the sign-up was going (e.g. the checkout); the login follows.
    """
    query = {"t": signing.dumps(to, salt=LOGIN_FROM_EMAIL_SALT, compress=True)}
    if next_path:
        query[REDIRECT_FIELD_NAME] = next_path
    login_url = f"{absolute_url('account_login_from_email')}?{urlencode(query)}"
    return queue_email(
        to=to,
        template=f"{ACCOUNT_TEMPLATES}/account_already_exists",
        context=_account_context(
            to,
            login_url=login_url,
            password_reset_url=absolute_url("account_reset_password"),
        ),
    )
