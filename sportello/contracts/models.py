from django.db import models
from django.urls import reverse
from django.utils import timezone

from sportello.core.models import TimeStampedModel


class TermsOfSale(TimeStampedModel):
    """A dated, versioned "Condizioni generali di vendita". The newest published one is current.

    Orders keep the version their customer accepted (orders.Order.terms), so a version that
    has been accepted is never edited again: staff publish a new one.
    """

    version = models.CharField("versione", max_length=20, unique=True)
    title = models.CharField("titolo", max_length=200, default="Condizioni generali di vendita")
    body = models.TextField(
        "testo", help_text="Paragrafi separati da una riga vuota; i titoli su una riga a sé."
    )
    published_at = models.DateTimeField("pubblicate il", default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "condizioni generali di vendita"
        verbose_name_plural = "condizioni generali di vendita"

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:terms_version", kwargs={"version": self.version})
