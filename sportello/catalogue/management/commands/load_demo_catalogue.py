from django.core.management.base import BaseCommand

from sportello.catalogue.demo import load_demo_catalogue


class Command(BaseCommand):
    help = (
        "Load the demo catalogue (categories, services and their forms). Idempotent: "
        "rows are matched by slug and key, and a second run changes nothing."
    )

    def handle(self, *args, **options):
        report = load_demo_catalogue()
        self.stdout.write(self.style.SUCCESS(report.summary()))
