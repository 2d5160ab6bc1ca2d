"""Cart lines say which uploads they use with CartLineFile rows, built from their answers."""

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


def link_files(apps, schema_editor):
    CartLine = apps.get_model("cart", "CartLine")
    CartLineFile = apps.get_model("cart", "CartLineFile")
    Upload = apps.get_model("uploads", "Upload")
    existing = set(Upload.objects.values_list("pk", flat=True))
    links = []
    for line_id, answers in CartLine.objects.values_list("pk", "answers").iterator():
        for key, upload_id in file_answers(answers).items():
            if upload_id in existing:
                links.append(CartLineFile(line_id=line_id, upload_id=upload_id, field_key=key[:60]))
    CartLineFile.objects.bulk_create(links, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("cart", "0001_initial"),
        ("uploads", "0001_initial"),
        ("catalogue", "0003_uploads_move_answer_files"),
    ]

    operations = [
        migrations.CreateModel(
            name="CartLineFile",
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
                        to="cart.cartline",
                    ),
                ),
                (
                    "upload",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cart_line_uses",
                        to="uploads.upload",
                    ),
                ),
            ],
            options={
                "verbose_name": "file della risposta",
                "verbose_name_plural": "file delle risposte",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("line", "field_key"), name="cartlinefile_one_per_field"
                    )
                ],
            },
        ),
        migrations.RunPython(link_files, migrations.RunPython.noop),
    ]
