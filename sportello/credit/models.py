"""A company's prepaid credit: one account per company and its append-only ledger.

The balance is a cached sum of the movements, kept in step by `credit.actions` only (under the
account's row lock); `CHECK balance >= 0` and `CHECK balance_after >= 0` make an overdraft
impossible whatever the code does, and `manage.py check_credit_ledger` proves
sum(movements) == balance for every account.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from sportello.core.models import MoneyField, TimeStampedModel

# The payment method's identifier (payments provider, Order.payment_method, invoicing's MP22).
PREPAID_CREDIT_METHOD = "prepaid_credit"


class LedgerIsAppendOnly(Exception):
    """A movement was about to be changed or deleted: the ledger only grows."""


class CreditAccount(TimeStampedModel):
    company = models.OneToOneField(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="credit_account",
        verbose_name="azienda",
    )
    balance = MoneyField("saldo", default=0)

    class Meta:
        verbose_name = "conto del credito prepagato"
        verbose_name_plural = "conti del credito prepagato"
        permissions = [("adjust_creditaccount", "Può rettificare il credito prepagato")]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="credit_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"Credito di {self.company}"


class MovementKind(models.TextChoices):
    TOP_UP = "top_up", "Ricarica"
    PAYMENT = "payment", "Pagamento ordine"
    REFUND = "refund", "Rimborso su credito"
    TOP_UP_REVERSAL = "top_up_reversal", "Storno ricarica rimborsata"
    ADJUSTMENT = "adjustment", "Rettifica manuale"


class MovementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerIsAppendOnly("Credit movements are never updated")

    def delete(self):
        raise LedgerIsAppendOnly("Credit movements are never deleted")


class CreditMovement(models.Model):
    """One change of an account's balance. Written once by `credit.actions`, never changed."""

    account = models.ForeignKey(
        CreditAccount, on_delete=models.PROTECT, related_name="movements", verbose_name="conto"
    )
    kind = models.CharField("tipo", max_length=20, choices=MovementKind.choices)
    # Signed: positive adds to the balance, negative takes from it.
    amount = MoneyField("importo")
    balance_after = MoneyField("saldo dopo il movimento")
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_movements",
        verbose_name="ordine",
    )
    payment = models.ForeignKey(
        "payments.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_movements",
        verbose_name="pagamento",
    )
    refund = models.ForeignKey(
        "payments.Refund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_movements",
        verbose_name="rimborso",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="eseguito da",
    )
    note = models.TextField("nota", blank=True)
    created_at = models.DateTimeField("data", auto_now_add=True)

    objects = MovementQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "movimento del credito"
        verbose_name_plural = "movimenti del credito"
        indexes = [models.Index(fields=["account", "-id"], name="credit_movement_recent")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="credit_movement_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="credit_movement_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=("top_up", "refund"), amount__gt=0)
                    | Q(kind__in=("payment", "top_up_reversal"), amount__lt=0)
                    | Q(kind="adjustment")
                ),
                name="credit_movement_sign_matches_kind",
            ),
            # What the outside world may repeat (a paid hook, a refund) is credited once.
            models.UniqueConstraint(
                fields=["order"], condition=Q(kind="top_up"), name="credit_one_top_up_per_order"
            ),
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(kind="payment"),
                name="credit_one_debit_per_payment",
            ),
            models.UniqueConstraint(
                fields=["refund"],
                condition=Q(kind__in=("refund", "top_up_reversal")),
                name="credit_one_movement_per_refund",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerIsAppendOnly("Credit movements are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerIsAppendOnly("Credit movements are never deleted")


class CreditTopUp(TimeStampedModel):
    """A "ricarica" bought through the checkout: an order of one non-catalogue line. When the
    order becomes paid, the amount is credited (one TOP_UP movement per order)."""

    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="credit_top_up",
        verbose_name="ordine",
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="credit_top_ups",
        verbose_name="azienda",
    )
    amount = MoneyField("importo")

    class Meta:
        verbose_name = "ricarica"
        verbose_name_plural = "ricariche"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_top_up_positive")
        ]

    def __str__(self) -> str:
        return f"Ricarica {self.order}"
