import factory
from django.utils import timezone

from sportello.notifications.models import EmailStatus, OutgoingEmail


class OutgoingEmailFactory(factory.django.DjangoModelFactory):
    """A rendered outbox row; tests that exercise queueing use queue_email instead."""

    class Meta:
        model = OutgoingEmail

    to = factory.Sequence(lambda n: f"cliente{n}@example.com")
    from_email = "Sportello <noreply@negozio.example.it>"
    subject = factory.Sequence(lambda n: f"Messaggio di prova {n}")
    text_body = "Testo del messaggio\n"
    html_body = "<p>Testo del messaggio</p>"
    template = "tests_email/order_summary"
    message_id = factory.Sequence(lambda n: f"<test-{n}@negozio.example.it>")
    status = EmailStatus.QUEUED
    next_attempt_at = factory.LazyFunction(timezone.now)
