from typing import ClassVar

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone

from sportello.core.models import TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A customer or a staff member; logs in with the e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("e-mail", unique=True)
    phone = models.CharField("telefono", max_length=30, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = "utente"
        verbose_name_plural = "utenti"

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        full = self.get_full_name().strip()
        return full or self.email


class BillingProfile(models.Model):
    """The customer's saved billing data; prefills checkout. Orders keep their own snapshot."""

    class Kind(models.TextChoices):
        PERSON = "person", "Privato"
        COMPANY = "company", "Azienda o professionista"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="billing_profile")
    kind = models.CharField("tipo cliente", max_length=10, choices=Kind.choices)
    first_name = models.CharField("nome", max_length=150, blank=True)
    last_name = models.CharField("cognome", max_length=150, blank=True)
    company_name = models.CharField("ragione sociale", max_length=200, blank=True)
    codice_fiscale = models.CharField("codice fiscale", max_length=16, blank=True)
    partita_iva = models.CharField("partita IVA", max_length=11, blank=True)
    sdi_code = models.CharField("codice destinatario SDI", max_length=7, blank=True)
    pec = models.EmailField("PEC", blank=True)
    address = models.CharField("indirizzo", max_length=200)
    cap = models.CharField("CAP", max_length=5)
    comune = models.CharField("comune", max_length=80)
    provincia = models.CharField("provincia", max_length=2)
    country = models.CharField("nazione", max_length=2, default="IT")
    updated_at = models.DateTimeField("aggiornato il", auto_now=True)

    class Meta:
        verbose_name = "dati di fatturazione"
        verbose_name_plural = "dati di fatturazione"

    def __str__(self) -> str:
        return f"Dati di fatturazione di {self.user}"


# --- The consent ledger: written at sign-up and in IL MIO ACCOUNT, so it lives here; the privacy
# app (above) shows the notice, runs export and erasure, and administers the texts.


class PrivacyNotice(TimeStampedModel):
    """A dated, versioned privacy notice (GDPR art. 13). The newest published one is current."""

    version = models.CharField("versione", max_length=20, unique=True)
    title = models.CharField("titolo", max_length=200, default="Informativa sulla privacy")
    body = models.TextField("testo")
    published_at = models.DateTimeField("pubblicata il", default=timezone.now)

    class Meta:
        # Moved from the privacy app (which is above accounts); the table keeps its name.
        db_table = "privacy_privacynotice"
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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consent_events",
        verbose_name="cliente",
    )
    purpose = models.CharField("finalità", max_length=30, choices=ConsentPurpose.choices)
    is_granted = models.BooleanField("concesso")
    notice = models.ForeignKey(
        PrivacyNotice,
        on_delete=models.PROTECT,
        related_name="consent_events",
        null=True,
        verbose_name="informativa",
    )
    source = models.CharField("modalità", max_length=50, choices=ConsentSource.choices)
    created_at = models.DateTimeField("data", auto_now_add=True)

    class Meta:
        db_table = "privacy_consentevent"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user", "purpose", "-created_at"], name="privacy_con_user_id_f42f38_idx"
            )
        ]
        verbose_name = "evento di consenso"
        verbose_name_plural = "storico consensi"

    def __str__(self) -> str:
        state = "concesso" if self.is_granted else "revocato"
        return f"{self.user} — {self.get_purpose_display()}: {state}"


class StaffAuthenticator(Authenticator):
    """allauth's second factors, shown in the back-office in Italian (administrators remove a
    lost authenticator app here; the next visit asks to set up a new one)."""

    class Meta:
        proxy = True
        verbose_name = "autenticatore (accesso in due passaggi)"
        verbose_name_plural = "autenticatori (accesso in due passaggi)"
