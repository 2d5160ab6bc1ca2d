from django.core.management.base import BaseCommand

from sportello.catalogue.demo import load_demo_catalogue


class Command(BaseCommand):
    help = (
        "Load the demo catalogue (categories, services and their forms). Idempotent: "
        "rows are matched by slug and key, only missing ones are added, and what staff "
        "changed in the back-office is kept. --reset brings the demo rows back to the demo."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Overwrite the demo categories, services and forms with the demo definitions "
            "(removes fields added to them in the back-office).",
        )

    def handle(self, *args, **options):
        report = load_demo_catalogue(reset=options["reset"])
        self.stdout.write(self.style.SUCCESS(report.summary()))
