from decimal import Decimal

from django.db import models
from django.db.models import Q

HALF_CENT = Decimal("0.005")


def amounts_add_up(total: str, net: str, vat: str) -> Q:
    """A check constraint: total == net + vat, to the cent.

    SQLite stores decimals as floats (133.33 + 29.33 is 162.66000000000003 there), so the
    check allows less than half a cent either way; on PostgreSQL the sum is exact anyway.
    """
    expected = models.F(net) + models.F(vat)
    return Q(**{f"{total}__gt": expected - HALF_CENT, f"{total}__lt": expected + HALF_CENT})


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("creato il", auto_now_add=True)
    updated_at = models.DateTimeField("aggiornato il", auto_now=True)

    class Meta:
        abstract = True


class MoneyField(models.DecimalField):
    """Euro amount at cents precision."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class VatRateField(models.DecimalField):
    """VAT rate in percent, e.g. 22.00."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class NumberSequence(models.Model):
    """Last number used in a yearly sequence (orders "ORD", quotes "P", …).

    Bumped only by `sportello.core.numbering.next_number`.
    """

    prefix = models.CharField("prefisso", max_length=10)
    year = models.PositiveIntegerField("anno")
    last_number = models.PositiveIntegerField("ultimo numero", default=0)

    class Meta:
        verbose_name = "numerazione"
        verbose_name_plural = "numerazioni"
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="number_sequence_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.year}: {self.last_number}"
