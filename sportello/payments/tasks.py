"""Payment work on the "payments" queue (CELERY_TASK_ROUTES), away from slow mail servers."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, acks_late=True)
def deliver_test_gateway_notification(body: str, signature_header: str) -> str:
    """The test gateway's server-to-server notification, delivered after the card holder's
    choice, as a real provider's call arrives: on its own, after the customer's request.

    Idempotent: a redelivered notification is answered "duplicate" and changes nothing.
    """
    # Inside the payments app: test_gateway imports this module to queue the task.
    from sportello.payments.providers import test_gateway

    response = test_gateway.deliver(body.encode(), signature_header)
    if response.status_code != 200:
        logger.error("Test gateway callback answered %s", response.status_code)
        return f"refused ({response.status_code})"
    return response.content.decode()
