import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse

from sportello.contracts.rules import earliest_start_date, withdrawal_deadline
from sportello.core.models import MoneyField, TimeStampedModel, VatRateField, amounts_add_up
from sportello.core.state import StatusChangeBase, transition_label
from sportello.core.storage import private_storage, unique_path


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", "In attesa di pagamento"
    PAID = "paid", "Pagato"
    IN_PROGRESS = "in_progress", "In lavorazione"
    COMPLETED = "completed", "Completato"
    CANCELLED = "cancelled", "Annullato"
    REFUNDED = "refunded", "Rimborsato"


ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.AWAITING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset(
        {
            OrderStatus.IN_PROGRESS,
            OrderStatus.COMPLETED,
            OrderStatus.CANCELLED,
            OrderStatus.REFUNDED,
        }
    ),
    OrderStatus.IN_PROGRESS: frozenset({OrderStatus.COMPLETED, OrderStatus.REFUNDED}),
    # Reopened when staff move a completed line back to work (e.g. a corrected report).
    OrderStatus.COMPLETED: frozenset({OrderStatus.IN_PROGRESS, OrderStatus.REFUNDED}),
    # A cancelled order that had been paid (or was paid late) becomes refunded once the
    # money is given back.
    OrderStatus.CANCELLED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.REFUNDED: frozenset(),
}


class LineStatus(models.TextChoices):
    RECEIVED = "received", "Ricevuto"
    IN_PROGRESS = "in_progress", "In lavorazione"
    AWAITING_CUSTOMER_DATA = "awaiting_customer_data", "In attesa di dati dal cliente"
    COMPLETED = "completed", "Completato"
    # The consumer withdrew from the contract before the service was started.
    CANCELLED = "cancelled", "Annullato per recesso"


LINE_TRANSITIONS: dict[str, frozenset[str]] = {
    LineStatus.RECEIVED: frozenset(
        {
            LineStatus.IN_PROGRESS,
            LineStatus.AWAITING_CUSTOMER_DATA,
            LineStatus.COMPLETED,
            LineStatus.CANCELLED,
        }
    ),
    LineStatus.IN_PROGRESS: frozenset({LineStatus.AWAITING_CUSTOMER_DATA, LineStatus.COMPLETED}),
    LineStatus.AWAITING_CUSTOMER_DATA: frozenset(
        {LineStatus.IN_PROGRESS, LineStatus.COMPLETED, LineStatus.CANCELLED}
    ),
    LineStatus.COMPLETED: frozenset({LineStatus.IN_PROGRESS}),
    LineStatus.CANCELLED: frozenset(),
}
# Moving a line into one of these starts (or performs) the service: a consumer's order waits
# for the end of the withdrawal period unless they asked for an early start.
LINE_WORK_STATUSES = frozenset({LineStatus.IN_PROGRESS, LineStatus.COMPLETED})


class CustomerKind(models.TextChoices):
    PERSON = "person", "Privato"
    COMPANY = "company", "Azienda o professionista"


# Identifier of the bank-transfer payment provider: orders placed with it get the transfer
# instructions at once and show them until staff mark the transfer received.
BANK_TRANSFER_METHOD = "bank_transfer"


class Order(TimeStampedModel):
    number = models.CharField("numero", max_length=20, unique=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name="cliente",
    )
    # The company the order belongs to (empty: a private purchase); `customer` stays who
    # placed it. Who may see or act on it: sportello.companies.queries.
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name="azienda",
    )
    status = models.CharField(
        "stato", max_length=30, choices=OrderStatus.choices, default=OrderStatus.AWAITING_PAYMENT
    )
    # One order per checkout attempt: a double click or a re-post reuses the same token.
    checkout_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment_method = models.CharField("metodo di pagamento", max_length=30)
    total_net = MoneyField("imponibile")
    total_vat = MoneyField("IVA")
    total_gross = MoneyField("totale")
    placed_at = models.DateTimeField("effettuato il")
    paid_at = models.DateTimeField("pagato il", null=True, blank=True)
    # When the order's summary e-mail was queued (at placing for a bank transfer, when paid for
    # a card): it goes out once, and the pages say whether it was sent.
    confirmation_sent_at = models.DateTimeField("riepilogo inviato il", null=True, blank=True)
    customer_email = models.EmailField("e-mail del cliente")

    # Billing data snapshot: the saved billing profile may change later, this never does.
    billing_kind = models.CharField("tipo cliente", max_length=10, choices=CustomerKind.choices)
    billing_first_name = models.CharField("nome", max_length=150, blank=True)
    billing_last_name = models.CharField("cognome", max_length=150, blank=True)
    billing_company_name = models.CharField("ragione sociale", max_length=200, blank=True)
    billing_codice_fiscale = models.CharField("codice fiscale", max_length=16, blank=True)
    billing_partita_iva = models.CharField("partita IVA", max_length=11, blank=True)
    billing_sdi_code = models.CharField("codice destinatario SDI", max_length=7, blank=True)
    billing_pec = models.EmailField("PEC", blank=True)
    billing_address = models.CharField("indirizzo", max_length=200)
    billing_cap = models.CharField("CAP", max_length=5)
    billing_comune = models.CharField("comune", max_length=80)
    billing_provincia = models.CharField("provincia", max_length=2)
    billing_country = models.CharField("nazione", max_length=2, default="IT")

    # The sales contract (sportello.contracts): the exact terms version accepted at the
    # Riepilogo and when, and whether a consumer asked work to start within the withdrawal period.
    terms = models.ForeignKey(
        "contracts.TermsOfSale",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name="condizioni di vendita accettate",
    )
    terms_accepted_at = models.DateTimeField("condizioni accettate il", null=True, blank=True)
    early_start_requested = models.BooleanField(
        "esecuzione immediata richiesta",
        default=False,
        help_text=(
            "Sì se il consumatore ha chiesto di iniziare prima della fine del periodo di recesso."
        ),
    )

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = "ordine"
        verbose_name_plural = "ordini"
        indexes = [
            models.Index(fields=["customer", "-placed_at"]),
            models.Index(fields=["company", "-placed_at"], name="order_company_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=amounts_add_up("total_gross", "total_net", "total_vat"),
                name="order_totals_add_up",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", kwargs={"number": self.number})

    @property
    def greeting_name(self) -> str:
        """The first name e-mails greet the customer by ("Gentile Mario,"), as the account's
        e-mails do; "" when there is none (the templates then say "Gentile cliente")."""
        return self.billing_first_name or self.customer.first_name

    @property
    def billing_name(self) -> str:
        if self.billing_kind == CustomerKind.COMPANY:
            return self.billing_company_name
        return f"{self.billing_first_name} {self.billing_last_name}".strip()

    @property
    def is_awaiting_payment(self) -> bool:
        return self.status == OrderStatus.AWAITING_PAYMENT

    @property
    def is_consumer(self) -> bool:
        """A "Privato" buyer: the Codice del Consumo's withdrawal rules apply."""
        return self.billing_kind == CustomerKind.PERSON

    @property
    def withdrawal_deadline(self) -> date | None:
        """The last day to withdraw (Europe/Rome); None for a business buyer."""
        return withdrawal_deadline(self.placed_at) if self.is_consumer else None

    @property
    def earliest_start_date(self) -> date | None:
        """The first day staff may start the services; None when they may start at once.

        The desk's expected delivery date counts from here (see contracts.rules). Orders that
        never went through the Riepilogo's choice (placed before it existed, no terms accepted)
        are not held back: their customer was never offered the early-start request.
        """
        return earliest_start_date(
            placed_at=self.placed_at,
            is_consumer=self.is_consumer and self.terms_accepted_at is not None,
            early_start_requested=self.early_start_requested,
        )


class OrderLine(models.Model):
    """Snapshot of a cart line at placing time: name, answers, prices. Never re-priced."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service_name = models.CharField("servizio", max_length=200)
    answers = models.JSONField("risposte (dati)", default=dict)
    # [{"label": …, "value": …, "file_id": …}] as shown to the customer when ordering.
    answers_display = models.JSONField("risposte", default=list)
    form_version = models.PositiveIntegerField("versione modulo")
    base_net = MoneyField("prezzo base")
    # [{"label": …, "net": "30.00"}]
    supplements = models.JSONField("supplementi", default=list)
    vat_rate = VatRateField("aliquota IVA")
    net = MoneyField("imponibile")
    vat = MoneyField("IVA")
    gross = MoneyField("totale")
    status = models.CharField(
        "stato", max_length=30, choices=LineStatus.choices, default=LineStatus.RECEIVED
    )
    # Delivery promise, snapshot of the service's at placing time (see orders/delivery.py).
    delivery_working_days = models.PositiveSmallIntegerField(
        "giorni lavorativi per la consegna", null=True, blank=True
    )
    delivery_starts_from = models.CharField("i giorni decorrono", max_length=12, blank=True)
    # The day the clock started (payment or inspection) and working days it was paused for
    # data requests; `due_on` is derived from them and stored for sorting the queues.
    clock_started_on = models.DateField("inizio conteggio", null=True, blank=True)
    paused_working_days = models.PositiveIntegerField("giorni di sospensione", default=0)
    due_on = models.DateField("consegna prevista entro il", null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="assegnato a",
    )
    # The consumer's statement of withdrawal naming this service arrived (set by the
    # withdrawals app): it is not to be started, and cannot be withdrawn from again.
    withdrawal_received_at = models.DateTimeField("recesso ricevuto il", null=True, blank=True)
    # Staff settled that statement ("Gestisci il recesso"): the service was cancelled, or it
    # had started and stays with the refund staff decided.
    withdrawal_settled_at = models.DateTimeField("recesso gestito il", null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "riga d'ordine"
        verbose_name_plural = "righe d'ordine"
        constraints = [
            models.CheckConstraint(
                condition=amounts_add_up("gross", "net", "vat"),
                name="orderline_amounts_add_up",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order.number} · {self.service_name}"


class OrderLineFile(models.Model):
    """An upload named by an order line's answers (kept with the order)."""

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="answer_files")
    upload = models.ForeignKey(
        "uploads.Upload", on_delete=models.PROTECT, related_name="order_line_uses"
    )
    field_key = models.CharField("campo", max_length=60)

    class Meta:
        verbose_name = "file della risposta"
        verbose_name_plural = "file delle risposte"
        constraints = [
            models.UniqueConstraint(
                fields=["line", "field_key"], name="orderlinefile_one_per_field"
            )
        ]

    def __str__(self) -> str:
        return f"{self.field_key}: {self.upload_id}"


def _status_change_label(choices: type[models.TextChoices], change: StatusChangeBase) -> str:
    return transition_label(choices, change.from_status, change.to_status)


class OrderStatusChange(StatusChangeBase):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChangeBase.Meta):
        verbose_name = "cambio di stato dell'ordine"
        verbose_name_plural = "storico dell'ordine"

    def __str__(self) -> str:
        return _status_change_label(OrderStatus, self)


class OrderLineStatusChange(StatusChangeBase):
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="status_changes")

    class Meta(StatusChangeBase.Meta):
        verbose_name = "cambio di stato della riga"
        verbose_name_plural = "storico delle righe"

    def __str__(self) -> str:
        return _status_change_label(LineStatus, self)


class Outcome(TimeStampedModel):
    """An "esito": a note and files staff attach to an order line (e.g. the PDF report)."""

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="outcomes")
    note = models.TextField("nota", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "esito"
        verbose_name_plural = "esiti"

    def __str__(self) -> str:
        return f"Esito {self.pk} · {self.line}"


def outcome_path(instance, filename: str) -> str:
    return unique_path("outcomes", filename)


class OutcomeFile(models.Model):
    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=outcome_path, max_length=300, storage=private_storage)
    original_name = models.CharField("nome del file", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = "file dell'esito"
        verbose_name_plural = "file dell'esito"

    def __str__(self) -> str:
        return self.original_name


class OrderMessage(models.Model):
    """One message of the order's conversation between the customer and staff.

    An internal message is a staff note: never shown nor e-mailed to the customer.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="autore",
    )
    is_from_staff = models.BooleanField("dallo staff", default=False)
    is_internal = models.BooleanField("nota interna", default=False)
    body = models.TextField("messaggio")
    # An uploads.Upload row (checked and stored by uploads.actions.store_upload); PROTECT: a
    # file a message uses cannot be deleted while the message exists.
    attachment = models.ForeignKey(
        "uploads.Upload",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_message_uses",
        verbose_name="allegato",
    )
    created_at = models.DateTimeField("inviato il", auto_now_add=True, db_index=True)
    # Read by the other side (the customer for staff messages, staff for the customer's).
    read_at = models.DateTimeField("letto il", null=True, blank=True)
    # A customer message is answered once staff reply on the order (not with an internal note).
    answered_at = models.DateTimeField("risposto il", null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "messaggio dell'ordine"
        verbose_name_plural = "messaggi dell'ordine"
        indexes = [models.Index(fields=["is_from_staff", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.order.number} · messaggio {self.pk}"

    @property
    def has_attachment(self) -> bool:
        return self.attachment_id is not None

    @property
    def attachment_name(self) -> str:
        return self.attachment.original_name if self.attachment is not None else ""


class DataRequest(models.Model):
    """A "richiesta integrazione": staff need data from the customer to go on with a line.

    `field_keys` are the keys of the service form's answers to correct; `documents` the labels
    of the documents to upload. The customer answers in place, from the order page.
    """

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="data_requests")
    note = models.TextField("cosa serve")
    field_keys = models.JSONField("dati da correggere", default=list, blank=True)
    documents = models.JSONField("documenti da caricare", default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="richiesta da",
    )
    created_at = models.DateTimeField("richiesta il", auto_now_add=True, db_index=True)
    answered_at = models.DateTimeField("risposta il", null=True, blank=True)
    # On a company's order any buying member may answer: the note is theirs (erasure).
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="risposta da",
    )
    customer_note = models.TextField("nota del cliente", blank=True)
    reminded_at = models.DateTimeField("sollecito inviato il", null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "richiesta integrazione"
        verbose_name_plural = "richieste integrazione"
        indexes = [models.Index(fields=["answered_at", "created_at"])]

    def __str__(self) -> str:
        return f"Richiesta integrazione {self.pk} · {self.line}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class LineAnswersRevision(models.Model):
    """The answers a line had before the customer changed them (kept for staff)."""

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="answer_revisions")
    data_request = models.ForeignKey(
        DataRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answers = models.JSONField("risposte precedenti (dati)", default=dict)
    answers_display = models.JSONField("risposte precedenti", default=list)
    created_at = models.DateTimeField("sostituite il", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "versione precedente delle risposte"
        verbose_name_plural = "versioni precedenti delle risposte"

    def __str__(self) -> str:
        return f"Risposte precedenti · {self.line}"
