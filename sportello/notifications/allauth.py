"""Route django-allauth's e-mails through the outbox.

Mix OutboxMailMixin in front of DefaultAccountAdapter. The messages our configuration can
trigger have Italian templates in the shop's layout (emails.py); any other allauth message
is rendered from allauth's own templates and queued the same way, never sent directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from allauth.account.utils import get_next_redirect_url
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from sportello.notifications import emails
from sportello.notifications.actions import queue_email
from sportello.notifications.rendering import absolute_url


def _verification(to: str, context: dict[str, Any], *, is_email_change: bool = False) -> None:
    emails.send_email_verification(
        to=to,
        user=context.get("user"),
        code=context.get("code", ""),
        activate_url=context.get("activate_url", ""),
        is_email_change=is_email_change,
    )


def _verification_not_at_signup(to: str, context: dict[str, Any]) -> None:
    # allauth picks the non-signup template for a user who has logged in before. Logged in
    # right now, they can only be confirming the new address of an e-mail change (PROFILO).
    request = allauth_context.request
    user = getattr(request, "user", None)
    _verification(to, context, is_email_change=bool(user and user.is_authenticated))


def _password_reset(to: str, context: dict[str, Any]) -> None:
    emails.send_password_reset(
        to=to, user=context.get("user"), reset_url=context["password_reset_url"]
    )


def _unknown_account(to: str, context: dict[str, Any]) -> None:
    emails.send_unknown_account(to=to)


def _account_already_exists(to: str, context: dict[str, Any]) -> None:
    # A sign-up made on the way to a page (the checkout's "Accesso" step sends `next`): the
    # e-mail's login link leads back there. Only a path of this site; the link is on SITE_URL.
    request = allauth_context.request
    next_path = get_next_redirect_url(request) if request is not None else None
    if not next_path or not next_path.startswith("/") or next_path.startswith("//"):
        next_path = None
    emails.send_account_already_exists(to=to, next_path=next_path)


ACCOUNT_MESSAGES: dict[str, Callable[[str, dict[str, Any]], None]] = {
    "account/email/email_confirmation_signup": _verification,
    "account/email/email_confirmation": _verification_not_at_signup,
    "account/email/password_reset_key": _password_reset,
    "account/email/unknown_account": _unknown_account,
    "account/email/account_already_exists": _account_already_exists,
}


class OutboxMailMixin:
    """Put first in the adapter's bases: `class AccountAdapter(OutboxMailMixin, Default…)`."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        message = ACCOUNT_MESSAGES.get(template_prefix)
        if message is not None:
            message(email, context)
            return
        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            # allauth sends some notices (e.g. "authenticator app added") after commit, outside
            # its request context.
            "current_site": get_current_site(request) if request is not None else None,
            **context,
        }
        queue_email(
            to=email, template=template_prefix, context=full_context, related=context.get("user")
        )

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        # The account's owner for the greeting ("Gentile Luca", staff too, not "cliente") and
        # for the outbox row's link to them.
        super().send_notification_mail(  # type: ignore[misc]
            template_prefix, user, {"user": user, **(context or {})}, email
        )

    def get_reset_password_from_key_url(self, key: str) -> str:
        # Links in e-mails come from SITE_URL, never from the request's Host header.
        url = super().get_reset_password_from_key_url(key)  # type: ignore[misc]
        parts = urlsplit(url)
        return absolute_url(urlunsplit(("", "", parts.path, parts.query, parts.fragment)))
