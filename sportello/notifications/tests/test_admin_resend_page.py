"""The "Reinvia" button of a failed e-mail: one page of the shared back-office action base."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from sportello.accounts.tests.factories import StaffFactory
from sportello.notifications.models import EmailStatus
from sportello.notifications.tests.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db


def change_url(email):
    return reverse("admin:notifications_outgoingemail_change", args=[email.pk])


def resend_url(email):
    return reverse("admin:notifications_outgoingemail_resend", args=[email.pk])


@pytest.fixture
def viewer_client(client):
    # With the second factor (StaffFactory), as the back-office requires.
    viewer = StaffFactory(email="sola.lettura@sportello.example", is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outgoingemail"))
    client.force_login(viewer)
    return client


def test_a_failed_email_has_the_button_and_a_confirmation_page(staff_client):
    failed = OutgoingEmailFactory(status=EmailStatus.FAILED, to="mario@example.com")
    sent = OutgoingEmailFactory(status=EmailStatus.SENT)

    assert (
        f'<a href="{resend_url(failed)}">Reinvia</a>'
        in staff_client.get(change_url(failed)).content.decode()
    )
    assert resend_url(sent) not in staff_client.get(change_url(sent)).content.decode()
    page = staff_client.get(resend_url(failed)).content.decode()
    assert (
        "a mario@example.com non è stata consegnata: rimetterla in coda per l&#x27;invio?" in page
    )
    assert '<input type="submit" class="default" value="Reinvia">' in page
    assert failed.status_changes.count() == 0


def test_confirming_requeues_it_and_writes_the_admin_history(
    staff_client, staff, django_capture_on_commit_callbacks
):
    failed = OutgoingEmailFactory(status=EmailStatus.FAILED, attempts=3, to="mario@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(resend_url(failed), follow=True)

    assert response.redirect_chain == [(change_url(failed), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "E-mail a mario@example.com rimessa in coda per l'invio."
    ]
    failed.refresh_from_db()
    assert failed.status == EmailStatus.SENT
    assert failed.status_changes.get(from_status=EmailStatus.FAILED).actor == staff
    assert [m.subject for m in mail.outbox] == [failed.subject]
    entry = LogEntry.objects.get(object_id=str(failed.pk))
    assert (entry.user, entry.get_change_message()) == (staff, "Reinvio richiesto")


def test_an_email_not_failed_is_refused(staff_client):
    sent = OutgoingEmailFactory(status=EmailStatus.SENT)

    response = staff_client.post(resend_url(sent), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Si possono reinviare solo le e-mail con invio fallito."
    ]
    sent.refresh_from_db()
    assert sent.status == EmailStatus.SENT
    assert not LogEntry.objects.exists()


def test_looking_is_not_acting(viewer_client):
    failed = OutgoingEmailFactory(status=EmailStatus.FAILED)

    page = viewer_client.get(change_url(failed))
    assert page.status_code == 200
    assert resend_url(failed) not in page.content.decode()
    assert viewer_client.get(resend_url(failed)).status_code == 403
    assert viewer_client.post(resend_url(failed)).status_code == 403
    failed.refresh_from_db()
    assert failed.status == EmailStatus.FAILED


def test_an_unknown_email_is_a_404(staff_client):
    assert staff_client.get("/admin/notifications/outgoingemail/999999/reinvia/").status_code == 404


def test_customers_never_reach_the_page(customer_client):
    failed = OutgoingEmailFactory(status=EmailStatus.FAILED)
    response = customer_client.post(resend_url(failed))
    assert response.status_code == 302
    assert "/admin/login/" in response.url
    failed.refresh_from_db()
    assert failed.status == EmailStatus.FAILED
