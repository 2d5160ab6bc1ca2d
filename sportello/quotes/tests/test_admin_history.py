"""Every button of the quote back-office also writes the quote's admin history ("Storico")."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from sportello.core.money import format_euro
from sportello.quotes.models import QuoteStatus

pytestmark = pytest.mark.django_db


def url(name, quote):
    return reverse(f"admin:quotes_quoterequest_{name}", args=[quote.pk])


def history(client, quote) -> list[tuple]:
    """(user, message) of each row of the quote's admin history page, oldest first."""
    response = client.get(url("history", quote))
    assert response.status_code == 200
    html = response.content.decode()
    rows = [(entry.user, entry.get_change_message()) for entry in response.context["action_list"]]
    for user, message in rows:
        assert escape(user.get_username()) in html
        assert escape(message) in html
    return rows


def pricing_data(quote, net="100,00"):
    first, second = quote.lines.order_by("position")
    return {
        f"net_{first.pk}": net,
        f"vat_{first.pk}": "22",
        f"net_{second.pk}": "50,00",
        f"vat_{second.pk}": "22",
        "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "notes_for_customer": "",
    }


def test_pricing_versions_are_in_the_history(staff_client, staff, quote):
    assert history(staff_client, quote) == []
    staff_client.post(url("pricing", quote), pricing_data(quote))
    staff_client.post(url("pricing", quote), pricing_data(quote, net="200,00"))
    quote.refresh_from_db()
    assert quote.current_version == 2
    assert history(staff_client, quote) == [
        (staff, f"Preventivo inviato (versione 1): totale {format_euro(Decimal('183.00'))}"),
        (staff, f"Preventivo inviato (versione 2): totale {format_euro(Decimal('305.00'))}"),
    ]


def test_invalid_pricing_writes_nothing(staff_client, quote):
    response = staff_client.post(url("pricing", quote), pricing_data(quote, net="abc"))
    assert response.status_code == 200
    assert history(staff_client, quote) == []


def test_start_message_details_and_cancel_are_in_the_history(staff_client, staff, quote):
    staff_client.post(url("start", quote))
    staff_client.post(url("message", quote), {"body": "Ecco la planimetria."})
    staff_client.post(url("message", quote), {"body": "Serve la visura.", "ask_for_details": "on"})
    staff_client.post(url("cancel", quote), {"reason": "Zona non servita."})
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.CANCELLED
    assert history(staff_client, quote) == [
        (staff, "Richiesta presa in carico"),
        (staff, "Messaggio inviato al cliente"),
        (staff, "Chiesti dettagli al cliente"),
        (staff, "Richiesta annullata (motivo: Zona non servita.)"),
    ]
    # Refused on a cancelled request: nothing more is written.
    staff_client.post(url("start", quote))
    staff_client.post(url("cancel", quote), {"reason": ""})
    assert LogEntry.objects.count() == 4
