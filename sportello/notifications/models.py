from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from sportello.core.models import TimeStampedModel
from sportello.core.state import StatusChangeBase, transition_label


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "In coda"
    SENDING = "sending", "In invio"
    SENT = "sent", "Inviata"
    FAILED = "failed", "Invio fallito"


# A failed attempt with attempts left goes back to QUEUED with a later next_attempt_at;
# FAILED means "given up", and only staff (requeue) take a message out of it.
EMAIL_TRANSITIONS: dict[str, frozenset[str]] = {
    EmailStatus.QUEUED: frozenset({EmailStatus.SENDING}),
    EmailStatus.SENDING: frozenset({EmailStatus.SENT, EmailStatus.QUEUED, EmailStatus.FAILED}),
    EmailStatus.SENT: frozenset(),
    EmailStatus.FAILED: frozenset({EmailStatus.QUEUED}),
}


class OutgoingEmail(TimeStampedModel):
    """One message of the outbox: rendered when queued, sent later by a worker."""

    Status = EmailStatus

    to = models.CharField(
        "destinatari", max_length=1000, help_text="Indirizzi separati da virgola."
    )
    from_email = models.CharField("mittente", max_length=320)
    # Where the customer's reply goes (SUPPORT_EMAIL); empty for staff's own notifications.
    reply_to = models.CharField("rispondi a", max_length=320, blank=True)
    subject = models.CharField("oggetto", max_length=500)
    text_body = models.TextField("testo")
    html_body = models.TextField("HTML", blank=True)
    template = models.CharField("modello", max_length=200)
    message_id = models.CharField("Message-ID", max_length=255)
    key = models.CharField(
        "chiave di unicità",
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text="Impedisce di accodare due volte lo stesso messaggio.",
    )

    related_content_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="tipo dell'oggetto collegato",
    )
    related_object_id = models.CharField("id dell'oggetto collegato", max_length=64, blank=True)
    related = GenericForeignKey("related_content_type", "related_object_id")

    status = models.CharField(
        "stato", max_length=20, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField("tentativi", default=0)
    last_error = models.TextField("ultimo errore", blank=True)
    next_attempt_at = models.DateTimeField("prossimo tentativo")
    claimed_at = models.DateTimeField("in invio dal", null=True, blank=True)
    sent_at = models.DateTimeField("inviata il", null=True, blank=True)

    class Meta:
        verbose_name = "e-mail in uscita"
        verbose_name_plural = "e-mail in uscita"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due"),
            models.Index(
                fields=["related_content_type", "related_object_id"], name="outbox_related"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EmailStatus.values), name="outbox_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def recipient_list(self) -> list[str]:
        return [address.strip() for address in self.to.split(",") if address.strip()]


class OutgoingEmailAttachment(models.Model):
    """A file sent with a message (e.g. the terms of sale PDF), stored with it in the outbox so
    a retry hours later sends the very same document."""

    email = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField("nome del file", max_length=255)
    content_type = models.CharField("tipo", max_length=100)
    content = models.BinaryField("contenuto")

    class Meta:
        ordering = ["id"]
        verbose_name = "allegato"
        verbose_name_plural = "allegati"

    def __str__(self) -> str:
        return self.filename


class OutgoingEmailStatusChange(StatusChangeBase):
    email = models.ForeignKey(
        OutgoingEmail, on_delete=models.CASCADE, related_name="status_changes"
    )

    class Meta(StatusChangeBase.Meta):
        verbose_name = "cambio di stato dell'e-mail"
        verbose_name_plural = "storico dell'e-mail"

    def __str__(self) -> str:
        # Shown above each row of the history in the back-office.
        return transition_label(EmailStatus, self.from_status, self.to_status)
