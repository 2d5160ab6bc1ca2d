"""Every file a customer (or staff, in a conversation) uploads is one `Upload` row.

Where a file is used is said by the rows that use it, each with a foreign key to `Upload` and
`on_delete=PROTECT` (cart, order and quote lines, quote messages…): an upload still in use
cannot be deleted, and "which uploads are unused" is one query (`queries.unused_uploads`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sportello.core.storage import private_storage, unique_path


def upload_path(instance, filename: str) -> str:
    return unique_path("uploads", filename)


class Upload(models.Model):
    file = models.FileField("file", upload_to=upload_path, max_length=300, storage=private_storage)
    original_name = models.CharField("nome originale", max_length=255)
    size = models.PositiveBigIntegerField("dimensione (byte)")
    # Decided by the server from the file's first bytes and extension (`checks.detect_type`).
    content_type = models.CharField("tipo rilevato", max_length=100)
    # What the uploader's browser said; kept for the record, never used to serve the file.
    claimed_content_type = models.CharField("tipo dichiarato", max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploads",
        verbose_name="caricato da",
    )
    # An anonymous visitor's uploads carry their session's upload key until they log in.
    session_key = models.CharField("chiave della sessione", max_length=64, blank=True)
    created_at = models.DateTimeField("caricato il", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "file caricato"
        verbose_name_plural = "file caricati"
        constraints = [models.CheckConstraint(condition=Q(size__gte=0), name="upload_size")]
        indexes = [models.Index(fields=["session_key"], name="upload_session_key")]

    def __str__(self) -> str:
        return self.original_name
