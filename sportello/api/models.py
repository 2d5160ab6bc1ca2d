"""Personal API tokens and the customer's webhooks (endpoints and the outbox of deliveries)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from sportello.core.models import TimeStampedModel


class Scope(models.TextChoices):
    CATALOGUE_READ = "catalogue:read", "Leggere il catalogo dei servizi"
    ORDERS_READ = "orders:read", "Leggere ordini e stati"
    ORDERS_WRITE = "orders:write", "Creare ordini"
    QUOTES_READ = "quotes:read", "Leggere i preventivi"
    QUOTES_WRITE = "quotes:write", "Richiedere preventivi"
    FILES_READ = "files:read", "Scaricare esiti e fatture"
    FILES_WRITE = "files:write", "Caricare file per le risposte"


# What only someone who may buy can use: a company's viewer gets read scopes only.
WRITE_SCOPES = frozenset({Scope.ORDERS_WRITE, Scope.QUOTES_WRITE, Scope.FILES_WRITE})


class ApiToken(TimeStampedModel):
    """A personal token: the secret is shown once at creation; only its SHA-256 is kept.

    The token reads `spt_<prefix>_<secret>`; the prefix finds the row, the hash proves it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="utente",
    )
    name = models.CharField("nome", max_length=100)
    prefix = models.CharField("prefisso", max_length=16, unique=True)
    secret_hash = models.CharField("impronta del segreto", max_length=64)
    scopes = models.JSONField("permessi", default=list)
    last_used_at = models.DateTimeField("ultimo uso", null=True, blank=True)
    expires_at = models.DateTimeField("scade il", null=True, blank=True)
    revoked_at = models.DateTimeField("revocato il", null=True, blank=True)

    class Meta:
        verbose_name = "token API"
        verbose_name_plural = "token API"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_usable(self, *, now=None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now

    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [labels.get(scope, scope) for scope in self.scopes]


class WebhookEndpoint(TimeStampedModel):
    """An address of the customer's that receives a signed POST at each order status change.

    The secret signs every delivery (HMAC-SHA256); it must be kept in clear to sign, and is
    shown to its owner only when created.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name="utente",
    )
    url = models.URLField("indirizzo", max_length=500)
    secret = models.CharField("segreto di firma", max_length=80)
    is_active = models.BooleanField("attivo", default=True)

    class Meta:
        verbose_name = "webhook"
        verbose_name_plural = "webhook"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Da inviare"
    DELIVERED = "delivered", "Consegnato"
    FAILED = "failed", "Non consegnato"


class WebhookDelivery(TimeStampedModel):
    """One event for one endpoint: an outbox row, sent after commit and retried with backoff.

    `event_id` is the idempotency key the receiver sees (the same on every retry).
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name="webhook",
    )
    event_id = models.UUIDField("identificativo evento", default=uuid.uuid4, unique=True)
    event_type = models.CharField("evento", max_length=60)
    payload = models.JSONField("contenuto", default=dict)
    status = models.CharField(
        "stato", max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("tentativi", default=0)
    next_attempt_at = models.DateTimeField("prossimo tentativo", null=True, blank=True)
    delivered_at = models.DateTimeField("consegnato il", null=True, blank=True)
    last_error = models.CharField("ultimo errore", max_length=300, blank=True)
    last_response_status = models.PositiveSmallIntegerField(
        "ultimo codice di risposta", null=True, blank=True
    )

    class Meta:
        verbose_name = "invio webhook"
        verbose_name_plural = "invii webhook"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint}"
