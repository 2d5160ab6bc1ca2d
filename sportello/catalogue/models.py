import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import connection, models
from django.db.models import Q

from sportello.core.addresses import remembered_reverse
from sportello.core.models import MoneyField, TimeStampedModel, VatRateField
from sportello.core.money import TaxedPrice


def default_vat_rate() -> Decimal:
    return settings.DEFAULT_VAT_RATE


class CatalogueVersion(models.Model):
    """One row counting the catalogue's edits: the catalogue cache's keys carry this number.

    Kept in the database, not in the cache, so every web process (locmem caches are one per
    process) sees a staff edit at once. Bumped by the catalogue models' own save() and delete()
    (they are saved from the admin, its inlines and list edits, the demo loader and tests) and
    by the admin's bulk delete, which bypasses delete().
    """

    number = models.PositiveBigIntegerField("versione", default=0)

    class Meta:
        verbose_name = "versione del catalogo"
        verbose_name_plural = "versioni del catalogo"

    def __str__(self) -> str:
        return str(self.number)

    @classmethod
    def current(cls) -> int:
        # Read on every catalogue page with the cache on: plain SQL, no queryset to compile.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {cls._meta.db_table} WHERE id = 1")  # noqa: S608
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def bump(cls) -> None:
        # An F() update: two staff members saving at once both count.
        if not cls.objects.filter(pk=1).update(number=models.F("number") + 1):
            cls.objects.get_or_create(pk=1, defaults={"number": 1})


class BumpsCatalogueVersion(models.Model):
    """Any saved or deleted row of the catalogue makes the cached catalogue pages stale."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        CatalogueVersion.bump()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        CatalogueVersion.bump()
        return result


class DeliveryStart(models.TextChoices):
    PAYMENT = "payment", "dal pagamento"
    INSPECTION = "inspection", "dal sopralluogo"


class Category(BumpsCatalogueVersion, TimeStampedModel):
    name = models.CharField("nome", max_length=120)
    slug = models.SlugField("slug", max_length=140, unique=True)
    description = models.TextField("descrizione", blank=True)
    position = models.PositiveIntegerField("ordine", default=0)
    is_active = models.BooleanField("attiva", default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "categoria"
        verbose_name_plural = "categorie"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return remembered_reverse("catalogue:category", kwargs={"slug": self.slug})


class PricingMode(models.TextChoices):
    FIXED = "fixed", "Prezzo fisso"
    QUOTE = "quote", "Su preventivo"


class Service(BumpsCatalogueVersion, TimeStampedModel):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="services", verbose_name="categoria"
    )
    name = models.CharField("nome", max_length=200)
    slug = models.SlugField("slug", max_length=220, unique=True)
    summary = models.CharField("sintesi", max_length=300, blank=True)
    description = models.TextField("descrizione", blank=True)
    delivery_time = models.CharField(
        "tempi di consegna", max_length=120, blank=True, help_text="Es. «5 giorni lavorativi»"
    )
    # Structured delivery time: N Italian working days from the payment (or the inspection).
    delivery_working_days = models.PositiveSmallIntegerField(
        "giorni lavorativi per la consegna",
        null=True,
        blank=True,
        help_text="Vuoto: nessuna data di consegna prevista mostrata al cliente",
    )
    delivery_starts_from = models.CharField(
        "i giorni decorrono",
        max_length=12,
        choices=DeliveryStart.choices,
        default=DeliveryStart.PAYMENT,
    )
    is_active = models.BooleanField("attivo", default=True)
    is_featured = models.BooleanField(
        "in evidenza", default=False, help_text="Mostrato per primo nella home page"
    )
    position = models.PositiveIntegerField("ordine", default=0)
    pricing_mode = models.CharField(
        "prezzo", max_length=10, choices=PricingMode.choices, default=PricingMode.FIXED
    )
    net_price = MoneyField(
        "prezzo netto (€)", null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    vat_rate = VatRateField(
        "aliquota IVA (%)", default=default_vat_rate, validators=[MinValueValidator(Decimal("0"))]
    )
    # Bumped whenever staff change the form's fields; each answer set records the version
    # it was given against.
    form_version = models.PositiveIntegerField("versione modulo", default=1)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "servizio"
        verbose_name_plural = "servizi"
        constraints = [
            models.CheckConstraint(
                condition=Q(pricing_mode="quote") | Q(net_price__isnull=False),
                name="service_fixed_price_has_net_price",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return remembered_reverse("catalogue:service", kwargs={"slug": self.slug})

    @property
    def is_on_quote(self) -> bool:
        return self.pricing_mode == PricingMode.QUOTE

    @property
    def base_price(self) -> TaxedPrice | None:
        if self.is_on_quote or self.net_price is None:
            return None
        return TaxedPrice.from_net(self.net_price, self.vat_rate)


class FieldType(models.TextChoices):
    TEXT = "text", "Testo breve"
    TEXTAREA = "textarea", "Testo lungo"
    INTEGER = "integer", "Numero intero"
    DECIMAL = "decimal", "Numero decimale"
    DATE = "date", "Data"
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Telefono"
    CHOICE = "choice", "Scelta singola"
    MULTIPLE_CHOICE = "multiple_choice", "Scelta multipla"
    BOOLEAN = "boolean", "Sì/No"
    FILE = "file", "File"
    CODICE_FISCALE = "codice_fiscale", "Codice fiscale"
    PARTITA_IVA = "partita_iva", "Partita IVA"
    CAP = "cap", "CAP"
    PROVINCIA = "provincia", "Provincia"
    COMUNE = "comune", "Comune"


CHOICE_TYPES = {FieldType.CHOICE, FieldType.MULTIPLE_CHOICE}
NUMBER_TYPES = {FieldType.INTEGER, FieldType.DECIMAL}


class DateLimit(models.TextChoices):
    """Which dates a date question accepts, judged on the day of the answer (Europe/Rome)."""

    ANY = "", "Qualsiasi data"
    PAST = "past", "Solo oggi o una data passata"
    FUTURE = "future", "Solo oggi o una data futura"
    # A person's birth: from 1900 to today, and the same day as the codice fiscale asked on
    # the same form (catalogue.forms.ServiceAnswersForm.clean).
    BIRTH = "birth", "Data di nascita (dal 1900 a oggi, come nel codice fiscale)"


class TextFormat(models.TextChoices):
    """What a short text question accepts: cadastral identifiers have a shape."""

    ANY = "", "Qualsiasi testo"
    DIGITS = "digits", "Solo cifre (ad esempio foglio, subalterno)"
    CODE = "code", "Lettere e cifre, anche separate da / o - (ad esempio particella 123/A)"


TEXT_FORMAT_TEXTS = {
    TextFormat.DIGITS: "solo cifre",
    TextFormat.CODE: "lettere e cifre, anche separate da / o -",
}


# The earliest birth date a date question of kind "Data di nascita" accepts.
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
# What the customer reads under a limited date question ("Date ammesse: …").
DATE_LIMIT_TEXTS = {
    DateLimit.PAST: "oggi o una data passata",
    DateLimit.FUTURE: "oggi o una data futura",
    DateLimit.BIRTH: "dal 1° gennaio 1900 a oggi",
}


def format_limit(value: Decimal) -> str:
    """12.50 → "12,5", 3.00 → "3" (the Italian way staff typed it)."""
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


class FormField(BumpsCatalogueVersion, TimeStampedModel):
    """One question of a service's form, editable by staff."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="form_fields", verbose_name="servizio"
    )
    position = models.PositiveIntegerField("ordine", default=0)
    label = models.CharField("etichetta", max_length=200)
    key = models.SlugField(
        "chiave", max_length=60, help_text="Identificativo interno, unico nel modulo"
    )
    field_type = models.CharField("tipo", max_length=20, choices=FieldType.choices)
    is_required = models.BooleanField("obbligatorio", default=True)
    help_text = models.CharField("testo di aiuto", max_length=300, blank=True)
    allowed_extensions = models.CharField(
        "formati ammessi",
        max_length=100,
        blank=True,
        help_text="Solo per i campi File: estensioni separate da virgola, es. «pdf». "
        "Vuoto: tutti i formati ammessi dal sito.",
    )
    # For yes/no questions: a supplement added when the answer is "Sì".
    price_supplement = MoneyField(
        "supplemento se «Sì» (€)",
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Plausible answers (numbers and dates): a surface of 0 m² or a birth date next year is
    # refused next to the field, on the site, in bulk files and through the API alike.
    min_value = models.DecimalField(
        "valore minimo",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Solo per i numeri. Vuoto: 0; può essere negativo (ad esempio un piano "
        "interrato).",
    )
    max_value = models.DecimalField(
        "valore massimo",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Solo per i numeri. Vuoto: nessun limite.",
    )
    text_format = models.CharField(
        "formato del testo",
        max_length=10,
        choices=TextFormat.choices,
        default=TextFormat.ANY,
        blank=True,
        help_text="Solo per i testi brevi: ad esempio un foglio catastale è fatto di sole cifre.",
    )
    date_limit = models.CharField(
        "date ammesse",
        max_length=10,
        choices=DateLimit.choices,
        default=DateLimit.ANY,
        blank=True,
        help_text=(
            "Solo per le date. «Data di nascita» controlla anche che corrisponda al codice "
            "fiscale chiesto nello stesso modulo."
        ),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "campo del modulo"
        verbose_name_plural = "campi del modulo"
        constraints = [
            models.UniqueConstraint(fields=["service", "key"], name="formfield_unique_key"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_choice(self) -> bool:
        return self.field_type in CHOICE_TYPES

    def limits_hint(self) -> str:
        """The limits as a sentence under the field, so that customers know them before an
        error ("" when none)."""
        limits = self.limits_text()
        if not limits:
            return ""
        kind = {FieldType.DATE: "Date ammesse", FieldType.TEXT: "Formato"}.get(
            FieldType(self.field_type), "Valori ammessi"
        )
        return f"{kind}: {limits}."

    def limits_text(self) -> str:
        """The limits in words, for the bulk files' instructions ("" when none)."""
        if self.field_type == FieldType.DATE and self.date_limit:
            return DATE_LIMIT_TEXTS[DateLimit(self.date_limit)]
        if self.field_type == FieldType.TEXT and self.text_format:
            return TEXT_FORMAT_TEXTS[TextFormat(self.text_format)]
        if self.field_type not in NUMBER_TYPES:
            return ""
        low, high = self.min_value, self.max_value
        if low is not None and high is not None:
            return f"da {format_limit(low)} a {format_limit(high)}"
        if high is not None:
            return f"al massimo {format_limit(high)}"
        if low is not None:
            return f"almeno {format_limit(low)}"
        return ""

    @property
    def can_add_to_price(self) -> bool:
        """Whether an answer to this question can add a supplement (choices prefetched)."""
        if self.field_type == FieldType.BOOLEAN:
            return bool(self.price_supplement)
        if self.is_choice:
            return any(choice.price_supplement for choice in self.choices.all())
        return False

    def upload_extensions(self) -> list[str]:
        """The file extensions this field accepts: its own list within the site's list."""
        site_allowed = [ext.lower() for ext in settings.UPLOAD_ALLOWED_EXTENSIONS]
        own = parse_extensions(self.allowed_extensions)
        if not own:
            return site_allowed
        return [ext for ext in own if ext in site_allowed]


def parse_extensions(text: str) -> list[str]:
    """Normalise an extensions list typed by staff: «PDF, .jpg» becomes ['pdf', 'jpg']."""
    result = []
    for part in (text or "").replace(";", ",").split(","):
        ext = part.strip().lower().lstrip(".")
        if ext and ext not in result:
            result.append(ext)
    return result


class FieldChoice(BumpsCatalogueVersion, models.Model):
    field = models.ForeignKey(
        FormField, on_delete=models.CASCADE, related_name="choices", verbose_name="campo"
    )
    position = models.PositiveIntegerField("ordine", default=0)
    label = models.CharField("etichetta", max_length=200)
    value = models.SlugField("valore", max_length=60)
    price_supplement = MoneyField(
        "supplemento (€)", default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "opzione"
        verbose_name_plural = "opzioni"
        constraints = [
            models.UniqueConstraint(fields=["field", "value"], name="fieldchoice_unique_value"),
            models.CheckConstraint(
                condition=Q(price_supplement__gte=0), name="fieldchoice_supplement_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.label
