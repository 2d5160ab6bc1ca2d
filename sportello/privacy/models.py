from django.conf import settings
from django.db import models
from django.utils import timezone

# Re-exported: the ledger's models now live in accounts (below privacy).
from sportello.accounts.models import (  # noqa: F401
    ConsentEvent,
    ConsentPurpose,
    ConsentSource,
    PrivacyNotice,
)


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
