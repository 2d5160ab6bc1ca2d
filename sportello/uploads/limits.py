"""Limits on what a customer may send in a conversation (quote messages, order messages).

- `allow_message(request)`: counts one message of the signed-in customer against the
  ACCOUNT_RATE_LIMITS entry `message` (env RATE_LIMIT_MESSAGES, per user) and answers whether
  it may be sent. Call it once per submitted message, after the form is valid.
- `check_stored_bytes(stored, incoming)`: raises UploadRejected when `incoming` would take the
  bytes stored in one conversation past UPLOAD_MAX_BYTES_PER_CONVERSATION.
The Italian messages are the constants below; put them on the form's fields so the customer
sees why, next to the field, with their text kept.
"""

from __future__ import annotations

from allauth.core import ratelimit
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from sportello.core.sizes import file_size
from sportello.uploads.checks import UploadRejected
from sportello.uploads.models import Upload
from sportello.uploads.queries import total_bytes

MESSAGE_RATE_LIMIT = "message"
MESSAGES_LIMITED = (
    "Hai inviato molti messaggi in poco tempo: attendi qualche minuto e riprova. "
    "Il testo che hai scritto è stato conservato."
)


def allow_message(request, *, action: str = MESSAGE_RATE_LIMIT) -> bool:
    """Count one message of `request.user`; False when they sent too many too fast."""
    return ratelimit.consume(request, action=action, user=request.user)


def conversation_bytes_limit() -> int:
    return settings.UPLOAD_MAX_BYTES_PER_CONVERSATION


def check_stored_bytes(
    stored: QuerySet[Upload] | int, incoming: UploadedFile | None, *, limit: int | None = None
) -> None:
    """Raise UploadRejected if storing `incoming` would exceed the conversation's byte cap.

    `stored` is the uploads already attached to the conversation (or their total size).
    """
    if incoming is None:
        return
    cap = conversation_bytes_limit() if limit is None else limit
    already = stored if isinstance(stored, int) else total_bytes(stored)
    if already + (incoming.size or 0) > cap:
        raise UploadRejected(
            f"Gli allegati di questa conversazione hanno raggiunto il limite di "
            f"{file_size(cap)}: invia il messaggio senza allegato o scrivici per "
            "concordare un altro modo di inviare il file.",
            code="conversation_bytes",
        )
