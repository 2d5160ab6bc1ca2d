"""Order lines named in a statement of withdrawal settled before the field existed."""

from django.db import migrations


def forwards(apps, schema_editor):
    WithdrawalRequest = apps.get_model("withdrawals", "WithdrawalRequest")
    OrderLine = apps.get_model("orders", "OrderLine")
    for withdrawal in WithdrawalRequest.objects.filter(
        status="processed", processed_at__isnull=False
    ).order_by("processed_at"):
        OrderLine.objects.filter(withdrawals=withdrawal).update(
            withdrawal_settled_at=withdrawal.processed_at
        )


class Migration(migrations.Migration):
    dependencies = [
        ("withdrawals", "0002_lines_withdrawal_received_at"),
        ("orders", "0012_line_withdrawal_settled_at"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
