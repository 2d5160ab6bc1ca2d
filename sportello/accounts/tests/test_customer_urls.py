"""Every URL of IL MIO ACCOUNT, walked from the URLconf: anonymous visitors are sent to log in,
and a URL naming another customer's quote answers 404.

The table below is checked against the URL patterns of the quotes, accounts and privacy apps
(and the checkout's patterns that take an argument), so a new URL fails here until it is
added, with the arguments that name the other customer's object.
"""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.utils import timezone

from sportello.notifications.models import OutgoingEmail
from sportello.quotes import actions
from sportello.quotes.models import QuoteMessage, QuoteRequest, QuoteStatusChange
from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory
from sportello.uploads.models import Upload

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Namespaces whose every URL belongs to the customer's own area.
ACCOUNT_NAMESPACES = ("quotes", "accounts", "privacy")
# Namespaces of which only the URLs taking an argument (an object of the customer) count here.
NAMESPACES_WITH_OWNED_ARGUMENTS = ("checkout",)
# allauth's pages reached from PROFILO.
ALLAUTH_ACCOUNT_PAGES = ("account_email", "account_change_password")

# name -> (method, how to build the kwargs from the owner's objects, POST data)
URLS = {
    "quotes:list": ("get", None, {}),
    "quotes:request": ("get", None, {}),
    "quotes:detail": ("get", lambda o: {"number": o.quote.number}, {}),
    "quotes:confirmation": ("get", lambda o: {"number": o.quote.number}, {}),
    "quotes:post_message": ("post", lambda o: {"number": o.quote.number}, {"body": "Intruso"}),
    "quotes:message_attachment": (
        "get",
        lambda o: {"number": o.quote.number, "pk": o.message.pk},
        {},
    ),
    "quotes:accept": ("post", lambda o: {"number": o.quote.number}, {"version": "1"}),
    "quotes:decline": ("post", lambda o: {"number": o.quote.number}, {"reason": "Intruso"}),
    "quotes:pdf": ("get", lambda o: {"number": o.quote.number}, {}),
    "quotes:answer_file": (
        "get",
        lambda o: {"number": o.quote.number, "file_id": o.answer_file.pk},
        {},
    ),
    "checkout:start_quote": ("get", lambda o: {"number": o.quote.number}, {}),
    "accounts:home": ("get", None, {}),
    "accounts:profile": ("get", None, {}),
    "accounts:billing": ("get", None, {}),
    "accounts:privacy": ("get", None, {}),
    "privacy:download_data": ("post", None, {}),
    "privacy:delete_account": ("get", None, {}),
    "account_email": ("get", None, {}),
    "account_change_password": ("get", None, {}),
}
URLS_WITH_ARGUMENTS = sorted(name for name, (_m, kwargs, _d) in URLS.items() if kwargs)


def _patterns_in_urlconf() -> set[str]:
    resolver = get_resolver()
    names = set()
    for namespace in ACCOUNT_NAMESPACES + NAMESPACES_WITH_OWNED_ARGUMENTS:
        _prefix, namespace_resolver = resolver.namespace_dict[namespace]
        for pattern in namespace_resolver.url_patterns:
            assert pattern.name, f"unnamed URL in {namespace}: {pattern.pattern}"
            if namespace in ACCOUNT_NAMESPACES or pattern.pattern.converters:
                names.add(f"{namespace}:{pattern.name}")
    return names | set(ALLAUTH_ACCOUNT_PAGES)


class Owned:
    """Another customer's objects: an accepted quote with an uploaded answer and a message."""

    def __init__(self, owner, staff):
        self.answer_file = Upload.objects.create(
            file=SimpleUploadedFile("visura.pdf", PDF_BYTES, content_type="application/pdf"),
            original_name="visura.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            owner=owner,
        )
        self.quote = QuoteRequestFactory(customer=owner)
        line = QuoteLineFactory(
            quote=self.quote,
            answers_display=[
                {"label": "Visura", "value": "visura.pdf", "file_id": self.answer_file.pk}
            ],
        )
        actions.send_prices(
            quote=self.quote,
            actor=staff,
            line_prices={line.pk: (Decimal("100.00"), Decimal("22.00"))},
            valid_until=timezone.localdate() + dt.timedelta(days=30),
        )
        self.message = actions.post_message(
            quote=self.quote,
            author=owner,
            body="Mia domanda",
            attachment=SimpleUploadedFile("doc.pdf", PDF_BYTES, content_type="application/pdf"),
        )
        actions.accept_quote(quote=self.quote, customer=owner, version=1)
        self.quote.refresh_from_db()


@pytest.fixture
def owned(other_customer, staff):
    return Owned(other_customer, staff)


def _request(client, name, owned):
    method, kwargs, data = URLS[name]
    url = reverse(name, kwargs=kwargs(owned) if kwargs else None)
    return url, getattr(client, method)(url, data)


def _snapshot(owned):
    quote = QuoteRequest.objects.get(pk=owned.quote.pk)
    return (
        quote.status,
        quote.decline_reason,
        QuoteMessage.objects.count(),
        QuoteStatusChange.objects.count(),
        OutgoingEmail.objects.count(),
    )


def test_the_table_lists_every_url_of_the_account_area():
    assert set(URLS) == _patterns_in_urlconf()


@pytest.mark.parametrize("name", sorted(URLS))
def test_anonymous_visitors_are_sent_to_log_in(client, owned, name):
    before = _snapshot(owned)
    url, response = _request(client, name, owned)
    assert response.status_code == 302, url
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login"), url
    assert _snapshot(owned) == before


@pytest.mark.parametrize("name", URLS_WITH_ARGUMENTS)
def test_another_customer_gets_404(customer_client, owned, name):
    before = _snapshot(owned)
    url, response = _request(customer_client, name, owned)
    assert response.status_code == 404, url
    assert _snapshot(owned) == before


@pytest.mark.parametrize("name", URLS_WITH_ARGUMENTS)
def test_the_owner_reaches_the_same_url(client, owned, other_customer, name):
    """Proves the arguments above name real objects, so the 404 is the owner check."""
    client.force_login(other_customer)
    url, response = _request(client, name, owned)
    assert response.status_code in (200, 302), url
