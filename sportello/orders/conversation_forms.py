"""Forms of the order conversation and of data requests, for customers and staff."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from sportello.catalogue.forms import ServiceAnswersForm
from sportello.catalogue.models import FormField
from sportello.core.sizes import file_size
from sportello.orders.conversation import correctable_fields
from sportello.uploads.checks import accept_attribute, allowed_extensions, check_upload

MESSAGE_MAX_LENGTH = 5000


def _upload_help() -> str:
    allowed = [ext.upper() for ext in allowed_extensions()]
    return f"Formati {', '.join(allowed)}, al massimo {file_size(settings.UPLOAD_MAX_BYTES)}."


def _accept() -> str:
    return accept_attribute()


class OrderMessageForm(forms.Form):
    body = forms.CharField(
        label="Il tuo messaggio",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Scrivi il messaggio."},
    )
    attachment = forms.FileField(label="Allegato (facoltativo)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = _upload_help()
        self.fields["attachment"].widget.attrs["accept"] = _accept()

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            check_upload(upload)
        return upload


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
    file input per requested document and an optional note."""

    def __init__(self, *args, data_request, fields_definition: list[FormField], answers, **kw):
        wanted = set(data_request.field_keys)
        requested = [f for f in correctable_fields(fields_definition) if f.key in wanted]
        super().__init__(*args, fields_definition=requested, answers=answers, **kw)
        self.document_labels = list(data_request.documents)
        for index, label in enumerate(self.document_labels):
            field = forms.FileField(
                label=label,
                help_text=_upload_help(),
                error_messages={"required": "Allega il documento richiesto."},
            )
            field.widget.attrs["accept"] = _accept()
            self.fields[f"document_{index}"] = field
        self.fields["customer_note"] = forms.CharField(
            label="Nota per lo staff (facoltativa)",
            required=False,
            max_length=MESSAGE_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
        )

    def clean(self):
        cleaned = super().clean() or {}
        for index in range(len(self.document_labels)):
            upload = cleaned.get(f"document_{index}")
            if upload:
                try:
                    check_upload(upload)
                except forms.ValidationError as exc:
                    self.add_error(f"document_{index}", exc)
        return cleaned

    def ask_documents_again(self) -> None:
        """After errors elsewhere: a document that was attached and passed its checks is not
        kept (it is stored only with the answer), so its field asks for it again by name."""
        for index in range(len(self.document_labels)):
            name = f"document_{index}"
            upload = self.files.get(self.add_prefix(name)) if self.files else None
            if upload is not None and name not in self.errors:
                self.add_error(
                    name,
                    f"Il file {upload.name} non è stato salvato perché il modulo contiene "
                    "errori: allegalo di nuovo.",
                )

    def documents(self) -> dict[str, UploadedFile]:
        return {
            label: self.cleaned_data[f"document_{index}"]
            for index, label in enumerate(self.document_labels)
        }
