"""The customer's uploads, for the export: the files they uploaded and those the apps above
say they use (conditions they put on the context, so this stays one query)."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from sportello.core.erasure import ErasureContext, treat
from sportello.core.export import ExportContext, ExportFiles, iso
from sportello.uploads.actions import delete_unused_uploads_of, delete_uploads
from sportello.uploads.models import Upload

EXPORTED_MODELS: dict[str, str] = {"uploads.Upload": "uploaded_files"}
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {}


# Model label -> field -> what erasure does with it.
ERASURE: dict[str, dict[str, str]] = {
    "uploads.Upload": treat(
        "deleted with its file, unless a kept order or quote uses it (then kept with it)",
        "id",
        "file",
        "original_name",
        "size",
        "content_type",
        "claimed_content_type",
        "owner",
        "session_key",
        "created_at",
    ),
}


def customer_uploads(user, *, own: Q | None = None, used: list[Q] | None = None):
    """Uploads the customer owns (narrowed by `own`) or that their own rows use (`used`)."""
    condition = Q(owner=user) & (own if own is not None else Q())
    condition = reduce(or_, used or [], condition)
    return Upload.objects.filter(pk__in=Upload.objects.filter(condition).values("pk")).order_by(
        "pk"
    )


def _uploaded_files(uploads, files: ExportFiles) -> list[dict[str, Any]]:
    return [
        {
            "id": upload.pk,
            "name": upload.original_name,
            # What the customer's browser said, as this export always gave.
            "content_type": upload.claimed_content_type or upload.content_type,
            "size": upload.size,
            "uploaded_at": iso(upload.created_at),
            "path": files.add("caricati", upload.pk, upload.original_name, upload.file),
        }
        for upload in uploads
    ]


def export_data(context: ExportContext) -> None:
    """Run after the apps that use uploads (they add their conditions to the context)."""
    uploads = customer_uploads(context.user, own=context.own_uploads, used=context.used_uploads)
    context.data["uploaded_files"] = _uploaded_files(uploads, context.files)


def erase_data(context: ErasureContext) -> None:
    """Run after the apps that use uploads: what a kept order or quote still uses stays
    (PROTECT); the rest of the customer's uploads go, their files after commit."""
    deleted = delete_uploads(Upload.objects.filter(pk__in=context.uploads_to_delete))
    context.deleted_files += deleted + delete_unused_uploads_of(user=context.user)
