from django.core.management.base import BaseCommand

from sportello.notifications.tasks import retry_due_emails


class Command(BaseCommand):
    help = (
        "Retry due and stuck outgoing e-mails once (what the beat scheduler does every minute); "
        "for cron when no Celery worker runs."
    )

    def handle(self, *args, **options):
        handed_over = retry_due_emails()
        self.stdout.write(f"{handed_over} e-mail(s) due for delivery handed to the worker.")
