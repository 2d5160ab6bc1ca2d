from __future__ import annotations

from django.conf import settings
from django.db import models

from sportello.audit.context import Source


class EventType(models.TextChoices):
    ORDER_STATUS = "order.status", "Stato dell'ordine"
    ORDER_LINE_STATUS = "order_line.status", "Stato di un servizio dell'ordine"
    ORDER_OUTCOME = "order.outcome", "Esito allegato"
    PAYMENT_STATUS = "payment.status", "Stato del pagamento"
    PAYMENT_REFUND = "payment.refund", "Rimborso"
    QUOTE_STATUS = "quote.status", "Stato del preventivo"
    QUOTE_PRICED = "quote.priced", "Preventivo inviato"
    QUOTE_MESSAGE = "quote.message", "Messaggio sul preventivo"
    WITHDRAWAL_RECEIVED = "withdrawal.received", "Dichiarazione di recesso ricevuta"
    WITHDRAWAL_STATUS = "withdrawal.status", "Stato del recesso"
    ORDER_MESSAGE = "order.message", "Messaggio sull'ordine"
    ORDER_DATA_REQUEST = "order.data_request", "Richiesta di integrazione dati"
    ORDER_ASSIGNED = "order.assigned", "Assegnazione"
    PAYMENT_TRANSFER = "payment.transfer", "Bonifico registrato"
    COMPANY_CREATED = "company.created", "Account aziendale creato"
    COMPANY_UPDATED = "company.updated", "Dati aziendali modificati"
    COMPANY_INVITATION = "company.invitation", "Invito in un account aziendale"
    COMPANY_MEMBER = "company.member", "Membro di un account aziendale"


class AuditEvent(models.Model):
    """One thing done to an order, a quote or a customer: who, from where, what, when.

    Written by the actions themselves (`sportello.audit.actions.record`), never edited. The
    order and the quote are named by their numbers, not by foreign keys: this app sits below
    orders and quotes, and the trail outlives what it names.
    """

    created_at = models.DateTimeField("data", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="chi",
    )
    source = models.CharField("da dove", max_length=20, choices=Source.choices)
    event_type = models.CharField("evento", max_length=40, choices=EventType.choices)
    order_number = models.CharField("ordine", max_length=30, blank=True, db_index=True)
    quote_number = models.CharField("preventivo", max_length=30, blank=True, db_index=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="cliente",
    )
    message = models.TextField("descrizione")
    extra = models.JSONField("dati", default=dict, blank=True)

    class Meta:
        verbose_name = "attività"
        verbose_name_plural = "registro attività"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="audit_customer_recent")]

    def __str__(self) -> str:
        return self.message
