from django.core.management.base import BaseCommand

from sportello.contracts.demo import publish_demo_terms


class Command(BaseCommand):
    help = "Publish the demo terms of sale (version 1.0) unless they exist; edits are kept."

    def handle(self, *args, **options):
        terms = publish_demo_terms()
        self.stdout.write(f"Condizioni generali di vendita: versione {terms.version}")
