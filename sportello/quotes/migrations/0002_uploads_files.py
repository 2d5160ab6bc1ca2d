"""Quote message attachments become uploads.Upload rows; quote lines get QuoteLineFile rows.

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


def file_answers(answers) -> dict:
    if not isinstance(answers, dict):
        return {}
    return {
        key: value["file_id"]
        for key, value in answers.items()
        if isinstance(value, dict) and isinstance(value.get("file_id"), int)
    }


def snapshot_files(answers, answers_display) -> dict:
    """{field key: upload id} from the answers, plus ids only the display list names."""
    files = file_answers(answers)
    known = set(files.values())
    for position, item in enumerate(answers_display if isinstance(answers_display, list) else []):
        if isinstance(item, dict) and isinstance(item.get("file_id"), int):
            if item["file_id"] not in known:
                files[f"display-{position}"] = item["file_id"]
                known.add(item["file_id"])
    return files


def link_files(apps, schema_editor):
    Line = apps.get_model("quotes", "QuoteLine")
    LineFile = apps.get_model("quotes", "QuoteLineFile")
    Upload = apps.get_model("uploads", "Upload")
    existing = set(Upload.objects.values_list("pk", flat=True))
    links = []
    rows = Line.objects.values_list("pk", "answers", "answers_display").iterator()
    for line_id, answers, answers_display in rows:
        for key, upload_id in snapshot_files(answers, answers_display).items():
            if upload_id in existing:
                links.append(LineFile(line_id=line_id, upload_id=upload_id, field_key=key[:60]))
    LineFile.objects.bulk_create(links, batch_size=500)


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
        migrations.RemoveField(model_name="quotemessage", name="attachment"),
        migrations.RemoveField(model_name="quotemessage", name="attachment_content_type"),
        migrations.RemoveField(model_name="quotemessage", name="attachment_name"),
        migrations.RemoveField(model_name="quotemessage", name="attachment_size"),
        migrations.RenameField(model_name="quotemessage", old_name="upload", new_name="attachment"),
        migrations.AlterField(
            model_name="quotemessage",
            name="attachment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="quote_message_uses",
                to="uploads.upload",
                verbose_name="allegato",
            ),
        ),
        migrations.CreateModel(
            name="QuoteLineFile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("field_key", models.CharField(max_length=60, verbose_name="campo")),
                (
                    "line",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answer_files",
                        to="quotes.quoteline",
                    ),
                ),
                (
                    "upload",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="quote_line_uses",
                        to="uploads.upload",
                    ),
                ),
            ],
            options={
                "verbose_name": "file della risposta",
                "verbose_name_plural": "file delle risposte",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("line", "field_key"), name="quotelinefile_one_per_field"
                    )
                ],
            },
        ),
        migrations.RunPython(link_files, migrations.RunPython.noop),
    ]
