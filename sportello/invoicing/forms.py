"""Back-office forms: a period, receipt files, the correction of a rejected document."""

from __future__ import annotations

from django import forms
from stdnum.it import codicefiscale, iva

from sportello.invoicing.receipts import MAX_RECEIPT_BYTES

MAX_RECEIPT_FILES = 50


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        label="Dal", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Al", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "La data finale precede quella iniziale.")
        return data


class ExportForm(PeriodForm):
    include_sent = forms.BooleanField(
        label="Includi i documenti già inviati allo SdI",
        required=False,
        help_text="Solo per archivio: non inviarli di nuovo, lo SdI li scarterebbe come duplicati.",
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xml"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class ReceiptsForm(forms.Form):
    receipts = MultipleFileField(
        label="Ricevute SdI",
        help_text="File XML restituiti dallo SdI (RC, NS, MC); se ne possono scegliere più di uno.",
    )

    def clean_receipts(self):
        files = self.cleaned_data["receipts"]
        if not files:
            raise forms.ValidationError("Scegli almeno un file.")
        if len(files) > MAX_RECEIPT_FILES:
            raise forms.ValidationError(f"Al massimo {MAX_RECEIPT_FILES} file per volta.")
        for upload in files:
            if not upload.name.lower().endswith(".xml"):
                raise forms.ValidationError(f"{upload.name}: sono ammessi solo file XML.")
            if upload.size > MAX_RECEIPT_BYTES:
                raise forms.ValidationError(f"{upload.name}: file troppo grande.")
        return files


class BuyerCorrectionForm(forms.Form):
    """The buyer's billing data of a rejected document, as staff correct it."""

    kind = forms.ChoiceField(
        label="Tipo cliente",
        choices=[("person", "Privato"), ("company", "Azienda o professionista")],
    )
    first_name = forms.CharField(label="Nome", max_length=150, required=False)
    last_name = forms.CharField(label="Cognome", max_length=150, required=False)
    company_name = forms.CharField(label="Ragione sociale", max_length=200, required=False)
    codice_fiscale = forms.CharField(label="Codice fiscale", max_length=16, required=False)
    partita_iva = forms.CharField(label="Partita IVA", max_length=11, required=False)
    sdi_code = forms.CharField(label="Codice destinatario SDI", max_length=7, required=False)
    pec = forms.EmailField(label="PEC", required=False)
    address = forms.CharField(label="Indirizzo", max_length=200)
    cap = forms.RegexField(
        label="CAP", regex=r"^\d{5}$", error_messages={"invalid": "Il CAP ha 5 cifre."}
    )
    comune = forms.CharField(label="Comune", max_length=80)
    provincia = forms.RegexField(
        label="Provincia",
        regex=r"^[A-Za-z]{2}$",
        required=False,
        error_messages={"invalid": "La sigla della provincia ha 2 lettere."},
    )
    country = forms.RegexField(
        label="Nazione",
        regex=r"^[A-Z]{2}$",
        initial="IT",
        error_messages={"invalid": "Codice nazione di 2 lettere maiuscole (es. IT)."},
    )
    note = forms.CharField(label="Nota", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_codice_fiscale(self):
        value = self.cleaned_data["codice_fiscale"].strip().upper()
        if value and not (codicefiscale.is_valid(value) or iva.is_valid(value)):
            raise forms.ValidationError("Codice fiscale non valido.")
        return value

    def clean_partita_iva(self):
        value = self.cleaned_data["partita_iva"].strip()
        if value and not iva.is_valid(value):
            raise forms.ValidationError("Partita IVA non valida.")
        return value

    def clean_sdi_code(self):
        value = self.cleaned_data["sdi_code"].strip().upper()
        if value and len(value) != 7:
            raise forms.ValidationError("Il codice destinatario ha 7 caratteri.")
        return value

    def clean(self):
        data = super().clean() or {}
        if data.get("kind") == "company":
            if not data.get("company_name"):
                self.add_error("company_name", "Indica la ragione sociale.")
            # A value refused by its own check already says why: not "Indica …" besides.
            if not data.get("partita_iva") and "partita_iva" not in self.errors:
                self.add_error("partita_iva", "Indica la partita IVA.")
        else:
            for name, message in (
                ("first_name", "Indica il nome."),
                ("last_name", "Indica il cognome."),
            ):
                if not data.get(name):
                    self.add_error(name, message)
            if (
                not data.get("codice_fiscale")
                and "codice_fiscale" not in self.errors
                and data.get("country", "IT") == "IT"
            ):
                self.add_error("codice_fiscale", "Indica il codice fiscale.")
        if data.get("provincia"):
            data["provincia"] = data["provincia"].upper()
        return data
