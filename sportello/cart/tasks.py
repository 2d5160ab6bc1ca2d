from celery import shared_task
from django.utils import timezone

from sportello.cart.actions import purge_abandoned_carts as purge


@shared_task(ignore_result=True)
def purge_abandoned_carts() -> dict[str, int]:
    """Periodic (CELERY_BEAT_SCHEDULE "purge-abandoned-carts"): anonymous carts and uploads
    older than ANONYMOUS_CART_RETENTION_DAYS go."""
    result = purge(now=timezone.now())
    return {"carts": result.carts, "files": result.files}
