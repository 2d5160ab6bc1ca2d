"""Company accounts: a business (ragione sociale, partita IVA, billing data) and its members.

A user belongs to at most one company at a time (a partial unique constraint on the active
memberships); a company has exactly one administrator (another partial unique constraint,
and the actions that change roles lock the company row). Removing a member keeps the row,
with `removed_at`, so the history of who belonged when stays readable; the orders the member
placed stay with the company.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from sportello.core.models import TimeStampedModel


class Company(TimeStampedModel):
    """The business that buys: its billing data are used at checkout for all its members."""

    name = models.CharField("ragione sociale", max_length=200)
    partita_iva = models.CharField("partita IVA", max_length=11, unique=True)
    codice_fiscale = models.CharField("codice fiscale", max_length=16, blank=True)
    sdi_code = models.CharField("codice destinatario SDI", max_length=7, blank=True)
    pec = models.EmailField("PEC", blank=True)
    address = models.CharField("indirizzo", max_length=200)
    cap = models.CharField("CAP", max_length=5)
    comune = models.CharField("comune", max_length=80)
    provincia = models.CharField("provincia", max_length=2)
    country = models.CharField("nazione", max_length=2, default="IT")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="creato da",
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "account aziendale"
        verbose_name_plural = "account aziendali"

    def __str__(self) -> str:
        return f"{self.name} (P.IVA {self.partita_iva})"


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Amministratore"
    BUYER = "buyer", "Acquirente"
    VIEWER = "viewer", "Visualizzatore"


class Membership(models.Model):
    """A user in a company, with a role. Active while `removed_at` is empty."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="memberships", verbose_name="azienda"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="company_memberships",
        verbose_name="utente",
    )
    role = models.CharField("ruolo", max_length=20, choices=Role.choices)
    # For buyers: whether they see (read only) the orders and quotes of their colleagues.
    # Administrators and viewers see all of the company's orders anyway.
    can_see_colleague_orders = models.BooleanField(
        "vede gli ordini dei colleghi",
        default=False,
        help_text="Solo per gli acquirenti: amministratori e visualizzatori vedono tutto.",
    )
    created_at = models.DateTimeField("membro dal", auto_now_add=True)
    removed_at = models.DateTimeField("rimosso il", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="rimosso da",
    )

    class Meta:
        ordering = ["company", "created_at", "id"]
        verbose_name = "membro dell'azienda"
        verbose_name_plural = "membri delle aziende"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(removed_at__isnull=True),
                name="membership_one_company_per_user",
                violation_error_message="Questo utente appartiene già a un account aziendale.",
            ),
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(removed_at__isnull=True, role="administrator"),
                name="membership_one_administrator_per_company",
                violation_error_message="L'azienda ha già un amministratore.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.company.name} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def can_buy(self) -> bool:
        return self.role in (Role.ADMINISTRATOR, Role.BUYER)

    @property
    def sees_every_company_order(self) -> bool:
        return self.role in (Role.ADMINISTRATOR, Role.VIEWER) or self.can_see_colleague_orders


class Invitation(models.Model):
    """An e-mail invitation to join a company. The link carries a random token; only its
    SHA-256 is stored, so the table alone cannot be used to join."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="invitations", verbose_name="azienda"
    )
    email = models.EmailField("e-mail invitata")
    role = models.CharField("ruolo", max_length=20, choices=Role.choices)
    can_see_colleague_orders = models.BooleanField("vede gli ordini dei colleghi", default=False)
    token_hash = models.CharField("impronta del codice", max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="invitato da",
    )
    created_at = models.DateTimeField("inviato il", auto_now_add=True)
    expires_at = models.DateTimeField("scade il")
    accepted_at = models.DateTimeField("accettato il", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="accettato da",
    )
    revoked_at = models.DateTimeField("annullato il", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "invito"
        verbose_name_plural = "inviti"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="administrator"),
                name="invitation_never_for_administrator",
                violation_error_message="Amministratori si diventa solo per trasferimento.",
            ),
            models.UniqueConstraint(
                fields=["company", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email",
                violation_error_message="C'è già un invito in attesa per questo indirizzo.",
            ),
        ]

    def __str__(self) -> str:
        return f"Invito di {self.email} in {self.company.name}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
