"""Order lines say which uploads they use with OrderLineFile rows, built from their answers."""

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
    Line = apps.get_model("orders", "OrderLine")
    LineFile = apps.get_model("orders", "OrderLineFile")
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
        ("orders", "0004_payments_confirmation_sent_at"),
        ("uploads", "0001_initial"),
        ("catalogue", "0003_uploads_move_answer_files"),
    ]

    operations = [
        migrations.CreateModel(
            name="OrderLineFile",
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
                        to="orders.orderline",
                    ),
                ),
                (
                    "upload",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="order_line_uses",
                        to="uploads.upload",
                    ),
                ),
            ],
            options={
                "verbose_name": "file della risposta",
                "verbose_name_plural": "file delle risposte",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("line", "field_key"), name="orderlinefile_one_per_field"
                    )
                ],
            },
        ),
        migrations.RunPython(link_files, migrations.RunPython.noop),
    ]
