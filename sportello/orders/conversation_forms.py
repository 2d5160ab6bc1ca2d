"""Forms of the order conversation and of data requests, for customers and staff."""

from __future__ import annotations

from django import forms
from django.conf import settings

from sportello.catalogue.forms import AnswerFileField, ServiceAnswersForm
from sportello.catalogue.models import FormField
from sportello.core.sizes import file_size
from sportello.orders.conversation import correctable_fields
from sportello.uploads.checks import (
    accept_attribute,
    allowed_extensions,
    check_upload,
    message_attachment_extensions,
)
from sportello.uploads.models import Upload

MESSAGE_MAX_LENGTH = 5000


def _upload_help(extensions=None) -> str:
    allowed = [ext.upper() for ext in allowed_extensions(extensions)]
    return f"Formati {', '.join(allowed)}, al massimo {file_size(settings.UPLOAD_MAX_BYTES)}."


class OrderMessageForm(forms.Form):
    """A message, an attachment, or both: a file sent on its own needs no words (and is not
    lost to a "write the message" error)."""

    body = forms.CharField(
        label="Il tuo messaggio",
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        help_text="Puoi anche inviare solo un allegato.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = forms.FileField(label="Allegato (facoltativo)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The same types as a quote's messages: spreadsheets too.
        extensions = message_attachment_extensions()
        self.fields["attachment"].help_text = _upload_help(extensions)
        self.fields["attachment"].widget.attrs["accept"] = accept_attribute(extensions)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            check_upload(upload, extensions=message_attachment_extensions())
        return upload

    def clean(self):
        cleaned = super().clean() or {}
        if not cleaned.get("body") and not self.files.get(self.add_prefix("attachment")):
            self.add_error("body", forms.ValidationError("Scrivi il messaggio.", code="required"))
        return cleaned


class StaffOrderMessageForm(OrderMessageForm):
    is_internal = forms.BooleanField(
        label="Nota interna (non viene mostrata né inviata al cliente)", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Messaggio"


class DataRequestForm(forms.Form):
    """Staff say what they need: free text, answers to correct, documents to upload."""

    note = forms.CharField(
        label="Cosa serve al cliente (testo inviato al cliente)",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Scrivi cosa serve."},
    )
    field_keys = forms.MultipleChoiceField(
        label="Dati del modulo da correggere",
        help_text="Le domande che cambiano il prezzo non sono tra queste: il servizio è stato "
        "pagato con le risposte date nell'ordine.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    documents = forms.CharField(
        label="Documenti da caricare (uno per riga)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, fields_definition: list[FormField], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field_keys"].choices = [  # type: ignore[attr-defined]
            (f.key, f.label) for f in correctable_fields(fields_definition)
        ]

    def clean_documents(self) -> list[str]:
        text = self.cleaned_data.get("documents") or ""
        return [line.strip()[:200] for line in text.splitlines() if line.strip()][:10]


class DataRequestAnswerForm(ServiceAnswersForm):
    """Exactly the requested fields of the service form (pre-filled, same validation) plus one
    file input per requested document and an optional note.

    Documents are kept like the service form's files (`file_field_names`): one that passed its
    checks is stored (`store_uploads`) and re-shown by name after an error elsewhere, so it is
    not asked twice."""

    def __init__(self, *args, data_request, fields_definition: list[FormField], answers, **kw):
        wanted = set(data_request.field_keys)
        requested = [f for f in correctable_fields(fields_definition) if f.key in wanted]
        super().__init__(*args, fields_definition=requested, answers=answers, **kw)
        owner_files = kw.get("owner_files") or Upload.objects.none()
        self.document_labels = list(data_request.documents)
        for index, label in enumerate(self.document_labels):
            self.fields[f"document_{index}"] = AnswerFileField(
                owner_files=owner_files,
                label=label,
                help_text=_upload_help(),
                error_messages={"required": "Allega il documento richiesto."},
            )
        self.fields["customer_note"] = forms.CharField(
            label="Nota per lo staff (facoltativa)",
            required=False,
            max_length=MESSAGE_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def file_field_names(self) -> list[str]:
        # The documents are kept and stored as the service form's own file questions are.
        documents = [f"document_{index}" for index in range(len(self.document_labels))]
        return [*super().file_field_names(), *documents]

    def documents(self) -> dict[str, Upload]:
        """Each requested document's stored upload (after is_valid() and store_uploads())."""
        return {
            label: self.cleaned_data[f"document_{index}"]
            for index, label in enumerate(self.document_labels)
        }
