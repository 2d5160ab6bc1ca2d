"""Quote messages also take CSV and XLSX attachments, content-checked."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sportello.quotes.forms import MessageForm, attachment_extensions
from sportello.quotes.models import QuoteMessage

pytestmark = pytest.mark.django_db


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
    return buffer.getvalue()


def test_the_form_announces_csv_and_xlsx(settings):
    settings.UPLOAD_ALLOWED_EXTENSIONS = ["pdf", "jpg"]
    assert attachment_extensions() == ["pdf", "jpg", "csv", "xlsx"]
    field = MessageForm().fields["attachment"]
    assert field.widget.attrs["accept"] == ".pdf,.jpg,.csv,.xlsx"
    assert field.help_text.startswith("Formati PDF, JPG, CSV, XLSX,")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("immobili.csv", b"comune;foglio\nBologna;12\n", "text/csv"),
        (
            "immobili.xlsx",
            _xlsx(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_customer_sends_a_spreadsheet(customer_client, quote, name, content, content_type):
    response = customer_client.post(
        reverse("quotes:post_message", args=[quote.number]),
        {"body": "L'elenco degli immobili.", "attachment": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 302
    message = QuoteMessage.objects.get()
    assert message.attachment_name == name
    download = customer_client.get(
        reverse("quotes:message_attachment", args=[quote.number, message.pk])
    )
    assert download["Content-Type"] == content_type
    assert b"".join(download.streaming_content) == content


def test_a_disguised_spreadsheet_is_refused_and_the_text_kept(customer_client, quote):
    response = customer_client.post(
        reverse("quotes:post_message", args=[quote.number]),
        {
            "body": "Testo da non perdere",
            "attachment": SimpleUploadedFile("immobili.xlsx", b"MZ\x90\x00 programma"),
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Il contenuto del file non corrisponde al suo formato." in html
    assert "Testo da non perdere" in html
    assert not QuoteMessage.objects.exists()
