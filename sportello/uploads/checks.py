"""The one place where an uploaded file is checked: extension, size, and content sniffing.

Service forms (catalogue), quote messages and order outcome files all call `check_upload`;
the limits come from settings unless the caller passes its own (outcome files have theirs).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from sportello.core.sizes import file_size

# The first bytes each format starts with: a renamed executable is not a PDF.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    # An XLSX workbook is a ZIP archive.
    "xlsx": (b"PK\x03\x04",),
    # A ZIP archive, or an empty one.
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "p7m": "application/pkcs7-mime",
    "zip": "application/zip",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# An XLSX is a zip whose [Content_Types].xml declares a SpreadsheetML workbook.
XLSX_WORKBOOK_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
# How much of a CSV is read to decide that it is text (and of [Content_Types].xml, bounded).
TEXT_SNIFF_BYTES = 64 * 1024
_BINARY_STARTS = (b"%PDF", b"PK\x03\x04", b"MZ", b"\x7fELF", b"\x89PNG", b"\xff\xd8\xff")
# Text may hold tabs and line breaks (and a form feed), no other control characters.
_TEXT_CONTROLS = frozenset(range(32)) - {9, 10, 12, 13}
FALLBACK_CONTENT_TYPE = "application/octet-stream"


class UploadRejected(ValidationError):
    """A file of a type, size or content the shop does not accept; the message is Italian."""


def allowed_extensions(extensions=None) -> list[str]:
    """Lower-case extensions without dots; the site's UPLOAD_ALLOWED_EXTENSIONS by default."""
    chosen = settings.UPLOAD_ALLOWED_EXTENSIONS if extensions is None else extensions
    return [ext.lower().lstrip(".") for ext in chosen]


# Lists of properties and figures often come as spreadsheets (content-checked like the others).
SPREADSHEET_EXTENSIONS = ("csv", "xlsx")


def message_attachment_extensions() -> list[str]:
    """What a message may carry (an order's or a quote's conversation): the site's upload
    types plus CSV and XLSX."""
    allowed = allowed_extensions()
    return allowed + [ext for ext in SPREADSHEET_EXTENSIONS if ext not in allowed]


def extension_of(name: str | None) -> str:
    return Path(name or "").suffix.lower().lstrip(".")


def _head(upload: UploadedFile) -> bytes:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return head


def _is_xlsx(upload: UploadedFile) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > TEXT_SNIFF_BYTES * 4:
                return False
            return XLSX_WORKBOOK_TYPE in archive.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return False
    finally:
        upload.seek(0)


def _is_text(upload: UploadedFile) -> bool:
    """Plain text (UTF-8, or Windows-1252 as spreadsheets often export): no binary bytes."""
    upload.seek(0)
    sample = upload.read(TEXT_SNIFF_BYTES)
    upload.seek(0)
    if not sample or sample.startswith(_BINARY_STARTS) or b"\x00" in sample:
        return False
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # A sample cut in the middle of a multi-byte character is still UTF-8.
        if error.start >= len(sample) - 3 and error.reason == "unexpected end of data":
            text = sample[: error.start].decode("utf-8-sig")
        else:
            try:
                text = sample.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return not any(ord(char) in _TEXT_CONTROLS for char in text)


def content_matches_extension(upload: UploadedFile, extension: str) -> bool:
    if extension == "xlsx":
        return _is_xlsx(upload)
    if extension == "csv":
        return _is_text(upload)
    signatures = SIGNATURES.get(extension)
    if not signatures:
        return True
    return _head(upload).startswith(signatures)


def detect_content_type(upload: UploadedFile) -> str:
    """The type the server gives the file: from its extension, only if its first bytes agree."""
    extension = extension_of(upload.name)
    if extension in CONTENT_TYPES and content_matches_extension(upload, extension):
        return CONTENT_TYPES[extension]
    return FALLBACK_CONTENT_TYPE


def check_upload(
    upload: UploadedFile,
    *,
    extensions=None,
    max_bytes: int | None = None,
    name_in_message: bool = False,
) -> UploadedFile:
    """Return `upload` if acceptable, else raise UploadRejected with an Italian message.

    `extensions` and `max_bytes` default to UPLOAD_ALLOWED_EXTENSIONS and UPLOAD_MAX_BYTES.
    With `name_in_message` the message names the file (forms taking several files at once).
    The first bytes must agree with the extension; formats without a known signature (a signed
    .p7m) are not sniffed.
    """
    allowed = allowed_extensions(extensions)
    limit = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    extension = extension_of(upload.name)
    name = upload.name or "file"
    formats = ", ".join(ext.upper() for ext in allowed)
    if extension not in allowed:
        text = (
            f"Tipo di file non ammesso: {name}. Formati accettati: {formats}."
            if name_in_message
            else f"Tipo di file non ammesso. Formati accettati: {formats}."
        )
        raise UploadRejected(text, code="file_type")
    if not upload.size:
        text = f"Il file {name} è vuoto." if name_in_message else "Il file è vuoto."
        raise UploadRejected(text, code="file_empty")
    if upload.size > limit:
        subject = f"Il file {name}" if name_in_message else "Il file"
        raise UploadRejected(
            f"{subject} è troppo grande: la dimensione massima è {file_size(limit)}.",
            code="file_size",
        )
    if not content_matches_extension(upload, extension):
        text = (
            f"Il contenuto del file {name} non corrisponde al suo formato."
            if name_in_message
            else "Il contenuto del file non corrisponde al suo formato."
        )
        raise UploadRejected(text, code="file_content")
    return upload


def accept_attribute(extensions=None) -> str:
    """The file input's `accept` attribute for these extensions."""
    return ",".join(f".{ext}" for ext in allowed_extensions(extensions))
