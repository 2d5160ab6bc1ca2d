from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from sportello.cart.actions import purge_abandoned_carts


class Command(BaseCommand):
    help = (
        "Delete anonymous carts not updated for ANONYMOUS_CART_RETENTION_DAYS days and the "
        "anonymous uploads that old no cart, order or quote line names (what the beat "
        "scheduler does daily); for cron when no Celery worker runs."
    )

    def handle(self, *args, **options):
        result = purge_abandoned_carts(now=timezone.now())
        self.stdout.write(
            f"{result.carts} anonymous cart(s) and {result.files} anonymous upload(s) older than "
            f"{settings.ANONYMOUS_CART_RETENTION_DAYS} days deleted."
        )
