"""Back-office for the catalogue: categories, services and each service's form.

Every change to a service's form fields or choices bumps the service's form version
(`actions.bump_form_version`), so answer sets given on an older form can be told apart.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.text import slugify

from sportello.catalogue.actions import bump_form_version, catalogue_rows_deleted
from sportello.catalogue.forms import ItalianDecimalField
from sportello.catalogue.models import (
    CHOICE_TYPES,
    NUMBER_TYPES,
    Category,
    FieldChoice,
    FieldType,
    FormField,
    PricingMode,
    Service,
    parse_extensions,
)
from sportello.core.admin import TextareaField

# Staff type amounts the Italian way ("30,00"); "30.00" still works.
LOCALIZED_AMOUNTS: dict[type[models.Field], dict[str, Any]] = {
    models.DecimalField: {"localize": True},
    models.TextField: {"form_class": TextareaField},
}


class CatalogueModelAdmin(admin.ModelAdmin):
    """Deleting from a list is a queryset delete, which the models' delete() never sees."""

    formfield_overrides = LOCALIZED_AMOUNTS

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        catalogue_rows_deleted()


# --- Categories -----------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(CatalogueModelAdmin):
    list_display = ("name", "position", "is_active", "service_count")
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    ordering = ("position", "name")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "description")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(number_of_services=Count("services"))

    @admin.display(description="servizi", ordering="number_of_services")
    def service_count(self, category):
        return category.number_of_services


# --- Form fields: shared validation ---------------------------------------------------------


class FormFieldAdminForm(forms.ModelForm):
    # Model and fields come from the ModelAdmin / inline that uses the form.
    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        field_type = cleaned.get("field_type")
        supplement = cleaned.get("price_supplement")
        if supplement and field_type != FieldType.BOOLEAN:
            self.add_error(
                "price_supplement",
                "Il supplemento «Sì» vale solo per i campi Sì/No: per le scelte indicalo "
                "su ciascuna opzione.",
            )
        extensions = parse_extensions(cleaned.get("allowed_extensions", ""))
        if extensions and field_type != FieldType.FILE:
            self.add_error("allowed_extensions", "I formati ammessi valgono solo per i campi File.")
        site_allowed = [ext.lower() for ext in settings.UPLOAD_ALLOWED_EXTENSIONS]
        refused = [ext for ext in extensions if ext not in site_allowed]
        if refused:
            self.add_error(
                "allowed_extensions",
                f"Formati non ammessi dal sito: {', '.join(refused)}. "
                f"Puoi scegliere tra: {', '.join(site_allowed)}.",
            )
        elif extensions:
            cleaned["allowed_extensions"] = ", ".join(extensions)
        self._clean_limits(field_type)
        return cleaned

    def _clean_limits(self, field_type) -> None:
        cleaned = self.cleaned_data
        low, high = cleaned.get("min_value"), cleaned.get("max_value")
        if cleaned.get("date_limit") and field_type != FieldType.DATE:
            self.add_error("date_limit", "Le date ammesse valgono solo per i campi Data.")
        if cleaned.get("text_format") and field_type != FieldType.TEXT:
            self.add_error("text_format", "Il formato vale solo per i campi Testo breve.")
        if field_type not in NUMBER_TYPES:
            for name, value in (("min_value", low), ("max_value", high)):
                if value is not None:
                    self.add_error(name, "I valori minimo e massimo valgono solo per i numeri.")
            return
        if field_type == FieldType.INTEGER:
            for name, value in (("min_value", low), ("max_value", high)):
                if value is not None and value != value.to_integral_value():
                    self.add_error(name, "Per un numero intero il limite è un numero intero.")
        # An empty minimum is 0 (a negative one is for answers such as a basement floor).
        if high is not None and high < (low if low is not None else 0):
            self.add_error(
                "max_value",
                "Il valore massimo deve essere almeno il minimo (0 se il minimo è vuoto).",
            )


# --- Services, with their form fields as an ordered inline ----------------------------------


def _parse_choice_lines(text: str) -> list[tuple[str, str, object]]:
    """Parse «Etichetta | 30,00» lines into (value, label, supplement); supplement may be None."""
    parsed = []
    amount_field = ItalianDecimalField(max_digits=12, decimal_places=2, required=False)
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        label, _, amount = (part.strip() for part in line.partition("|"))
        value = slugify(label)[:60]
        if not value:
            raise forms.ValidationError(f"Riga {number}: scrivi l'etichetta dell'opzione.")
        try:
            supplement = amount_field.clean(amount) if amount else None
        except forms.ValidationError as exc:
            raise forms.ValidationError(
                f"Riga {number}: il supplemento «{amount}» non è un importo valido (es. 30,00)."
            ) from exc
        if supplement is not None and supplement < 0:
            raise forms.ValidationError(f"Riga {number}: il supplemento non può essere negativo.")
        parsed.append((value, label, supplement))
    return parsed


class FormFieldInlineForm(FormFieldAdminForm):
    new_choices = forms.CharField(
        label="aggiungi opzioni",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 28}),
        help_text="Per i campi a scelta: una per riga, «Etichetta» oppure «Etichetta | 30,00».",
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        try:
            self.parsed_choices = _parse_choice_lines(cleaned.get("new_choices", ""))
        except forms.ValidationError as exc:
            self.parsed_choices = []
            self.add_error("new_choices", exc)
            return cleaned
        field_type = cleaned.get("field_type")
        if self.parsed_choices and field_type not in CHOICE_TYPES:
            self.add_error("new_choices", "Le opzioni valgono solo per i campi a scelta.")
        elif field_type in CHOICE_TYPES and not self.parsed_choices:
            has_choices = self.instance.pk is not None and self.instance.choices.exists()
            if not has_choices:
                self.add_error(
                    "new_choices",
                    "Un campo a scelta singola o multipla deve avere almeno un'opzione: "
                    "scrivile qui, una per riga.",
                )
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()  # type: ignore[misc]  # Django's hook, missing from the stubs
        parsed = getattr(self, "parsed_choices", [])
        if not parsed:
            return
        existing = {choice.value: choice for choice in self.instance.choices.all()}
        position = max((choice.position for choice in existing.values()), default=0)
        for value, label, supplement in parsed:
            if value in existing:
                continue
            position += 1
            existing[value] = FieldChoice.objects.create(
                field=self.instance,
                value=value,
                label=label,
                position=position,
                price_supplement=supplement if supplement is not None else 0,
            )


class FormFieldInline(admin.TabularInline):
    formfield_overrides = LOCALIZED_AMOUNTS
    model = FormField
    form = FormFieldInlineForm
    extra = 0
    ordering = ("position", "id")
    fields = (
        "position",
        "label",
        "key",
        "field_type",
        "is_required",
        "help_text",
        "price_supplement",
        "allowed_extensions",
        "new_choices",
    )
    prepopulated_fields = {"key": ("label",)}
    show_change_link = True
    verbose_name = "campo del modulo"
    verbose_name_plural = (
        "modulo del servizio (campi in ordine; «Modifica» per le opzioni e i limiti delle risposte)"
    )


class ServiceAdminForm(forms.ModelForm):
    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("pricing_mode") == PricingMode.FIXED and cleaned.get("net_price") is None:
            self.add_error(
                "net_price",
                "Indica il prezzo netto: il servizio è a prezzo fisso. "
                "Se il prezzo si stabilisce caso per caso, scegli «Su preventivo».",
            )
        return cleaned


@admin.register(Service)
class ServiceAdmin(CatalogueModelAdmin):
    formfield_overrides = LOCALIZED_AMOUNTS
    form = ServiceAdminForm
    inlines = [FormFieldInline]
    list_display = (
        "name",
        "category",
        "pricing_mode",
        "net_price",
        "vat_rate",
        "is_active",
        "is_featured",
        "position",
    )
    list_filter = ("category", "pricing_mode", "is_active", "is_featured")
    list_select_related = ("category",)
    search_fields = ("name", "slug", "summary", "description")
    ordering = ("category__position", "position", "name")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("form_version",)
    fieldsets = (
        (None, {"fields": ("category", "name", "slug", "summary", "description")}),
        ("Prezzo", {"fields": ("pricing_mode", "net_price", "vat_rate")}),
        (
            "Consegna prevista (giorni lavorativi)",
            {"fields": ("delivery_working_days", "delivery_starts_from")},
        ),
        (
            "Pubblicazione",
            {"fields": ("delivery_time", "is_active", "is_featured", "position", "form_version")},
        ),
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and any(formset.has_changed() for formset in formsets):
            bump_form_version(form.instance)


# --- A form field on its own page, with its choices -----------------------------------------


class FieldChoiceInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.field_type not in CHOICE_TYPES:
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("label")
        ]
        if not kept:
            raise forms.ValidationError(
                "Un campo a scelta singola o multipla deve avere almeno un'opzione."
            )


class FieldChoiceInline(admin.TabularInline):
    formfield_overrides = LOCALIZED_AMOUNTS
    model = FieldChoice
    formset = FieldChoiceInlineFormSet
    extra = 1
    ordering = ("position", "id")
    fields = ("position", "label", "value", "price_supplement")
    prepopulated_fields = {"value": ("label",)}


@admin.register(FormField)
class FormFieldAdmin(CatalogueModelAdmin):
    formfield_overrides = LOCALIZED_AMOUNTS
    form = FormFieldAdminForm
    inlines = [FieldChoiceInline]
    list_display = ("label", "key", "service", "field_type", "is_required", "position")
    list_filter = ("field_type", "service__category")
    list_select_related = ("service",)
    search_fields = ("label", "key", "service__name")
    autocomplete_fields = ("service",)
    ordering = ("service__name", "position", "id")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        field = form.instance
        if not change or form.has_changed() or any(fs.has_changed() for fs in formsets):
            bump_form_version(field.service)
        previous_service = form.initial.get("service")
        if change and "service" in form.changed_data and previous_service:
            bump_form_version(Service.objects.get(pk=previous_service))

    def delete_model(self, request, obj):
        service = obj.service
        super().delete_model(request, obj)
        bump_form_version(service)

    def delete_queryset(self, request, queryset):
        services = list(Service.objects.filter(form_fields__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for service in services:
            bump_form_version(service)
