"""Resending from the outbox back-office writes the e-mail's admin history ("Storico")."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from sportello.notifications.models import EmailStatus
from sportello.notifications.tests.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db


def history(client, email) -> list[tuple]:
    """(user, message) of each row of the e-mail's admin history page, oldest first."""
    response = client.get(reverse("admin:notifications_outgoingemail_history", args=[email.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    rows = [(entry.user, entry.get_change_message()) for entry in response.context["action_list"]]
    for user, message in rows:
        assert escape(user.get_username()) in html
        assert escape(message) in html
    return rows


def test_resend_is_in_the_history_of_the_requeued_email_only(staff_client, staff):
    failed = OutgoingEmailFactory(status=EmailStatus.FAILED, attempts=3, last_error="boom")
    sent = OutgoingEmailFactory(status=EmailStatus.SENT, attempts=1)
    assert history(staff_client, failed) == []
    staff_client.post(
        reverse("admin:notifications_outgoingemail_changelist"),
        {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
    )
    failed.refresh_from_db()
    assert failed.status == EmailStatus.QUEUED
    assert history(staff_client, failed) == [(staff, "Reinvio richiesto")]
    assert history(staff_client, sent) == []
