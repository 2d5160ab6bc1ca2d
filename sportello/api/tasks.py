"""Thin Celery tasks over the webhook outbox (background queue)."""

from celery import shared_task

from sportello.api import webhooks


@shared_task(ignore_result=True)
def deliver_webhook_task(pk: int) -> None:
    webhooks.deliver(pk)


@shared_task(ignore_result=True)
def retry_due_webhooks() -> int:
    """Periodic (beat): hand every due delivery (a retry after its backoff) to a worker."""
    due = webhooks.due_delivery_ids()
    for pk in due:
        deliver_webhook_task.delay(pk)
    return len(due)
