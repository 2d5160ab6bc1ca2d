"""Publish the first terms of sale, so that a fresh database can take orders."""

from django.db import migrations

from sportello.contracts.demo import publish_demo_terms


def publish_first_terms(apps, schema_editor):
    publish_demo_terms(apps.get_model("contracts", "TermsOfSale"))


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunPython(publish_first_terms, migrations.RunPython.noop)]
