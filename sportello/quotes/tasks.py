from celery import shared_task

from sportello.quotes.actions import expire_overdue_quotes


@shared_task(ignore_result=True)
def expire_quotes() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE "expire-quotes"): ready quotes past validity -> scaduto."""
    return expire_overdue_quotes()
