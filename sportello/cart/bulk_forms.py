"""Forms of "Ordine multiplo": sending the filled template, choosing what goes to the cart."""

from __future__ import annotations

from django import forms

from sportello.cart.models import BulkImportMode
from sportello.uploads.checks import accept_attribute, check_upload

SPREADSHEET_EXTENSIONS = ["csv", "xlsx"]


class BulkModeField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            label="Se alcune righe contengono errori",
            choices=BulkImportMode.choices,
            widget=forms.RadioSelect,
            initial=BulkImportMode.VALID_ONLY,
            **kwargs,
        )


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label="File compilato (CSV o XLSX)",
        help_text="Il modello del servizio compilato, una riga per ogni servizio da ordinare.",
        error_messages={"required": "Scegli il file da caricare."},
    )
    mode = BulkModeField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = accept_attribute(SPREADSHEET_EXTENSIONS)

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], extensions=SPREADSHEET_EXTENSIONS)


class BulkAddForm(forms.Form):
    mode = BulkModeField()
