"""Every AnswerFile becomes an uploads.Upload with the same id.

The id is kept so the answers already stored on cart, order and quote lines
({"file_id": …}) go on naming the same file; the stored file is not copied or renamed, the
new row takes its storage name. The content type the browser claimed is kept as
`claimed_content_type`; `content_type` is decided from the file's first bytes and extension.
"""

from pathlib import Path

from django.core.management.color import no_style
from django.db import migrations

BATCH = 500
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


def reset_sequence(schema_editor, model) -> None:
    statements = schema_editor.connection.ops.sequence_reset_sql(no_style(), [model])
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def copy_answer_files(apps, schema_editor):
    AnswerFile = apps.get_model("catalogue", "AnswerFile")
    Upload = apps.get_model("uploads", "Upload")
    storage = Upload._meta.get_field("file").storage
    batch = []
    for old in AnswerFile.objects.order_by("pk").iterator():
        batch.append(
            Upload(
                pk=old.pk,
                file=old.file.name,
                original_name=old.original_name,
                size=old.size,
                content_type=detected_type(storage, old.file.name, old.original_name),
                claimed_content_type=old.content_type,
                owner_id=old.uploaded_by_id,
                session_key=old.session_key,
                created_at=old.created_at,
            )
        )
        if len(batch) >= BATCH:
            Upload.objects.bulk_create(batch)
            batch = []
    Upload.objects.bulk_create(batch)
    reset_sequence(schema_editor, Upload)


def copy_back(apps, schema_editor):
    AnswerFile = apps.get_model("catalogue", "AnswerFile")
    Upload = apps.get_model("uploads", "Upload")
    AnswerFile.objects.bulk_create(
        AnswerFile(
            pk=upload.pk,
            file=upload.file.name,
            original_name=upload.original_name,
            size=upload.size,
            content_type=upload.claimed_content_type or upload.content_type,
            uploaded_by_id=upload.owner_id,
            session_key=upload.session_key,
        )
        for upload in Upload.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_featured_services_and_upload_types"),
        ("uploads", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_answer_files, copy_back),
        migrations.DeleteModel(name="AnswerFile"),
    ]
