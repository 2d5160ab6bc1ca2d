import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from sportello.core.models import MoneyField, TimeStampedModel, VatRateField, amounts_add_up
from sportello.core.state import StatusChangeBase, transition_label


class QuoteStatus(models.TextChoices):
    SENT = "sent", "Inviata"
    IN_PROGRESS = "in_progress", "In lavorazione"
    READY = "ready", "Pronto"
    ACCEPTED = "accepted", "Accettato"
    ORDERED = "ordered", "Ordinato"
    DECLINED = "declined", "Rifiutato"
    EXPIRED = "expired", "Scaduto"
    CANCELLED = "cancelled", "Annullato"


# READY -> READY is a re-issue: staff send a new version of a quote the customer questioned.
# ACCEPTED -> EXPIRED: the customer accepted but never completed the purchase in time.
QUOTE_TRANSITIONS: dict[str, frozenset[str]] = {
    QuoteStatus.SENT: frozenset(
        {QuoteStatus.IN_PROGRESS, QuoteStatus.READY, QuoteStatus.CANCELLED}
    ),
    QuoteStatus.IN_PROGRESS: frozenset({QuoteStatus.READY, QuoteStatus.CANCELLED}),
    QuoteStatus.READY: frozenset(
        {
            QuoteStatus.READY,
            QuoteStatus.IN_PROGRESS,
            QuoteStatus.ACCEPTED,
            QuoteStatus.DECLINED,
            QuoteStatus.EXPIRED,
            QuoteStatus.CANCELLED,
        }
    ),
    QuoteStatus.ACCEPTED: frozenset(
        {
            QuoteStatus.ORDERED,
            QuoteStatus.IN_PROGRESS,
            QuoteStatus.DECLINED,
            QuoteStatus.EXPIRED,
            QuoteStatus.CANCELLED,
        }
    ),
    QuoteStatus.DECLINED: frozenset({QuoteStatus.READY, QuoteStatus.CANCELLED}),
    QuoteStatus.EXPIRED: frozenset({QuoteStatus.READY, QuoteStatus.CANCELLED}),
    QuoteStatus.ORDERED: frozenset(),
    QuoteStatus.CANCELLED: frozenset(),
}

# Statuses in which staff still owe the customer a price.
AWAITING_PRICE = (QuoteStatus.SENT, QuoteStatus.IN_PROGRESS)
# Statuses from which staff may send a (new) version of the prices.
PRICEABLE = (
    QuoteStatus.SENT,
    QuoteStatus.IN_PROGRESS,
    QuoteStatus.READY,
    QuoteStatus.DECLINED,
    QuoteStatus.EXPIRED,
)


class QuoteRequest(TimeStampedModel):
    number = models.CharField("numero", max_length=20, unique=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="quote_requests",
        verbose_name="cliente",
    )
    # The company the request belongs to (empty: private); `customer` stays who sent it.
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quote_requests",
        verbose_name="azienda",
    )
    status = models.CharField(
        "stato", max_length=30, choices=QuoteStatus.choices, default=QuoteStatus.SENT
    )
    # One request per submitted form: a double click or a re-post carries the same token.
    submit_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer_message = models.TextField("messaggio del cliente", blank=True)
    # Of the current price version, copied here so lists and the expiry task need no join.
    current_version = models.PositiveIntegerField("versione corrente", default=0)
    valid_until = models.DateField("valido fino al", null=True, blank=True)
    accepted_version = models.PositiveIntegerField("versione accettata", null=True, blank=True)
    decline_reason = models.TextField("motivo del rifiuto", blank=True)
    # PROTECT: an order placed from a quote is part of its history ("ordinato" needs it).
    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quote",
        verbose_name="ordine",
    )
    requested_at = models.DateTimeField("richiesto il", default=timezone.now)
    # The customer's own deadline ("mi serve entro il"), optional: staff price the nearest first.
    needed_by = models.DateField("serve al cliente entro il", null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="assegnato a",
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "richiesta di preventivo"
        verbose_name_plural = "richieste di preventivo"
        indexes = [
            models.Index(fields=["customer", "-requested_at"]),
            models.Index(fields=["status", "valid_until"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(current_version=0) | Q(valid_until__isnull=False),
                name="quote_priced_has_validity",
            ),
            models.CheckConstraint(
                condition=~Q(status="ordered") | Q(order__isnull=False),
                name="quote_ordered_has_order",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("quotes:detail", kwargs={"number": self.number})

    @property
    def is_priced(self) -> bool:
        return self.current_version > 0

    def is_past_validity(self, today=None) -> bool:
        if self.valid_until is None:
            return False
        return (today or timezone.localdate()) > self.valid_until


class QuoteLine(models.Model):
    """Snapshot of a quote cart line: the service and the customer's answers, never re-read."""

    quote = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField("ordine", default=0)
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service_name = models.CharField("servizio", max_length=200)
    answers = models.JSONField("risposte (dati)", default=dict)
    # [{"label": …, "value": …, "file_id": …}] as shown to the customer when requesting.
    answers_display = models.JSONField("risposte", default=list)
    form_version = models.PositiveIntegerField("versione modulo")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "riga del preventivo"
        verbose_name_plural = "righe del preventivo"

    def __str__(self) -> str:
        return f"{self.quote.number} · {self.service_name}"


class QuoteLineFile(models.Model):
    """An upload named by a quote line's answers."""

    line = models.ForeignKey(QuoteLine, on_delete=models.CASCADE, related_name="answer_files")
    upload = models.ForeignKey(
        "uploads.Upload", on_delete=models.PROTECT, related_name="quote_line_uses"
    )
    field_key = models.CharField("campo", max_length=60)

    class Meta:
        verbose_name = "file della risposta"
        verbose_name_plural = "file delle risposte"
        constraints = [
            models.UniqueConstraint(
                fields=["line", "field_key"], name="quotelinefile_one_per_field"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field_key}: {self.upload_id}"


class QuotePrice(models.Model):
    """One version of the prices staff sent. Versions are kept; the customer sees the latest."""

    quote = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="prices")
    version = models.PositiveIntegerField("versione")
    valid_until = models.DateField("valido fino al")
    notes_for_customer = models.TextField("note per il cliente", blank=True)
    total_net = MoneyField("imponibile")
    total_vat = MoneyField("IVA")
    total_gross = MoneyField("totale")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="inviato da",
    )
    created_at = models.DateTimeField("inviato il", auto_now_add=True)

    class Meta:
        ordering = ["quote", "version"]
        verbose_name = "versione del preventivo"
        verbose_name_plural = "versioni del preventivo"
        constraints = [
            models.UniqueConstraint(fields=["quote", "version"], name="quoteprice_unique_version"),
            models.CheckConstraint(
                condition=amounts_add_up("total_gross", "total_net", "total_vat"),
                name="quoteprice_totals_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quote.number} v{self.version}"


class QuotePriceLine(models.Model):
    price = models.ForeignKey(QuotePrice, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(QuoteLine, on_delete=models.CASCADE, related_name="prices")
    net = MoneyField("imponibile")
    vat_rate = VatRateField("aliquota IVA")
    vat = MoneyField("IVA")
    gross = MoneyField("totale")

    class Meta:
        ordering = ["line__position", "line_id"]
        verbose_name = "prezzo della riga"
        verbose_name_plural = "prezzi delle righe"
        constraints = [
            models.UniqueConstraint(fields=["price", "line"], name="quotepriceline_unique_line"),
            models.CheckConstraint(
                condition=amounts_add_up("gross", "net", "vat"),
                name="quotepriceline_amounts_add_up",
            ),
            models.CheckConstraint(condition=Q(net__gte=0), name="quotepriceline_net_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.price} · {self.line.service_name}"


class QuoteMessage(models.Model):
    quote = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="autore",
    )
    is_from_staff = models.BooleanField("dallo staff", default=False)
    body = models.TextField("messaggio")
    attachment = models.ForeignKey(
        "uploads.Upload",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quote_message_uses",
        verbose_name="allegato",
    )
    created_at = models.DateTimeField("inviato il", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "messaggio"
        verbose_name_plural = "messaggi"

    def __str__(self) -> str:
        return f"{self.quote.number} · messaggio {self.pk}"

    @property
    def has_attachment(self) -> bool:
        return self.attachment_id is not None

    @property
    def attachment_name(self) -> str:
        return self.attachment.original_name if self.attachment is not None else ""

    @property
    def attachment_size(self) -> int:
        return self.attachment.size if self.attachment is not None else 0

    @property
    def attachment_content_type(self) -> str:
        """The type the sender's browser claimed (never used to serve the file)."""
        return self.attachment.claimed_content_type if self.attachment is not None else ""


class QuoteStatusChange(StatusChangeBase):
    quote = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChangeBase.Meta):
        verbose_name = "cambio di stato del preventivo"
        verbose_name_plural = "storico del preventivo"

    def __str__(self) -> str:
        return transition_label(QuoteStatus, self.from_status, self.to_status)
