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
