from celery import shared_task
from django.utils import timezone

from sportello.cart import bulk_actions
from sportello.cart.actions import purge_abandoned_carts as purge


@shared_task(ignore_result=True)
def purge_abandoned_carts() -> dict[str, int]:
    """Periodic (CELERY_BEAT_SCHEDULE "purge-abandoned-carts"): anonymous carts and uploads
    older than ANONYMOUS_CART_RETENTION_DAYS go."""
    result = purge(now=timezone.now())
    return {"carts": result.carts, "files": result.files}


@shared_task(ignore_result=True)
def validate_bulk_import(pk: int) -> bool:
    """Check every row of an "Ordine multiplo" (queue "background"). A redelivery after the
    results were written does nothing."""
    return bulk_actions.validate_bulk_import(pk)
