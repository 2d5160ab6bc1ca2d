"""Delivery through a real SMTP server (aiosmtpd on 127.0.0.1), started and stopped here."""

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.urls import reverse

from sportello.notifications import tasks
from sportello.notifications.actions import deliver, queue_email
from sportello.notifications.models import EmailStatus, OutgoingEmail
from sportello.notifications.tests.factories import OutgoingEmailFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("test_email_templates"),
]


def queue_order_summary(to, number, total="1234.56"):
    with transaction.atomic():
        return queue_email(
            to=to,
            template="tests_email/order_summary",
            context={"number": number, "name": "Mario Rossi", "total": Decimal(total)},
        )


def test_what_arrives_headers_both_bodies_and_links(smtp_server):
    email = queue_order_summary("mario.rossi@example.com", "S-2026-000007")

    [received] = smtp_server.messages
    message = received.message
    assert received.mail_from == "noreply@negozio.example.it"
    assert received.rcpt_tos == ["mario.rossi@example.com"]
    assert message["From"] == "Sportello <noreply@negozio.example.it>"
    assert message["To"] == "mario.rossi@example.com"
    assert message["Subject"] == "Riepilogo dell'ordine S-2026-000007"
    assert message["Message-ID"] == OutgoingEmail.objects.get(pk=email.pk).message_id
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]

    assert "Gentile Mario Rossi," in received.text
    assert "totale: 1.234,56\u00a0€" in received.text
    assert "Dettaglio: https://negozio.example.it/il-mio-account/" in received.text
    assert "Informativa privacy: https://negozio.example.it/privacy/" in received.text
    assert "<strong>1.234,56\u00a0€</strong>" in received.html
    assert '<a href="https://negozio.example.it/il-mio-account/">Dettaglio</a>' in received.html
    assert '<a href="https://negozio.example.it/privacy/"' in received.html
    assert "Sportello Servizi S.r.l." in received.html


def test_an_outage_delays_messages_and_each_arrives_exactly_once(smtp_server, settings, client):
    settings.EMAIL_RETRY_BACKOFF_SECONDS = 0  # due again at once, so the retry task picks them up
    smtp_server.stop()

    # The customer does not notice: the page answers as usual while the mail server is down.
    response = client.post(reverse("account_reset_password"), {"email": "sconosciuto@example.com"})
    assert response.status_code == 302
    queue_order_summary("mario.rossi@example.com", "S-1")
    queue_order_summary("giulia.bianchi@example.com", "S-2")

    assert smtp_server.messages == []
    assert (
        list(OutgoingEmail.objects.values_list("status", "attempts"))
        == [(EmailStatus.QUEUED, 1)] * 3
    )
    assert all(
        error.startswith("ConnectionRefusedError")
        for error in OutgoingEmail.objects.values_list("last_error", flat=True)
    )

    smtp_server.start()
    assert tasks.retry_due_emails() == 3
    assert tasks.retry_due_emails() == 0

    received = Counter(message.message["To"] for message in smtp_server.messages)
    assert received == {
        "sconosciuto@example.com": 1,
        "mario.rossi@example.com": 1,
        "giulia.bianchi@example.com": 1,
    }
    assert (
        list(OutgoingEmail.objects.values_list("status", "attempts")) == [(EmailStatus.SENT, 2)] * 3
    )


def test_concurrent_workers_send_a_message_once(smtp_server):
    if connection.vendor == "sqlite":
        pytest.skip(
            "the in-memory SQLite test database answers 'table is locked' instead of waiting; "
            "the race is checked on PostgreSQL"
        )
    email = OutgoingEmailFactory()
    results = []
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        try:
            results.append(deliver(email.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, False, False, True]
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1
