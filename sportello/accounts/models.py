from typing import ClassVar

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class UserManager(BaseUserManager):
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


class StaffAuthenticator(Authenticator):
    """allauth's second factors, shown in the back-office in Italian (administrators remove a
    lost authenticator app here; the next visit asks to set up a new one)."""

    class Meta:
        proxy = True
        verbose_name = "autenticatore (accesso in due passaggi)"
        verbose_name_plural = "autenticatori (accesso in due passaggi)"
