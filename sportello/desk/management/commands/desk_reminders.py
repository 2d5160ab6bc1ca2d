from django.core.management.base import BaseCommand

from sportello.desk.reminders import run_reminders


class Command(BaseCommand):
    help = (
        "Remind data requests unanswered for DATA_REQUEST_REMINDER_DAYS, remind unpaid "
        "bank-transfer orders after TRANSFER_REMINDER_DAYS and cancel them after "
        "TRANSFER_CANCEL_DAYS (what the beat scheduler does hourly); for cron."
    )

    def handle(self, *args, **options):
        result = run_reminders()
        self.stdout.write(
            f"{result['data_requests_reminded']} data request reminder(s), "
            f"{result['transfers_reminded']} transfer reminder(s), "
            f"{result['transfers_cancelled']} order(s) cancelled."
        )
