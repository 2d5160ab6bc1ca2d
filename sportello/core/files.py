"""Content types for private downloads, decided by the server, never by the uploader.

The browser that uploaded a file chose its Content-Type: "text/html" or "image/svg+xml" on a
file named "perizia.pdf" must not come back to staff or customers as that type.
"""

from pathlib import Path

from django.http import FileResponse, Http404

# Only formats the shop accepts (answers, quote messages, outcome files); anything else is
# served as opaque bytes.
SAFE_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "p7m": "application/pkcs7-mime",
    "zip": "application/zip",
    # Always sent as attachments with nosniff: a spreadsheet is never rendered in the page.
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FALLBACK_CONTENT_TYPE = "application/octet-stream"


def download_content_type(filename: str) -> str:
    """The Content-Type to serve `filename` with, from its extension and a fixed list."""
    extension = Path(filename or "").suffix.lower().lstrip(".")
    return SAFE_CONTENT_TYPES.get(extension, FALLBACK_CONTENT_TYPE)


def stream_private_file(field_file, *, filename: str) -> FileResponse:
    """Stream a private file as an attachment, typed by download_content_type (never the type
    the uploader's browser claimed). Call it only after the ownership check."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("File non disponibile") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=Path(filename).name,
        content_type=download_content_type(filename),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
