from django.conf import settings
from django.db import models
from django.db.models import Q

from sportello.catalogue.models import Service
from sportello.core.models import TimeStampedModel


class CartKind(models.TextChoices):
    PURCHASE = "purchase", "Carrello"
    QUOTE = "quote", "Carrello Preventivi"


class Cart(TimeStampedModel):
    """A purchase cart or a quote cart.

    An anonymous visitor's cart has no user; its id lives in the session and the cart is merged
    into the account's cart at login.
    """

    kind = models.CharField("tipo", max_length=10, choices=CartKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="carts",
    )

    class Meta:
        verbose_name = "carrello"
        verbose_name_plural = "carrelli"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(user__isnull=False),
                name="cart_one_per_user_and_kind",
            ),
        ]

    def __str__(self) -> str:
        owner = self.user or "anonimo"
        return f"{self.get_kind_display()} di {owner}"


class CartLine(TimeStampedModel):
    """One service with the customer's answers to its form. Prices are never stored here:
    they are computed from the catalogue every time the cart is shown or placed."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField("risposte", default=dict)
    form_version = models.PositiveIntegerField("versione modulo")
    # Keys of the questions the customer must answer again: the line came from "Ordina di
    # nuovo" and today's form refused (or no longer had) those answers. Emptied by "Modifica".
    flagged_fields = models.JSONField("campi da completare", default=list, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "riga del carrello"
        verbose_name_plural = "righe del carrello"

    def __str__(self) -> str:
        return f"{self.service} ({self.cart})"


class CartLineFile(models.Model):
    """An upload named by a cart line's answers; keeps it from being purged or erased."""

    line = models.ForeignKey(CartLine, on_delete=models.CASCADE, related_name="answer_files")
    upload = models.ForeignKey(
        "uploads.Upload", on_delete=models.PROTECT, related_name="cart_line_uses"
    )
    field_key = models.CharField("campo", max_length=60)

    class Meta:
        verbose_name = "file della risposta"
        verbose_name_plural = "file delle risposte"
        constraints = [
            models.UniqueConstraint(fields=["line", "field_key"], name="cartlinefile_one_per_field")
        ]

    def __str__(self) -> str:
        return f"{self.field_key}: {self.upload_id}"


class BulkImportStatus(models.TextChoices):
    PENDING = "pending", "In attesa"
    VALIDATING = "validating", "In verifica"
    VALIDATED = "validated", "Verificato"
    ADDED = "added", "Aggiunto al carrello"
    FAILED = "failed", "File non leggibile"


# The only moves `cart.bulk_actions` makes; anything else raises InvalidTransition there.
BULK_IMPORT_TRANSITIONS: dict[str, set[str]] = {
    BulkImportStatus.PENDING: {BulkImportStatus.VALIDATING, BulkImportStatus.FAILED},
    # A worker that died half-way is redelivered and starts the validation again.
    BulkImportStatus.VALIDATING: {
        BulkImportStatus.VALIDATING,
        BulkImportStatus.VALIDATED,
        BulkImportStatus.FAILED,
    },
    BulkImportStatus.VALIDATED: {BulkImportStatus.ADDED},
    BulkImportStatus.ADDED: set(),
    BulkImportStatus.FAILED: set(),
}


class BulkImportMode(models.TextChoices):
    VALID_ONLY = "valid_only", "Aggiungi solo le righe corrette"
    ALL_OR_NOTHING = "all_or_nothing", "Aggiungi solo se tutte le righe sono corrette"


class BulkImport(TimeStampedModel):
    """ "Ordine multiplo": a spreadsheet of answers to one service's form, one row per line.

    The uploaded file is kept (`upload`); `rows` holds each row as read, keyed by field key
    ([{"number": spreadsheet row, "data": {key: text}, "errors": {key: [message]}}]), so a
    bad row can be corrected in place and the valid ones go to the cart as lines.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="bulk_imports",
        verbose_name="cliente",
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name="servizio"
    )
    upload = models.ForeignKey(
        "uploads.Upload",
        on_delete=models.PROTECT,
        related_name="bulk_import_uses",
        verbose_name="file caricato",
    )
    status = models.CharField(
        "stato",
        max_length=12,
        choices=BulkImportStatus.choices,
        default=BulkImportStatus.PENDING,
    )
    mode = models.CharField(
        "modalità", max_length=16, choices=BulkImportMode.choices, default=BulkImportMode.VALID_ONLY
    )
    form_version = models.PositiveIntegerField("versione modulo", default=1)
    total_rows = models.PositiveIntegerField("righe", default=0)
    processed_rows = models.PositiveIntegerField("righe verificate", default=0)
    valid_rows = models.PositiveIntegerField("righe corrette", default=0)
    rows = models.JSONField("righe lette", default=list, blank=True)
    file_errors = models.JSONField("avvisi sul file", default=list, blank=True)
    created_line_ids = models.JSONField("righe del carrello create", default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "ordine multiplo"
        verbose_name_plural = "ordini multipli"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_rows__lte=models.F("total_rows")),
                name="bulkimport_valid_rows_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"Ordine multiplo {self.pk} di {self.owner}"

    @property
    def invalid_rows(self) -> int:
        return self.total_rows - self.valid_rows

    @property
    def is_finished(self) -> bool:
        return self.status not in (BulkImportStatus.PENDING, BulkImportStatus.VALIDATING)
