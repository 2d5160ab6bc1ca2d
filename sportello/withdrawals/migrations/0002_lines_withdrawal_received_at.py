"""Order lines named in a statement of withdrawal received before the field existed."""

from django.db import migrations


def forwards(apps, schema_editor):
    WithdrawalRequest = apps.get_model("withdrawals", "WithdrawalRequest")
    OrderLine = apps.get_model("orders", "OrderLine")
    for withdrawal in WithdrawalRequest.objects.exclude(status="unmatched").order_by("received_at"):
        OrderLine.objects.filter(withdrawals=withdrawal).update(
            withdrawal_received_at=withdrawal.received_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("withdrawals", "0001_initial"),
        ("orders", "0011_line_withdrawal_received_at"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
