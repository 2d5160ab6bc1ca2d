from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sportello.privacy.models import PrivacyNotice
from sportello.privacy.queries import current_notice
from sportello.privacy.tests.factories import PrivacyNoticeFactory

pytestmark = pytest.mark.django_db


def test_a_fresh_database_has_the_first_notice():
    notice = current_notice()

    assert notice is not None
    assert notice.version == "1.0"
    assert PrivacyNotice.objects.count() == 1
    # GDPR art. 13: controller, purposes, legal bases, retention, rights, contacts.
    for heading in [
        "1. Titolare del trattamento",
        "3. Finalità e basi giuridiche",
        "7. Per quanto tempo conserviamo i dati",
        "8. I tuoi diritti",
        "10. Contatti",
    ]:
        assert heading in notice.body
    assert "art. 6, par. 1, lett. b GDPR" in notice.body
    assert "Garante per la protezione dei dati personali" in notice.body
    assert settings.COMPANY_NAME in notice.body
    assert settings.COMPANY_EMAIL in notice.body
    assert "{" not in notice.body


def test_current_notice_is_the_newest_published():
    PrivacyNotice.objects.update(published_at=timezone.now() - timedelta(days=30))
    newer = PrivacyNoticeFactory(version="1.1", published_at=timezone.now() - timedelta(hours=1))
    PrivacyNoticeFactory(version="2.0", published_at=timezone.now() + timedelta(days=7))

    assert current_notice() == newer


def test_public_privacy_page_shows_the_current_notice(client):
    html = client.get(reverse("pages:privacy")).content.decode()

    assert "Informativa sul trattamento dei dati personali" in html
    assert "Versione 1.0" in html
