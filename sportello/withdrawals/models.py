from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from sportello.core.models import MoneyField, TimeStampedModel
from sportello.core.state import StatusChangeBase


class WithdrawalStatus(models.TextChoices):
    RECEIVED = "received", "Ricevuto, da gestire"
    PROCESSED = "processed", "Gestito"
    # From the public form, with an e-mail and order number that match no consumer order in
    # its withdrawal period: kept (it is a statement we received) for staff to look at.
    UNMATCHED = "unmatched", "Dati non corrispondenti a un ordine"


WITHDRAWAL_TRANSITIONS: dict[str, frozenset[str]] = {
    WithdrawalStatus.RECEIVED: frozenset({WithdrawalStatus.PROCESSED}),
    WithdrawalStatus.PROCESSED: frozenset(),
    # Staff looked into it (contacted the consumer): attached to the right order (received,
    # as of the time it arrived), or closed with a note.
    WithdrawalStatus.UNMATCHED: frozenset({WithdrawalStatus.RECEIVED, WithdrawalStatus.PROCESSED}),
}


class WithdrawalSource(models.TextChoices):
    ACCOUNT = "account", "I MIEI ORDINI"
    FORM = "form", "Modulo pubblico (senza accesso)"


class WithdrawalRequest(TimeStampedModel):
    """A consumer's statement of withdrawal, as received, and how staff settled it."""

    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="withdrawals",
        verbose_name="ordine",
    )
    lines = models.ManyToManyField(
        "orders.OrderLine", blank=True, related_name="withdrawals", verbose_name="servizi"
    )
    # The statement exactly as the consumer gave it.
    customer_name = models.CharField("nome e cognome", max_length=200)
    email = models.EmailField("e-mail")
    order_number = models.CharField("numero d'ordine indicato", max_length=40)
    services_text = models.TextField("servizi indicati", blank=True)
    source = models.CharField("modalità", max_length=20, choices=WithdrawalSource.choices)
    received_at = models.DateTimeField("ricevuto il")

    status = models.CharField(
        "stato",
        max_length=20,
        choices=WithdrawalStatus.choices,
        default=WithdrawalStatus.RECEIVED,
    )
    refund_amount = MoneyField("importo rimborsato", null=True, blank=True)
    # Named services of an order not paid yet leave its total at once (never charged):
    # settling the statement refunds only what was charged for them.
    left_out_of_total = MoneyField(
        "tolto dal totale prima del pagamento", default=Decimal("0.00"), blank=True
    )
    processed_at = models.DateTimeField("gestito il", null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="gestito da",
    )
    staff_note = models.TextField("nota per il cliente", blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "recesso"
        verbose_name_plural = "recessi"
        indexes = [models.Index(fields=["status", "-received_at"])]

    def __str__(self) -> str:
        received = timezone.localtime(self.received_at)  # Europe/Rome
        return f"Recesso {self.order_reference} del {received:%d/%m/%Y}"

    @property
    def order_reference(self) -> str:
        """The order's number once the statement is the order's (staff may have attached it
        to the right order: `order_number` keeps what the consumer typed)."""
        return self.order.number if self.order_id and self.order else self.order_number


class WithdrawalStatusChange(StatusChangeBase):
    withdrawal = models.ForeignKey(
        WithdrawalRequest, on_delete=models.CASCADE, related_name="status_changes"
    )

    class Meta(StatusChangeBase.Meta):
        verbose_name = "cambio di stato del recesso"
        verbose_name_plural = "storico del recesso"

    def __str__(self) -> str:
        def label(value: str) -> str:
            return (
                WithdrawalStatus(value).label if value in WithdrawalStatus.values else value or "—"
            )

        return f"{label(self.from_status)} → {label(self.to_status)}"
