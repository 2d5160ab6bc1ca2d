# The yearly number counters move to sportello.core (orders, quotes and invoices share them).

from django.db import migrations


def copy_counters(apps, schema_editor):
    old = apps.get_model("orders", "OrderNumberSequence")
    new = apps.get_model("core", "NumberSequence")
    for row in old.objects.all():
        counter, created = new.objects.get_or_create(
            prefix=row.prefix, year=row.year, defaults={"last_number": row.last_number}
        )
        if not created and counter.last_number < row.last_number:
            counter.last_number = row.last_number
            counter.save(update_fields=["last_number"])


def copy_counters_back(apps, schema_editor):
    old = apps.get_model("orders", "OrderNumberSequence")
    new = apps.get_model("core", "NumberSequence")
    for row in new.objects.all():
        old.objects.update_or_create(
            prefix=row.prefix, year=row.year, defaults={"last_number": row.last_number}
        )


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_layers_number_sequence"),
        ("orders", "0005_uploads_order_line_files"),
    ]

    operations = [
        migrations.RunPython(copy_counters, copy_counters_back),
        migrations.DeleteModel(name="OrderNumberSequence"),
    ]
