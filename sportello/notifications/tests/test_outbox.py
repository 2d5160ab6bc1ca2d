from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import transaction
from django.utils import timezone

from sportello.notifications import queries
from sportello.notifications.actions import (
    deliver,
    queue_email,
    reclaim_stuck_emails,
    requeue,
    retry_delay,
)
from sportello.notifications.models import EmailStatus, OutgoingEmail
from sportello.notifications.tests.factories import OutgoingEmailFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_email_templates")]

ORDER_CONTEXT = {"number": "S-1", "name": "Mario", "total": Decimal("122.00")}


def history(email):
    return list(email.status_changes.values_list("from_status", "to_status"))


def queue_order_summary(**kwargs):
    kwargs.setdefault("to", "mario.rossi@example.com")
    return queue_email(template="tests_email/order_summary", context=ORDER_CONTEXT, **kwargs)


def test_queue_email_writes_the_row_and_sends_only_after_commit(
    customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        email = queue_order_summary(related=customer)

    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert email.to == "mario.rossi@example.com"
    assert email.from_email == "Sportello <noreply@negozio.example.it>"
    assert email.subject == "Riepilogo dell'ordine S-1"
    assert "totale: 122,00\u00a0€" in email.text_body
    assert "<strong>122,00\u00a0€</strong>" in email.html_body
    assert email.template == "tests_email/order_summary"
    assert email.message_id.endswith("@negozio.example.it>")
    assert email.related == customer
    assert email.related_content_type == ContentType.objects.get_for_model(customer)
    assert email.attempts == 0
    assert history(email) == [("", EmailStatus.QUEUED)]
    assert len(callbacks) == 1
    assert mail.outbox == []

    callbacks[0]()

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert email.last_error == ""
    assert history(email) == [
        ("", EmailStatus.QUEUED),
        (EmailStatus.QUEUED, EmailStatus.SENDING),
        (EmailStatus.SENDING, EmailStatus.SENT),
    ]
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["mario.rossi@example.com"]
    assert sent.subject == "Riepilogo dell'ordine S-1"
    assert sent.extra_headers["Message-ID"] == email.message_id
    assert sent.alternatives[0][1] == "text/html"


def test_several_recipients(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_order_summary(to=["a@example.com", " b@example.com "])

    email.refresh_from_db()
    assert email.to == "a@example.com, b@example.com"
    assert email.recipient_list == ["a@example.com", "b@example.com"]
    assert mail.outbox[0].to == ["a@example.com", "b@example.com"]


@pytest.mark.parametrize("to", ["", [], "non-un-indirizzo", ["a@example.com", "Mario <m@x.it>"]])
def test_invalid_recipients_are_refused_and_nothing_is_written(to):
    with pytest.raises(ValueError):
        queue_order_summary(to=to)
    assert OutgoingEmail.objects.count() == 0


def test_a_key_makes_queueing_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = queue_order_summary(key="order-confirmation:1")
        second = queue_order_summary(key="order-confirmation:1")

    assert second.pk == first.pk
    assert OutgoingEmail.objects.count() == 1
    assert len(callbacks) == 1


def test_different_keys_queue_different_messages(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_order_summary(key="order-confirmation:1")
        queue_order_summary(key="order-confirmation:2")

    assert OutgoingEmail.objects.count() == 2
    assert len(mail.outbox) == 2


def test_deliver_skips_a_row_claimed_by_another_worker():
    email = OutgoingEmailFactory(status=EmailStatus.SENDING, attempts=1, claimed_at=timezone.now())

    assert deliver(email.pk) is False

    email.refresh_from_db()
    assert email.status == EmailStatus.SENDING
    assert email.attempts == 1
    assert mail.outbox == []


def test_a_second_delivery_of_the_same_row_sends_nothing():
    email = OutgoingEmailFactory()

    assert deliver(email.pk) is True
    assert deliver(email.pk) is False

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1
    assert len(mail.outbox) == 1


def test_deliver_waits_until_the_next_attempt_is_due():
    now = timezone.now()
    email = OutgoingEmailFactory(next_attempt_at=now + timedelta(seconds=30))

    assert deliver(email.pk, now=now) is False
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert email.attempts == 0
    assert mail.outbox == []

    assert deliver(email.pk, now=now + timedelta(seconds=30)) is True


def test_retry_delay_doubles_and_is_capped():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(seconds=60),
        timedelta(seconds=120),
        timedelta(seconds=240),
        timedelta(seconds=480),
    ]
    assert retry_delay(9) == timedelta(seconds=15360)
    assert retry_delay(10) == timedelta(hours=6)
    assert retry_delay(30) == timedelta(hours=6)


def test_a_failed_attempt_is_retried_later_with_backoff(smtp_server):
    smtp_server.stop()
    now = timezone.now()
    email = OutgoingEmailFactory(next_attempt_at=now)

    assert deliver(email.pk, now=now) is False

    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert email.attempts == 1
    assert email.last_error.startswith("ConnectionRefusedError")
    assert email.next_attempt_at == now + timedelta(seconds=60)
    assert email.claimed_at is None
    assert queries.due_email_ids(now=now + timedelta(seconds=59)) == []
    assert queries.due_email_ids(now=now + timedelta(seconds=60)) == [email.pk]

    smtp_server.start()
    assert deliver(email.pk, now=now + timedelta(seconds=60)) is True
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 2
    assert len(smtp_server.messages) == 1


def test_after_max_attempts_the_message_is_failed_for_good(smtp_server, staff):
    smtp_server.stop()
    start = timezone.now()
    email = OutgoingEmailFactory(next_attempt_at=start)

    for offset in (0, 60, 180):  # attempts 1, 2, 3 (EMAIL_MAX_ATTEMPTS = 3 in these tests)
        assert deliver(email.pk, now=start + timedelta(seconds=offset)) is False

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.attempts == 3
    assert email.last_error.startswith("ConnectionRefusedError")
    assert deliver(email.pk, now=start + timedelta(days=1)) is False
    assert queries.due_email_ids(now=start + timedelta(days=1)) == []
    assert history(email) == [
        (EmailStatus.QUEUED, EmailStatus.SENDING),
        (EmailStatus.SENDING, EmailStatus.QUEUED),
        (EmailStatus.QUEUED, EmailStatus.SENDING),
        (EmailStatus.SENDING, EmailStatus.QUEUED),
        (EmailStatus.QUEUED, EmailStatus.SENDING),
        (EmailStatus.SENDING, EmailStatus.FAILED),
    ]


def test_staff_requeue_a_failed_message_and_it_is_delivered(
    smtp_server, staff, django_capture_on_commit_callbacks
):
    email = OutgoingEmailFactory(status=EmailStatus.FAILED, attempts=3, last_error="boom")

    with django_capture_on_commit_callbacks(execute=True):
        assert requeue(email, actor=staff) is True

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1
    change = email.status_changes.get(from_status=EmailStatus.FAILED)
    assert change.to_status == EmailStatus.QUEUED
    assert change.actor == staff
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize("status", [EmailStatus.QUEUED, EmailStatus.SENDING, EmailStatus.SENT])
def test_requeue_refuses_messages_that_are_not_failed(
    status, staff, django_capture_on_commit_callbacks
):
    email = OutgoingEmailFactory(status=status, attempts=1)

    with django_capture_on_commit_callbacks() as callbacks:
        assert requeue(email, actor=staff) is False

    email.refresh_from_db()
    assert email.status == status
    assert email.attempts == 1
    assert email.status_changes.count() == 0
    assert callbacks == []


def test_recipients_refused_with_5xx_fail_at_once(smtp_server):
    email = OutgoingEmailFactory(to="nessuno@rifiutato.example")

    assert deliver(email.pk) is False

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.attempts == 1
    assert "550" in email.last_error
    assert smtp_server.messages == []


def test_rows_stuck_in_sending_are_reclaimed():
    now = timezone.now()
    stuck = OutgoingEmailFactory(
        status=EmailStatus.SENDING, attempts=1, claimed_at=now - timedelta(minutes=11)
    )
    exhausted = OutgoingEmailFactory(
        status=EmailStatus.SENDING, attempts=3, claimed_at=now - timedelta(minutes=30)
    )
    busy = OutgoingEmailFactory(
        status=EmailStatus.SENDING, attempts=1, claimed_at=now - timedelta(minutes=5)
    )

    assert reclaim_stuck_emails(now=now) == 2

    stuck.refresh_from_db()
    exhausted.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == EmailStatus.QUEUED
    assert stuck.next_attempt_at == now
    assert stuck.claimed_at is None
    assert stuck.attempts == 1
    assert exhausted.status == EmailStatus.FAILED
    assert busy.status == EmailStatus.SENDING
    assert busy.claimed_at == now - timedelta(minutes=5)
    assert queries.due_email_ids(now=now) == [stuck.pk]


def test_due_email_ids_oldest_first_and_limited():
    now = timezone.now()
    later = OutgoingEmailFactory(next_attempt_at=now - timedelta(minutes=1))
    earlier = OutgoingEmailFactory(next_attempt_at=now - timedelta(minutes=5))
    OutgoingEmailFactory(next_attempt_at=now + timedelta(minutes=1))
    OutgoingEmailFactory(status=EmailStatus.FAILED, next_attempt_at=now - timedelta(hours=1))
    OutgoingEmailFactory(status=EmailStatus.SENT, next_attempt_at=now - timedelta(hours=1))

    assert queries.due_email_ids(now=now) == [earlier.pk, later.pk]
    assert queries.due_email_ids(now=now, limit=1) == [earlier.pk]


def test_emails_about_an_object(customer, other_customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        mine = queue_order_summary(related=customer)
        queue_order_summary(related=other_customer)
        queue_order_summary()

    assert [email.pk for email in queries.emails_about(customer)] == [mine.pk]


@pytest.mark.django_db(transaction=True)
def test_an_action_that_rolls_back_queues_and_sends_nothing(smtp_server):
    class PaymentRefused(Exception):
        pass

    with pytest.raises(PaymentRefused), transaction.atomic():
        queue_order_summary()
        raise PaymentRefused

    assert OutgoingEmail.objects.count() == 0
    assert smtp_server.messages == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_action_sends_right_after_commit_not_before(smtp_server):
    with transaction.atomic():
        email = queue_order_summary()
        assert smtp_server.messages == []

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(smtp_server.messages) == 1


def test_a_row_reclaimed_meanwhile_by_a_live_worker_is_left_to_it(monkeypatch):
    """Two reclaim runs at once: the second must not pull back a row a worker just claimed."""
    from sportello.notifications import actions

    now = timezone.now()
    stuck = OutgoingEmailFactory(
        status=EmailStatus.SENDING, attempts=1, claimed_at=now - timedelta(minutes=11)
    )
    real_change_status = actions.change_status

    def claimed_by_a_live_worker_first(email, **kwargs):
        OutgoingEmail.objects.filter(pk=email.pk).update(claimed_at=now)
        return real_change_status(email, **kwargs)

    monkeypatch.setattr(actions, "change_status", claimed_by_a_live_worker_first)

    assert reclaim_stuck_emails(now=now) == 0

    stuck.refresh_from_db()
    assert stuck.status == EmailStatus.SENDING
    assert stuck.claimed_at == now
    assert history(stuck) == []
