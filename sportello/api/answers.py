"""The API's answers to a service's form, validated by the same form as the web page.

JSON answers are turned into the form data a browser would post (booleans as "si"/"no",
lists for multiple choices, a file answer as the id of an upload of the user's own, which the
form accepts like a file kept from an earlier post), then `catalogue.forms.ServiceAnswersForm`
validates them and gives the stored answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.datastructures import MultiValueDict

from sportello.catalogue.answers import AnswerItem, Answers
from sportello.catalogue.forms import ServiceAnswersForm
from sportello.catalogue.models import FieldType, FormField, Service
from sportello.uploads.models import Upload

UNKNOWN_FIELD = "Campo sconosciuto per questo servizio."
NOT_A_VALUE = "Valore non valido: usa un testo, un numero, un booleano o un elenco."


class AnswersInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


@dataclass(frozen=True)
class ValidatedLine:
    service: Service
    fields_definition: list[FormField]
    answers: dict
    form_version: int

    @property
    def summary(self) -> list[AnswerItem]:
        return Answers.of(self.answers).display(self.fields_definition)


def _scalar(value) -> str | None:
    if isinstance(value, bool):
        return "si" if value else "no"
    if isinstance(value, int | float | str):
        return str(value)
    return None


def form_data(fields_definition: list[FormField], answers: dict) -> tuple[MultiValueDict, dict]:
    """(data for the form, errors of values no browser could post)."""
    data: MultiValueDict = MultiValueDict()
    errors: dict[str, list[str]] = {}
    by_key = {definition.key: definition for definition in fields_definition}
    for key, value in answers.items():
        definition = by_key.get(key)
        if definition is None:
            errors[key] = [UNKNOWN_FIELD]
            continue
        if value is None:
            continue
        if definition.field_type == FieldType.MULTIPLE_CHOICE and isinstance(value, list):
            items = [_scalar(item) for item in value]
            if any(item is None for item in items):
                errors[key] = [NOT_A_VALUE]
            else:
                data.setlist(key, items)
            continue
        text = _scalar(value)
        if text is None:
            errors[key] = [NOT_A_VALUE]
        elif definition.field_type == FieldType.FILE:
            data[f"{key}__kept"] = text
        elif definition.field_type == FieldType.BOOLEAN and isinstance(value, bool):
            data[key] = text
        elif isinstance(value, bool):
            # true/false only mean something to a yes/no question.
            errors[key] = [NOT_A_VALUE]
        else:
            data[key] = text
    return data, errors


def validate_answers(*, service: Service, answers: dict, user) -> ValidatedLine:
    """Raises AnswersInvalid with the form's Italian messages, keyed by field key.

    `service` must come with its form fields and their choices prefetched."""
    fields_definition = list(service.form_fields.all())
    data, errors = form_data(fields_definition, answers)
    form = ServiceAnswersForm(
        data=data,
        files=MultiValueDict(),
        fields_definition=fields_definition,
        owner_files=Upload.objects.filter(owner=user),
    )
    if not form.is_valid():
        for key, messages in form.errors.items():
            errors.setdefault(key, []).extend(str(message) for message in messages)
    if errors:
        raise AnswersInvalid(errors)
    return ValidatedLine(
        service=service,
        fields_definition=fields_definition,
        answers=form.answers(),
        form_version=service.form_version,
    )
