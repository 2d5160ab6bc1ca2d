"""The consent ledger (PrivacyNotice, ConsentEvent) moves from privacy to accounts.

State only: the tables keep their names (`db_table`), so no row is copied and nothing is
locked. The content types are relabelled, so staff permissions and admin history follow.
privacy/0005_accounts_consent_ledger_moved removes the models from privacy's state.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("privacynotice", "consentevent")


def relabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="accounts", model=model).exists():
            ContentType.objects.filter(app_label="privacy", model=model).update(
                app_label="accounts"
            )


def relabel_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        if not ContentType.objects.filter(app_label="privacy", model=model).exists():
            ContentType.objects.filter(app_label="accounts", model=model).update(
                app_label="privacy"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_billing_profile"),
        ("privacy", "0004_account_erasure"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PrivacyNotice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='creato il')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='aggiornato il')),
                        ('version', models.CharField(max_length=20, unique=True, verbose_name='versione')),
                        ('title', models.CharField(default='Informativa sulla privacy', max_length=200, verbose_name='titolo')),
                        ('body', models.TextField(verbose_name='testo')),
                        ('published_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='pubblicata il')),
                    ],
                    options={
                        'verbose_name': 'informativa privacy',
                        'verbose_name_plural': 'informative privacy',
                        'db_table': 'privacy_privacynotice',
                        'ordering': ['-published_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ConsentEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('purpose', models.CharField(choices=[('privacy_notice', "Presa visione dell'informativa privacy"), ('marketing', 'Comunicazioni commerciali via e-mail'), ('profiling', 'Profilazione')], max_length=30, verbose_name='finalità')),
                        ('is_granted', models.BooleanField(verbose_name='concesso')),
                        ('source', models.CharField(choices=[('signup', 'Registrazione al sito'), ('account', 'Area IL MIO ACCOUNT'), ('staff', 'Back-office, su richiesta del cliente')], max_length=50, verbose_name='modalità')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='data')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consent_events', to=settings.AUTH_USER_MODEL)),
                        ('notice', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='consent_events', to='accounts.privacynotice')),
                    ],
                    options={
                        'verbose_name': 'evento di consenso',
                        'verbose_name_plural': 'storico consensi',
                        'db_table': 'privacy_consentevent',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['user', 'purpose', '-created_at'], name='privacy_con_user_id_f42f38_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(relabel_content_types, relabel_back),
    ]
