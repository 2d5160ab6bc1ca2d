import uuid

from django.db import migrations, models


def give_each_payment_its_own_reference(apps, schema_editor):
    # AddField computes a callable default once for all existing rows; unique needs one each.
    Payment = apps.get_model("payments", "Payment")
    for payment in Payment.objects.only("pk").iterator():
        Payment.objects.filter(pk=payment.pk).update(reference=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="reference",
            field=models.UUIDField(editable=False, null=True, verbose_name="codice"),
        ),
        migrations.RunPython(give_each_payment_its_own_reference, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="payment",
            name="reference",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="codice"
            ),
        ),
    ]
