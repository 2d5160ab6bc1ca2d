"""The consent ledger's models now belong to accounts (accounts/0003): state only, the tables
stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0004_account_erasure"),
        ("accounts", "0003_accounts_consent_ledger"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='consentevent',
                    name='notice',
                ),
                migrations.RemoveField(
                    model_name='consentevent',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='PrivacyNotice',
                ),
                migrations.DeleteModel(
                    name='ConsentEvent',
                ),
            ],
        ),
    ]
