import uuid

from django.db import models
from django.db.models import Q

from sportello.core.models import MoneyField, TimeStampedModel
from sportello.core.money import format_euro
from sportello.core.state import StatusChangeBase, transition_label


class PaymentStatus(models.TextChoices):
    CREATED = "created", "Avviato"
    PENDING = "pending", "In attesa"
    CONFIRMED = "confirmed", "Confermato"
    FAILED = "failed", "Non riuscito"
    CANCELLED = "cancelled", "Annullato"
    REFUNDED = "refunded", "Rimborsato"


PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.CREATED: frozenset(
        {
            PaymentStatus.PENDING,
            PaymentStatus.CONFIRMED,
            PaymentStatus.FAILED,
            PaymentStatus.CANCELLED,
        }
    ),
    PaymentStatus.PENDING: frozenset(
        {PaymentStatus.CONFIRMED, PaymentStatus.FAILED, PaymentStatus.CANCELLED}
    ),
    PaymentStatus.CONFIRMED: frozenset({PaymentStatus.REFUNDED}),
    # Money that arrives after all (a late webhook for an attempt we had given up on, a bank
    # transfer that was replaced by a card payment) is still money: record it, never drop it.
    PaymentStatus.FAILED: frozenset({PaymentStatus.CONFIRMED}),
    PaymentStatus.CANCELLED: frozenset({PaymentStatus.CONFIRMED}),
    PaymentStatus.REFUNDED: frozenset(),
}


OPEN_PAYMENT_STATUSES = frozenset({PaymentStatus.CREATED, PaymentStatus.PENDING})
# Money the order received (kept, or given back since).
MONEY_RECEIVED_STATUSES = frozenset({PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED})


class Payment(TimeStampedModel):
    """One attempt to pay an order with one provider. A retry is a new row."""

    # Public, unguessable id used in URLs (gateway page, return page); the pk stays internal.
    reference = models.UUIDField("codice", default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="payments", verbose_name="ordine"
    )
    provider = models.CharField("metodo", max_length=30)
    amount = MoneyField("importo")
    status = models.CharField(
        "stato", max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    # The provider's id for this attempt (Stripe Checkout Session id, gateway transaction id,
    # bank-transfer reference). One confirmation per provider reference; NULL (not "") until
    # the provider gives one, so the partial unique constraint ignores fresh attempts.
    provider_reference = models.CharField(  # noqa: DJ001
        "riferimento", max_length=255, null=True, blank=True
    )
    confirmed_at = models.DateTimeField("confermato il", null=True, blank=True)
    failure_reason = models.CharField("motivo", max_length=300, blank=True)
    data = models.JSONField("dati del gestore", default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "pagamento"
        verbose_name_plural = "pagamenti"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=Q(provider_reference__isnull=False),
                name="payment_unique_provider_reference",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:

        return f"{self.provider_label} · {format_euro(self.amount)} · {self.get_status_display()}"

    @property
    def provider_label(self) -> str:
        """The method's Italian name ("Bonifico bancario"), or its code if no longer known."""
        # Inside the payments app: the providers import these models, so the registry is read
        # when called.
        from sportello.payments.providers.registry import UnknownPaymentMethod, get_provider

        try:
            return get_provider(self.provider).verbose_name or self.provider
        except UnknownPaymentMethod:
            return self.provider

    @property
    def is_open(self) -> bool:
        """Started but not settled: the provider may still confirm or fail it."""
        return self.status in OPEN_PAYMENT_STATUSES


class PaymentStatusChange(StatusChangeBase):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChangeBase.Meta):
        verbose_name = "cambio di stato del pagamento"
        verbose_name_plural = "storico del pagamento"

    def __str__(self) -> str:
        return transition_label(PaymentStatus, self.from_status, self.to_status)


class Refund(TimeStampedModel):
    """A refund recorded by staff (and sent to the provider where it supports refunds)."""

    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name="pagamento"
    )
    amount = MoneyField("importo")
    note = models.TextField("nota", blank=True)
    provider_reference = models.CharField("riferimento", max_length=255, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="registrato da",
    )

    class Meta:
        verbose_name = "rimborso"
        verbose_name_plural = "rimborsi"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive")]

    def __str__(self) -> str:
        return f"Rimborso {format_euro(self.amount)} · {self.payment}"
