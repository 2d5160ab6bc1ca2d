"""Thin Celery tasks over the outbox actions (no broker: they run in-process after commit)."""

from celery import shared_task
from django.conf import settings

from sportello.notifications import actions, queries


@shared_task(ignore_result=True)
def deliver_email_task(pk: int) -> None:
    actions.deliver(pk)


@shared_task(ignore_result=True)
def retry_due_emails() -> int:
    """Periodic (beat): reclaim rows stuck in "sending", then hand every due row to a worker."""
    actions.reclaim_stuck_emails()
    due = queries.due_email_ids(limit=settings.EMAIL_RETRY_BATCH_SIZE)
    for pk in due:
        deliver_email_task.delay(pk)
    return len(due)
