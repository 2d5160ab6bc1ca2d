"""Streaming of private files (message attachments, uploaded answers) after an owner check."""

from pathlib import Path

from django.http import FileResponse, Http404


def stream_private_file(field_file, *, filename: str, content_type: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("File non trovato") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=Path(filename).name,
        content_type=content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
