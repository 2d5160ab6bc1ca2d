from django.shortcuts import get_object_or_404
from django.utils import timezone

from sportello.contracts.models import TermsOfSale


def current_terms() -> TermsOfSale | None:
    """The version in force now: the newest whose publication date has come."""
    return TermsOfSale.objects.filter(published_at__lte=timezone.now()).first()


def published_terms(version: str) -> TermsOfSale:
    """One published version (404 for a draft dated in the future or an unknown version)."""
    return get_object_or_404(TermsOfSale, version=version, published_at__lte=timezone.now())
