"""The per-service form, built at run time from the fields staff define in the back-office.

Answers are stored as JSON-friendly values (see `ServiceAnswersForm.answers`), so a cart line,
an order line and a quote line can all keep them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, DecimalException
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils import timezone

from sportello.catalogue.answers import Answers, file_answer
from sportello.catalogue.models import (
    EARLIEST_BIRTH_DATE,
    DateLimit,
    FieldType,
    FormField,
    TextFormat,
    format_limit,
)
from sportello.core import italian
from sportello.core.money import format_euro
from sportello.core.widgets import StaticChoicesSelect
from sportello.uploads.actions import store_upload
from sportello.uploads.checks import accept_attribute, allowed_extensions, check_upload
from sportello.uploads.models import Upload

MAX_TEXT_LENGTH = 200
MAX_TEXTAREA_LENGTH = 4000


def _choice_label(choice) -> str:
    if choice.price_supplement:
        return f"{choice.label} (+{format_euro(choice.price_supplement)} + IVA)"
    return choice.label


class KeptFileInput(forms.ClearableFileInput):
    """A file input that remembers a file already uploaded for this answer.

    The kept file's id travels in a hidden input, so a form re-shown after an error
    (or opened again with "Modifica") does not ask for the file again. An optional
    field also offers a "Rimuovi" checkbox to drop the kept file.
    """

    template_name = "catalogue/widgets/kept_file_input.html"
    clear_checkbox_label = "Rimuovi il file"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.kept: Upload | None = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["kept"] = self.kept
        widget["kept_name"] = f"{name}__kept"
        widget["clear_name"] = f"{name}__clear"
        if self.kept is not None:
            # The browser must not insist on a new file when one is already kept.
            widget["attrs"].pop("required", None)
            # Screen readers announce the kept file ("File caricato: …") with the input.
            attrs = widget["attrs"]
            if attrs.get("id"):
                described = f"{attrs.get('aria-describedby', '')} {attrs['id']}_kept"
                attrs["aria-describedby"] = described.strip()
        return context

    def value_from_datadict(self, data, files, name):
        kept = "" if data.get(f"{name}__clear") else data.get(f"{name}__kept", "")
        return {"upload": files.get(name), "kept": kept}

    def value_omitted_from_data(self, data, files, name):
        return name not in files and f"{name}__kept" not in data


class AnswerFileField(forms.Field):
    widget = KeptFileInput
    default_error_messages = {"required": "Allega il file richiesto."}

    def __init__(self, *, owner_files, extensions: list[str] | None = None, **kwargs):
        # `owner_files` is a queryset of Upload the current visitor may reuse.
        self.owner_files = owner_files
        self.extensions = allowed_extensions(extensions or None)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = accept_attribute(self.extensions)

    def clean(self, value):
        upload: UploadedFile | None = (value or {}).get("upload")
        kept_id = str((value or {}).get("kept") or "")
        if upload:
            return self._validate_upload(upload)
        if kept_id:
            # Only the visitor's own files: an id of someone else's file is ignored.
            kept = self.owner_files.filter(pk=kept_id).first() if kept_id.isdigit() else None
            if kept is not None:
                return kept
        if self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return None

    def _validate_upload(self, upload: UploadedFile) -> UploadedFile:
        return check_upload(upload, extensions=self.extensions)


_THOUSANDS_GROUPS = re.compile(r"^\d{1,3}(\.\d{3})+$")


class ItalianDecimalField(forms.DecimalField):
    """A decimal typed the Italian way: "12,50", "1.234,50"; "12.50" is accepted too."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = re.sub(r"\s", "", str(value))
        # A negative answer where staff allow one ("-0,5"): the sign, then the number.
        sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
        if "," in text:
            integer, _, decimals = text.rpartition(",")
            if integer and not (integer.isdigit() or _THOUSANDS_GROUPS.match(integer)):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            text = f"{integer.replace('.', '')}.{decimals}"
        elif _THOUSANDS_GROUPS.match(text):
            # "1.234" is one thousand two hundred thirty-four in Italy.
            text = text.replace(".", "")
        if text.startswith(("-", "+")):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return Decimal(sign + text)
        except DecimalException as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


_INTEGER = re.compile(r"^-?\d+$")
_INTEGER_SPACE_GROUPS = re.compile(r"^\d{1,3}( \d{3})+$")


class ItalianIntegerField(forms.IntegerField):
    """A whole number typed the Italian way: "1.000" and "1 000" are one thousand.

    Django's IntegerField reads "1.000" as 1 (it drops a trailing ".000"), and a browser's
    number input does the same: a text input with a numeric keyboard keeps what was typed.
    """

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = re.sub(r"[\s\u00a0\u202f]+", " ", str(value)).strip()
        if _THOUSANDS_GROUPS.match(text) or _INTEGER_SPACE_GROUPS.match(text):
            text = text.replace(".", "").replace(" ", "")
        if not _INTEGER.match(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


def _limit_validators(field: FormField) -> list:
    """Staff's limits on a number question, with the numbers written the Italian way."""
    validators: list = []
    if field.min_value is not None:
        validators.append(
            MinValueValidator(
                field.min_value, message=f"Il valore minimo è {format_limit(field.min_value)}."
            )
        )
    if field.max_value is not None:
        validators.append(
            MaxValueValidator(
                field.max_value, message=f"Il valore massimo è {format_limit(field.max_value)}."
            )
        )
    return validators


# Cadastral identifiers: "12", "123/A", "A-12". Spaces are not part of them.
_TEXT_FORMATS = {
    TextFormat.DIGITS: RegexValidator(
        r"^[0-9]+$", "Inserisci solo cifre, senza spazi.", code="text_format"
    ),
    TextFormat.CODE: RegexValidator(
        r"^[A-Za-z0-9]+(?:[/-][A-Za-z0-9]+)*$",
        "Inserisci solo lettere e cifre, anche separate da / o - (ad esempio 123/A).",
        code="text_format",
    ),
}


def _text_format_validators(field: FormField) -> list:
    validator = _TEXT_FORMATS.get(TextFormat(field.text_format)) if field.text_format else None
    return [validator] if validator else []


def _check_date_limit(limit: str):
    def check(value: dt.date) -> None:
        today = timezone.localdate()  # Europe/Rome
        if limit in (DateLimit.PAST, DateLimit.BIRTH) and value > today:
            raise ValidationError("La data non può essere nel futuro.", code="future_date")
        if limit == DateLimit.FUTURE and value < today:
            raise ValidationError("La data non può essere nel passato.", code="past_date")
        if limit == DateLimit.BIRTH and value < EARLIEST_BIRTH_DATE:
            raise ValidationError(
                "La data di nascita non può essere prima del 1900.", code="too_early_birth_date"
            )

    return check


def _build_field(field: FormField, owner_files) -> forms.Field:
    hint = field.limits_hint()
    common: dict[str, Any] = {
        "label": field.label,
        "required": field.is_required,
        "help_text": f"{field.help_text} · {hint}"
        if field.help_text and hint
        else field.help_text or hint,
    }
    kind = field.field_type
    if kind == FieldType.TEXT:
        text = forms.CharField(
            max_length=MAX_TEXT_LENGTH, validators=_text_format_validators(field), **common
        )
        if field.text_format == TextFormat.DIGITS:
            text.widget.attrs["inputmode"] = "numeric"
        return text
    if kind == FieldType.TEXTAREA:
        return forms.CharField(
            max_length=MAX_TEXTAREA_LENGTH, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == FieldType.INTEGER:
        # Staff's limits replace the defaults (a minimum may be negative: a basement floor).
        return ItalianIntegerField(
            min_value=0 if field.min_value is None else None,
            max_value=10**9 if field.max_value is None else None,
            validators=_limit_validators(field),
            **common,
        )
    if kind == FieldType.DECIMAL:
        return ItalianDecimalField(
            max_digits=12,
            decimal_places=2,
            min_value=Decimal("0") if field.min_value is None else None,
            validators=_limit_validators(field),
            **common,
        )
    if kind == FieldType.DATE:
        # The browser's picker offers only the days the question accepts (Rome's today).
        attrs = {"type": "date"}
        if field.date_limit == DateLimit.BIRTH:
            attrs["min"] = EARLIEST_BIRTH_DATE.isoformat()
        if field.date_limit in (DateLimit.PAST, DateLimit.BIRTH):
            attrs["max"] = timezone.localdate().isoformat()
        elif field.date_limit == DateLimit.FUTURE:
            attrs["min"] = timezone.localdate().isoformat()
        return forms.DateField(
            widget=forms.DateInput(attrs=attrs, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            validators=[_check_date_limit(field.date_limit)] if field.date_limit else [],
            **common,
        )
    if kind == FieldType.EMAIL:
        return forms.EmailField(**common)
    if kind == FieldType.PHONE:
        return italian.PhoneField(**common)
    if kind == FieldType.CHOICE:
        options = [(c.value, _choice_label(c)) for c in field.choices.all()]
        if field.is_required:
            return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(
            choices=[("", "— Nessuna scelta —"), *options], widget=StaticChoicesSelect, **common
        )
    if kind == FieldType.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(c.value, _choice_label(c)) for c in field.choices.all()],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if kind == FieldType.BOOLEAN:
        label = field.label
        if field.price_supplement:
            label = f"{label} (+{format_euro(field.price_supplement)} + IVA)"
        # A required yes/no question still accepts "No": "required" means "must answer". An
        # optional one left out (an API call, a bulk file's empty cell) is "No", as the site
        # pre-sets it: the same rule everywhere the question is asked.
        return forms.TypedChoiceField(
            label=label,
            help_text=field.help_text,
            required=field.is_required,
            choices=[("si", "Sì"), ("no", "No")],
            coerce=lambda value: value == "si",
            empty_value=False,  # type: ignore[arg-type]  # Django takes any value here
            widget=forms.RadioSelect,
            initial=None if field.is_required else "no",
        )
    if kind == FieldType.FILE:
        return AnswerFileField(
            owner_files=owner_files, extensions=field.upload_extensions(), **common
        )
    if kind == FieldType.CODICE_FISCALE:
        return italian.CodiceFiscaleField(**common)
    if kind == FieldType.PARTITA_IVA:
        return italian.PartitaIvaField(**common)
    if kind == FieldType.CAP:
        return italian.CapField(**common)
    if kind == FieldType.PROVINCIA:
        return italian.ProvinciaField(**common)
    if kind == FieldType.COMUNE:
        return italian.ComuneField(**common)
    raise ValueError(f"Unknown field type {kind!r}")


class ServiceAnswersForm(forms.Form):
    """The customer's answers to one service's form.

    `fields_definition` must be the service's FormField rows with their choices prefetched.
    `owner_files` is the Upload queryset the visitor may reuse (their own uploads).
    """

    def __init__(
        self,
        *args,
        fields_definition: list[FormField],
        owner_files=None,
        answers: dict | None = None,
        **kwargs,
    ):
        self.fields_definition = list(fields_definition)
        if owner_files is None:
            owner_files = Upload.objects.none()
        if answers is not None and "initial" not in kwargs:
            kwargs["initial"] = answers_to_initial(self.fields_definition, answers)
        super().__init__(*args, **kwargs)
        kept_by_key = _kept_files(self.fields_definition, answers or {}, owner_files)
        for definition in self.fields_definition:
            form_field = _build_field(definition, owner_files)
            if isinstance(form_field.widget, KeptFileInput):
                form_field.widget.kept = kept_by_key.get(definition.key)
            self.fields[definition.key] = form_field

    @classmethod
    def of_stored_answers(
        cls, fields_definition: list[FormField], answers, *, owner_files
    ) -> ServiceAnswersForm:
        """The form bound to answers stored earlier (a cart line, a past order's line) as if
        just sent, to check them against today's form (`answers_to_data`)."""
        return cls(
            answers_to_data(fields_definition, answers),
            fields_definition=fields_definition,
            owner_files=owner_files,
        )

    def clean(self):
        cleaned = super().clean() or {}
        self._check_birth_date_against_codice_fiscale(cleaned)
        return cleaned

    def _check_birth_date_against_codice_fiscale(self, cleaned: dict) -> None:
        """A form asking one codice fiscale and one "Data di nascita" is about a person: the
        code must be a person's (16 characters) and give the same day (a typo in either would
        buy a report on someone else). Forms with more than one of either are not guessed at."""
        births = [d for d in self.fields_definition if d.date_limit == DateLimit.BIRTH]
        codes = [d for d in self.fields_definition if d.field_type == FieldType.CODICE_FISCALE]
        if len(births) != 1 or len(codes) != 1:
            return
        born, code = cleaned.get(births[0].key), cleaned.get(codes[0].key)
        if not born or not code:
            return
        if len(code) != 16:
            self.add_error(
                codes[0].key,
                ValidationError(
                    "Inserisci il codice fiscale di una persona fisica (16 caratteri): il "
                    "modulo ne chiede la data di nascita.",
                    code="codice_fiscale_person",
                ),
            )
            return
        if italian.birth_date_matches(code, born):
            return
        self.add_error(
            codes[0].key,
            ValidationError(
                f"Il codice fiscale non corrisponde alla data di nascita "
                f"({born:%d/%m/%Y}): controlla l'uno e l'altra.",
                code="codice_fiscale_birth_date",
            ),
        )

    def file_field_names(self) -> list[str]:
        """The form's kept-file inputs (AnswerFileField): the file questions; a subclass adds
        its own (a data request's documents)."""
        return [d.key for d in self.fields_definition if d.field_type == FieldType.FILE]

    def _post_clean(self):
        super()._post_clean()  # type: ignore[misc]  # Django's hook, missing from the stubs
        # After an error, keep showing files that were accepted, so nothing is asked twice.
        for name in self.file_field_names():
            value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
            if isinstance(value, Upload):
                self.fields[name].widget.kept = value  # type: ignore[attr-defined]

    def store_uploads(self, *, user=None, session_key: str = "") -> None:
        """Save accepted uploads as Upload rows (call after is_valid(), valid or not)."""
        for name in self.file_field_names():
            value = self.cleaned_data.get(name)
            if isinstance(value, UploadedFile):
                stored = store_upload(value, owner=user, session_key=session_key)
                self.cleaned_data[name] = stored
                self.fields[name].widget.kept = stored  # type: ignore[attr-defined]

    def answers(self) -> dict:
        """JSON-friendly answers, keyed by field key (call after is_valid() and store_uploads())."""
        result: dict = {}
        for definition in self.fields_definition:
            result[definition.key] = _to_json(definition, self.cleaned_data.get(definition.key))
        return result


def _to_json(definition: FormField, value):
    if value is None or value == "" or value == []:
        return None
    kind = definition.field_type
    if kind == FieldType.DECIMAL:
        return str(value)
    if kind == FieldType.DATE:
        return value.isoformat()
    if kind == FieldType.FILE:
        if isinstance(value, Upload):
            return file_answer(upload_id=value.pk, name=value.original_name)
        raise ValueError("Uploads must be stored before reading the answers")
    if kind == FieldType.MULTIPLE_CHOICE:
        return list(value)
    return value


def answers_to_initial(fields_definition: list[FormField], answers: dict) -> dict:
    initial: dict = {}
    for definition in fields_definition:
        value = answers.get(definition.key)
        if value is None or definition.field_type == FieldType.FILE:
            continue
        if definition.field_type == FieldType.BOOLEAN:
            initial[definition.key] = "si" if value else "no"
        elif definition.field_type == FieldType.DATE:
            initial[definition.key] = dt.date.fromisoformat(value)
        elif definition.field_type == FieldType.DECIMAL:
            initial[definition.key] = Decimal(value)
        else:
            initial[definition.key] = value
    return initial


def answers_to_data(fields_definition: list[FormField], answers) -> dict:
    """Stored answers as the form's submitted data, to validate them again against today's
    form (a past order's lines going back into the cart). A file answer becomes the kept
    file's id: the form accepts it only while the upload is one of `owner_files`."""
    data: dict = {}
    stored = Answers.of(answers)
    for definition in fields_definition:
        value = stored.get(definition.key)
        if value is None or value == "" or value == []:
            continue
        kind = definition.field_type
        if kind == FieldType.FILE:
            file_id = stored.files().get(definition.key)
            if file_id is not None:
                data[f"{definition.key}__kept"] = str(file_id)
        elif kind == FieldType.BOOLEAN:
            data[definition.key] = "si" if value is True else "no"
        elif kind == FieldType.MULTIPLE_CHOICE:
            data[definition.key] = [str(v) for v in value] if isinstance(value, list) else []
        elif kind == FieldType.DECIMAL:
            # The decimal comma: "1.500" would read as one thousand five hundred.
            data[definition.key] = str(value).replace(".", ",")
        else:
            data[definition.key] = str(value)
    return data


def _kept_files(fields_definition, answers: dict, owner_files) -> dict:
    file_keys = {d.key for d in fields_definition if d.field_type == FieldType.FILE}
    wanted = {
        file_id: key for key, file_id in Answers.of(answers).files().items() if key in file_keys
    }
    if not wanted:
        return {}
    return {wanted[f.pk]: f for f in owner_files.filter(pk__in=list(wanted))}
