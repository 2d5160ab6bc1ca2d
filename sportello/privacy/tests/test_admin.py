from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sportello.privacy.actions import record_signup_consents
from sportello.privacy.models import ConsentEvent, PrivacyNotice
from sportello.privacy.queries import current_notice
from sportello.privacy.tests.factories import PrivacyNoticeFactory

pytestmark = pytest.mark.django_db


def test_staff_publish_a_new_dated_version(staff_client):
    PrivacyNotice.objects.update(published_at=timezone.now() - timedelta(days=30))
    add_url = reverse("admin:accounts_privacynotice_add")
    page = staff_client.get(add_url)
    assert page.status_code == 200
    assert 'name="published_at_0"' in page.content.decode()
    now = timezone.localtime()

    response = staff_client.post(
        add_url,
        {
            "version": "1.1",
            "title": "Informativa sul trattamento dei dati personali",
            "body": "1. Titolare del trattamento\nTesto aggiornato.",
            "published_at_0": now.strftime("%d/%m/%Y"),
            "published_at_1": now.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 302
    notice = PrivacyNotice.objects.get(version="1.1")
    assert timezone.localtime(notice.published_at).date() == now.date()
    assert current_notice() == notice


def test_a_notice_nobody_accepted_can_be_edited(staff_client):
    draft = PrivacyNoticeFactory(version="1.1")

    html = staff_client.get(
        reverse("admin:accounts_privacynotice_change", args=[draft.pk])
    ).content.decode()

    assert '<textarea name="body"' in html


def test_an_accepted_notice_is_read_only(staff_client, customer):
    notice = current_notice()
    record_signup_consents(user=customer, is_marketing_granted=False, notice=notice)
    change_url = reverse("admin:accounts_privacynotice_change", args=[notice.pk])
    body_before = notice.body

    html = staff_client.get(change_url).content.decode()
    staff_client.post(change_url, {"version": "9.9", "title": "x", "body": "altro testo"})

    assert '<textarea name="body"' not in html
    notice.refresh_from_db()
    assert (notice.version, notice.body) == ("1.0", body_before)
    delete = staff_client.get(reverse("admin:accounts_privacynotice_delete", args=[notice.pk]))
    assert delete.status_code == 403


def test_consent_ledger_is_read_only_in_admin(staff_client, customer):
    record_signup_consents(user=customer, is_marketing_granted=True, notice=current_notice())
    event = ConsentEvent.objects.first()

    changelist = staff_client.get(
        reverse("admin:accounts_consentevent_changelist"), {"q": "mario.rossi"}
    )
    detail = staff_client.get(reverse("admin:accounts_consentevent_change", args=[event.pk]))
    add = staff_client.get(reverse("admin:accounts_consentevent_add"))
    staff_client.post(
        reverse("admin:accounts_consentevent_change", args=[event.pk]),
        {"is_granted": "", "purpose": "marketing", "source": "staff"},
    )
    delete = staff_client.get(reverse("admin:accounts_consentevent_delete", args=[event.pk]))

    assert changelist.status_code == 200
    assert changelist.content.decode().count("mario.rossi@example.com") == 2
    assert detail.status_code == 200
    assert add.status_code == 403
    assert delete.status_code == 403
    event.refresh_from_db()
    assert event.is_granted is True
    assert ConsentEvent.objects.count() == 2
