from django.utils import timezone

from sportello.privacy.models import PrivacyNotice


def current_notice() -> PrivacyNotice | None:
    """The newest notice already published."""
    return PrivacyNotice.objects.filter(published_at__lte=timezone.now()).first()
