"""The only code that creates, re-owns and deletes uploads. Files go through the storage API."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet

from sportello.uploads.checks import detect_content_type
from sportello.uploads.models import Upload
from sportello.uploads.queries import unused_uploads

logger = logging.getLogger(__name__)
DELETE_BATCH_SIZE = 500


def store_upload(uploaded: UploadedFile, *, owner=None, session_key: str = "") -> Upload:
    """Save a checked file (see `checks.check_upload`) as an Upload row.

    `owner` is the signed-in uploader (customer or staff); anonymous visitors pass no owner
    and their session's upload key instead.
    """
    is_signed_in = owner is not None and getattr(owner, "is_authenticated", False)
    name = Path(uploaded.name or "file").name
    upload = Upload(
        original_name=name[:255],
        size=uploaded.size or 0,
        content_type=detect_content_type(uploaded),
        claimed_content_type=(getattr(uploaded, "content_type", "") or "")[:100],
        owner=owner if is_signed_in else None,
        session_key="" if is_signed_in else session_key,
    )
    upload.file.save(name, uploaded, save=True)
    return upload


def adopt_anonymous_uploads(*, session_key: str, user) -> int:
    """Give a visitor's anonymous uploads to the account they just logged into."""
    if not session_key:
        return 0
    return Upload.objects.filter(owner__isnull=True, session_key=session_key).update(
        owner=user, session_key=""
    )


def _delete_stored_files(names: Iterable[str]) -> None:

    storage = Upload._meta.get_field("file").storage  # type: ignore[attr-defined]
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            # The row is gone already; a file left behind is only storage space.
            logger.exception("Could not delete the stored upload %s", name)


def delete_uploads(uploads: QuerySet[Upload]) -> int:
    """Delete these uploads (none may still be used: PROTECT) and, after commit, their files.

    Must run inside a transaction; a rollback keeps rows and files.
    """
    # The lock goes on the outer query: PostgreSQL cannot lock the nullable side of the outer
    # joins that "unused" queries carry.
    locked = Upload.objects.select_for_update().filter(pk__in=uploads.values("pk"))
    rows = list(locked.values_list("pk", "file"))
    pks = [pk for pk, _name in rows]
    for start in range(0, len(pks), DELETE_BATCH_SIZE):
        Upload.objects.filter(pk__in=pks[start : start + DELETE_BATCH_SIZE]).delete()
    names = [name for _pk, name in rows if name]
    if names:
        transaction.on_commit(lambda: _delete_stored_files(names))
    return len(pks)


def purge_anonymous_uploads(*, created_before) -> int:
    """Delete anonymous uploads older than `created_before` that nothing uses any more."""
    with transaction.atomic():
        return delete_uploads(
            unused_uploads()
            .filter(owner__isnull=True, created_at__lt=created_before)
            .exclude(session_key="")
        )


def delete_unused_uploads_of(*, user) -> int:
    """Delete `user`'s uploads that nothing uses (account erasure). Inside a transaction."""
    return delete_uploads(unused_uploads().filter(owner=user))
