"""Rendering of e-mails: one template prefix gives a subject, a text body and an HTML body.

`<prefix>_subject.txt` (collapsed to one line), `<prefix>_message.txt` and
`<prefix>_message.html` — the naming allauth uses, so its messages and ours render alike.
The shop's layout lives in `notifications/email/base.txt` and `base.html`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse

from sportello.core.seller import seller


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text_body: str
    html_body: str


def absolute_url(path_or_urlname: str, *args: Any, **kwargs: Any) -> str:
    """An absolute link for e-mails, built on SITE_URL (never on the request's Host header).

    Accepts a URL name (reversed with args/kwargs), a path starting with "/", or an
    already absolute http(s) URL, returned unchanged.
    """
    if path_or_urlname.startswith(("http://", "https://")):
        return path_or_urlname
    if path_or_urlname.startswith("/"):
        path = path_or_urlname
    else:
        path = reverse(path_or_urlname, args=args or None, kwargs=kwargs or None)
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def shop_context() -> dict[str, Any]:
    """What the base layout needs: the shop's name, company data, account and privacy links."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        "home_url": absolute_url("pages:home"),
        "account_url": absolute_url("accounts:home"),
        "privacy_url": absolute_url("pages:privacy"),
        "seller": seller(),
        "terms_url": absolute_url("contracts:terms"),
        "support_email": settings.SUPPORT_EMAIL,
        "company": {
            "name": settings.COMPANY_NAME,
            "address": settings.COMPANY_ADDRESS,
            "vat_number": settings.COMPANY_VAT_NUMBER,
            "email": settings.COMPANY_EMAIL,
        },
    }


def _render_plain(template_name: str, context: Mapping[str, Any]) -> str:
    # Plain text must not be HTML-escaped ("L'ordine", "Rossi & figli").
    template = get_template(template_name)
    return template.template.render(Context(dict(context), autoescape=False))  # type: ignore[attr-defined]


def render_email(template: str, context: Mapping[str, Any] | None = None) -> RenderedEmail:
    """Render `template` (a prefix, see the module docstring) with the shop's context.

    The HTML part is optional only for third-party templates (allauth's messages we did not
    rewrite); every message of ours has both parts.
    """
    full_context = {**shop_context(), **(context or {})}
    subject = " ".join(_render_plain(f"{template}_subject.txt", full_context).split())
    text_body = _render_plain(f"{template}_message.txt", full_context).strip() + "\n"
    try:
        html_template = get_template(f"{template}_message.html")
    except TemplateDoesNotExist:
        html_body = ""
    else:
        html_body = html_template.render(full_context).strip()
    return RenderedEmail(subject=subject, text_body=text_body, html_body=html_body)
