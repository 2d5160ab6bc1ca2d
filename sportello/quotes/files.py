"""Streaming of private files (message attachments, uploaded answers) after an owner check."""

from pathlib import Path

from django.http import FileResponse, Http404

from sportello.core.files import download_content_type


def stream_private_file(field_file, *, filename: str) -> FileResponse:
    """Stream a private file as an attachment, typed from its name's extension and a fixed list
    (never the Content-Type the uploader's browser claimed)."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("File non trovato") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=Path(filename).name,
        content_type=download_content_type(filename),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
