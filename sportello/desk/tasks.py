from celery import shared_task

from sportello.desk.reminders import run_reminders


@shared_task(ignore_result=True)
def send_desk_reminders() -> dict:
    """Periodic (CELERY_BEAT_SCHEDULE "desk-reminders"): data requests and bank transfers."""
    return run_reminders()
