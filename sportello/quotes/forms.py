from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from sportello.catalogue.forms import ItalianDecimalField
from sportello.core.sizes import file_size
from sportello.quotes.actions import MAX_VAT_RATE
from sportello.uploads.checks import (
    accept_attribute,
    check_upload,
    message_attachment_extensions,
)

MESSAGE_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 2000


def attachment_extensions() -> list[str]:
    """The site's upload types plus CSV and XLSX, as every conversation's attachments."""
    return message_attachment_extensions()


def validate_attachment(upload: UploadedFile) -> UploadedFile:
    """Type (extension and content) and size limits from settings, with Italian messages."""
    return check_upload(upload, extensions=attachment_extensions())


class QuoteRequestForm(forms.Form):
    message = forms.CharField(
        label="Messaggio (facoltativo)",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Aggiungi altre informazioni utili per preparare il preventivo.",
    )
    needed_by = forms.DateField(
        label="Ti serve entro il (facoltativo)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    # Issued with the page: posting the same page twice makes one request.
    submit_token = forms.UUIDField(widget=forms.HiddenInput)

    def clean_needed_by(self):
        value = self.cleaned_data.get("needed_by")
        if value is not None and value < timezone.localdate():
            raise ValidationError("La data non può essere nel passato.")
        return value


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Il tuo messaggio",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Scrivi il messaggio."},
    )
    attachment = forms.FileField(
        label="Allegato (facoltativo)",
        required=False,
        help_text="",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = attachment_extensions()
        self.fields["attachment"].widget.attrs["accept"] = accept_attribute(allowed)
        self.fields["attachment"].help_text = (
            f"Formati {', '.join(e.upper() for e in allowed)}, "
            f"al massimo {file_size(settings.UPLOAD_MAX_BYTES)}."
        )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            validate_attachment(upload)
        return upload


class AcceptForm(forms.Form):
    # The version the customer saw: a newer one sent meanwhile must be read first.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Motivo (facoltativo)",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Staff ----------------------------------------------------------------------------------


class PricingForm(forms.Form):
    """One net price and VAT rate per line, the validity date and the notes for the customer."""

    valid_until = forms.DateField(
        label="Valido fino al",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    notes_for_customer = forms.CharField(
        label="Note per il cliente",
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, lines, initial_prices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        initial_prices = initial_prices or {}
        for line in self.lines:
            net, vat_rate = initial_prices.get(line.pk, (None, settings.DEFAULT_VAT_RATE))
            self.fields[f"net_{line.pk}"] = ItalianDecimalField(
                label=f"{line.service_name}: imponibile (€)",
                min_value=Decimal("0"),
                max_digits=12,
                decimal_places=2,
                initial=net,
            )
            self.fields[f"vat_{line.pk}"] = ItalianDecimalField(
                label=f"{line.service_name}: aliquota IVA (%)",
                min_value=Decimal("0"),
                max_value=MAX_VAT_RATE,
                max_digits=5,
                decimal_places=2,
                initial=vat_rate,
            )

    def line_fields(self):
        return [(line, self[f"net_{line.pk}"], self[f"vat_{line.pk}"]) for line in self.lines]

    def clean_valid_until(self):
        value: dt.date = self.cleaned_data["valid_until"]
        if value < timezone.localdate():
            raise ValidationError("La data di validità non può essere nel passato.")
        return value

    def line_prices(self) -> dict[int, tuple[Decimal, Decimal]]:
        return {
            line.pk: (self.cleaned_data[f"net_{line.pk}"], self.cleaned_data[f"vat_{line.pk}"])
            for line in self.lines
        }


class StaffMessageForm(MessageForm):
    ask_for_details = forms.BooleanField(
        label="Chiedi dettagli al cliente (il preventivo torna «In lavorazione»)",
        required=False,
    )

    def __init__(self, *args, can_ask_for_details: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Messaggio al cliente"
        if not can_ask_for_details:
            # The quote cannot go back to «In lavorazione» (accepted, ordered, closed).
            del self.fields["ask_for_details"]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Motivo (comunicato al cliente)",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
