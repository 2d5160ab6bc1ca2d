"""CSV and XLSX uploads: accepted when they are what they say, refused when disguised."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sportello.uploads import checks

SPREADSHEETS = ["pdf", "csv", "xlsx"]
WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _ooxml(main_type: str, *, with_types: bool = True) -> bytes:
    """A minimal OOXML package; fixed timestamps, so the bytes (and the test ids made from
    them) are the same in every process."""

    def entry(name: str) -> zipfile.ZipInfo:
        return zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if with_types:
            archive.writestr(
                entry("[Content_Types].xml"),
                '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                'package/2006/content-types"><Override PartName="/xl/workbook.xml" '
                f'ContentType="{main_type}"/></Types>',
            )
        archive.writestr(entry("xl/workbook.xml"), "<workbook/>")
    return buffer.getvalue()


def _file(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("immobili.csv", b"comune;foglio;particella\nBologna;12;345\n", "text/csv"),
        ("immobili.csv", "\ufeffcittà;m²\r\nForlì;85,5\r\n".encode(), "text/csv"),
        # Excel on Windows exports CSV as Windows-1252.
        ("immobili.csv", "città;perché\nForlì;sì\n".encode("cp1252"), "text/csv"),
        (
            "immobili.xlsx",
            _ooxml(WORKBOOK),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_real_spreadsheets_are_accepted(name, content, content_type):
    upload = _file(name, content)
    assert checks.check_upload(upload, extensions=SPREADSHEETS) is upload
    assert checks.detect_content_type(upload) == content_type
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        ("documento.csv", b"%PDF-1.4\n%%EOF\n"),
        ("archivio.csv", _ooxml(WORKBOOK)),
        ("binario.csv", bytes(range(256))),
        ("foto.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("virus.xlsx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
        ("testo.xlsx", b"comune;foglio\nBologna;12\n"),
        ("documento.xlsx", _ooxml(DOCUMENT)),
        ("archivio.xlsx", _ooxml(WORKBOOK, with_types=False)),
        ("rotto.xlsx", _ooxml(WORKBOOK)[:40]),
    ],
)
def test_disguised_files_are_refused(name, content):
    upload = _file(name, content)
    with pytest.raises(checks.UploadRejected) as caught:
        checks.check_upload(upload, extensions=SPREADSHEETS)
    assert caught.value.code == "file_content"
    assert caught.value.messages == ["Il contenuto del file non corrisponde al suo formato."]
    assert checks.detect_content_type(upload) == checks.FALLBACK_CONTENT_TYPE


def test_long_utf8_csv_cut_inside_a_character_is_still_text():
    # The sniffed sample ends in the middle of "à" (two bytes in UTF-8).
    content = b"a" * (checks.TEXT_SNIFF_BYTES - 1) + "à\n".encode()
    assert checks.check_upload(_file("lungo.csv", content), extensions=SPREADSHEETS)


def test_spreadsheets_are_not_accepted_where_not_listed(settings):
    settings.UPLOAD_ALLOWED_EXTENSIONS = ["pdf"]
    with pytest.raises(checks.UploadRejected) as caught:
        checks.check_upload(_file("immobili.csv", b"a;b\n"))
    assert caught.value.code == "file_type"
