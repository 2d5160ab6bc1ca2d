from django.conf import settings
from django.db import models
from django.utils import timezone

from sportello.core.models import TimeStampedModel


class PrivacyNotice(TimeStampedModel):
    """A dated, versioned privacy notice (GDPR art. 13). The newest published one is current."""

    version = models.CharField("versione", max_length=20, unique=True)
    title = models.CharField("titolo", max_length=200, default="Informativa sulla privacy")
    body = models.TextField("testo")
    published_at = models.DateTimeField("pubblicata il", default=timezone.now)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = "informativa privacy"
        verbose_name_plural = "informative privacy"

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class ConsentPurpose(models.TextChoices):
    PRIVACY_NOTICE = "privacy_notice", "Presa visione dell'informativa privacy"
    MARKETING = "marketing", "Comunicazioni commerciali via e-mail"
    PROFILING = "profiling", "Profilazione"


class ConsentSource(models.TextChoices):
    """How a consent was given or withdrawn, kept with each ledger row."""

    SIGNUP = "signup", "Registrazione al sito"
    ACCOUNT = "account", "Area IL MIO ACCOUNT"
    STAFF = "staff", "Back-office, su richiesta del cliente"


class ConsentEvent(models.Model):
    """Append-only ledger: one row each time a consent is granted or withdrawn."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_events"
    )
    purpose = models.CharField("finalità", max_length=30, choices=ConsentPurpose.choices)
    is_granted = models.BooleanField("concesso")
    notice = models.ForeignKey(
        PrivacyNotice, on_delete=models.PROTECT, related_name="consent_events", null=True
    )
    source = models.CharField("modalità", max_length=50, choices=ConsentSource.choices)
    created_at = models.DateTimeField("data", auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]
        verbose_name = "evento di consenso"
        verbose_name_plural = "storico consensi"

    def __str__(self) -> str:
        state = "concesso" if self.is_granted else "revocato"
        return f"{self.user} — {self.get_purpose_display()}: {state}"


class AccountErasure(models.Model):
    """Audit row of a deleted account (GDPR art. 17): who asked, when, and what was kept.

    The user row itself stays, anonymised and inactive, because orders kept for the tax
    records point at it; this row is how staff tell such an account apart.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="erasure",
        verbose_name="account",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="richiesta da",
    )
    erased_at = models.DateTimeField("cancellato il", default=timezone.now)
    # Order numbers kept (restricted) for the tax records, and those cancelled on the way.
    kept_orders = models.JSONField("ordini conservati", default=list, blank=True)
    cancelled_orders = models.JSONField("ordini annullati", default=list, blank=True)
    deleted_quotes = models.PositiveIntegerField("preventivi eliminati", default=0)
    deleted_files = models.PositiveIntegerField("file eliminati", default=0)

    class Meta:
        ordering = ["-erased_at", "-id"]
        verbose_name = "account cancellato"
        verbose_name_plural = "account cancellati"

    def __str__(self) -> str:
        return f"Account {self.user_id} cancellato il {self.erased_at:%d/%m/%Y}"
