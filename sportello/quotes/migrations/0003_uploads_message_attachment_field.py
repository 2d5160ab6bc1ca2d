"""Quote messages point to their Upload; quote lines get QuoteLineFile rows from their answers.

Separate from 0002: PostgreSQL refuses to alter a table in the transaction that just wrote
rows with deferred constraint checks to it.
"""

import django.db.models.deletion
from django.db import migrations, models


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
        ("quotes", "0002_uploads_message_attachments"),
    ]

    operations = [
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
