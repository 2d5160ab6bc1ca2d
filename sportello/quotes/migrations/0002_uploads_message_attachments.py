"""Quote message attachments become uploads.Upload rows (the next migration drops the old fields).

A message's stored file keeps its storage name (nothing is copied); its name, size and the
type the browser claimed move to the Upload, owned by the message's author.
"""

from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

SIGNATURES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "p7m": "application/pkcs7-mime",
    "zip": "application/zip",
}


def detected_type(storage, name: str, original_name: str) -> str:
    extension = Path(original_name or name or "").suffix.lower().lstrip(".")
    if extension not in TYPES:
        return "application/octet-stream"
    signatures = SIGNATURES.get(extension)
    if signatures and name:
        try:
            with storage.open(name, "rb") as handle:
                head = handle.read(8)
        except (FileNotFoundError, OSError):
            return TYPES[extension]
        if not head.startswith(signatures):
            return "application/octet-stream"
    return TYPES[extension]


def move_attachments(apps, schema_editor):
    QuoteMessage = apps.get_model("quotes", "QuoteMessage")
    Upload = apps.get_model("uploads", "Upload")
    storage = Upload._meta.get_field("file").storage
    for message in QuoteMessage.objects.exclude(attachment="").order_by("pk").iterator():
        name = message.attachment.name
        original_name = message.attachment_name or Path(name).name
        upload = Upload.objects.create(
            file=name,
            original_name=original_name[:255],
            size=message.attachment_size,
            content_type=detected_type(storage, name, original_name),
            claimed_content_type=message.attachment_content_type,
            owner_id=message.author_id,
            created_at=message.created_at,
        )
        QuoteMessage.objects.filter(pk=message.pk).update(upload=upload)


def move_attachments_back(apps, schema_editor):
    QuoteMessage = apps.get_model("quotes", "QuoteMessage")
    for message in QuoteMessage.objects.filter(upload__isnull=False).select_related("upload"):
        QuoteMessage.objects.filter(pk=message.pk).update(
            attachment=message.upload.file.name,
            attachment_name=message.upload.original_name,
            attachment_content_type=message.upload.claimed_content_type,
            attachment_size=message.upload.size,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("quotes", "0001_initial"),
        ("uploads", "0001_initial"),
        ("catalogue", "0003_uploads_move_answer_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="quotemessage",
            name="upload",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="uploads.upload",
            ),
        ),
        migrations.RunPython(move_attachments, move_attachments_back),
    ]
