"""Back-office forms: they validate what staff type; the actions do the work."""

from __future__ import annotations

from django import forms

from sportello.orders.actions import OutcomeFileRejected, check_outcome_file, outcome_extensions
from sportello.orders.models import LINE_TRANSITIONS, LineStatus, OrderLine


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked like a single upload."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        clean_one = super().clean
        cleaned = [clean_one(upload, initial) for upload in uploads]
        return [upload for upload in cleaned if upload]


class OutcomeForm(forms.Form):
    note = forms.CharField(
        label="Nota per il cliente",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome_files = MultipleFileField(label="File", required=False)
    complete_line = forms.BooleanField(
        label="Segna il servizio come completato", required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = outcome_extensions()
        self.fields["outcome_files"].help_text = (
            f"Formati ammessi: {', '.join(ext.upper() for ext in allowed)}. "
            "Puoi selezionare più file."
        )
        self.fields["outcome_files"].widget.attrs["accept"] = ",".join(f".{ext}" for ext in allowed)

    def clean_outcome_files(self):
        files = self.cleaned_data.get("outcome_files") or []
        errors = []
        for upload in files:
            try:
                check_outcome_file(upload)
            except OutcomeFileRejected as exc:
                errors.append(str(exc))
        if errors:
            raise forms.ValidationError(errors)
        return files

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if (
            not self.errors
            and not (cleaned.get("note") or "").strip()
            and not cleaned.get("outcome_files")
        ):
            raise forms.ValidationError("Scrivi una nota o allega almeno un file.")
        return cleaned


class LineStatusForm(forms.Form):
    to = forms.ChoiceField(label="Nuovo stato")
    note = forms.CharField(
        label="Nota",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Per «In attesa di dati dal cliente» scrivi quali dati servono: "
        "la nota è inviata al cliente.",
    )

    def __init__(self, *args, line: OrderLine, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = LINE_TRANSITIONS.get(line.status, frozenset())
        to_field = self.fields["to"]
        assert isinstance(to_field, forms.ChoiceField)
        # "Annullato per recesso" comes only from processing a withdrawal (withdrawals app).
        to_field.choices = [
            (value, label)
            for value, label in LineStatus.choices
            if value in allowed and value != LineStatus.CANCELLED
        ]


class OrderActionForm(forms.Form):
    """Two separate notes: what the customer reads, and what stays among staff."""

    customer_note = forms.CharField(
        label="Messaggio per il cliente",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Per i cambi di stato è inviato al cliente nell'e-mail.",
    )
    note = forms.CharField(
        label="Nota interna",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Resta nello storico dell'ordine: non è mai inviata al cliente.",
    )
