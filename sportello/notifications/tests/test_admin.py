import re

import pytest
from django.core import mail
from django.urls import reverse

from sportello.notifications.models import EmailStatus, OutgoingEmail
from sportello.notifications.tests.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:notifications_outgoingemail_changelist")


def change_url(email):
    return reverse("admin:notifications_outgoingemail_change", args=[email.pk])


def test_staff_list_messages_with_a_fixed_number_of_queries(
    staff_client, django_assert_num_queries
):
    for index in range(3):
        OutgoingEmailFactory(subject=f"Conferma ordine {index}")
    staff_client.get(LIST_URL)  # warm up the session and content types caches

    for index in range(3, 10):
        OutgoingEmailFactory(subject=f"Conferma ordine {index}")
    # session, user, two counts, the page, the date hierarchy (2)
    with django_assert_num_queries(7):
        response = staff_client.get(LIST_URL)

    assert response.status_code == 200
    html = response.content.decode()
    for index in range(10):
        assert f"Conferma ordine {index}" in html


def test_staff_filter_by_status_and_search_by_recipient(staff_client):
    OutgoingEmailFactory(to="mario.rossi@example.com", subject="Ordine pagato")
    OutgoingEmailFactory(
        to="giulia.bianchi@example.com", subject="Preventivo pronto", status=EmailStatus.FAILED
    )

    failed = staff_client.get(LIST_URL, {"status__exact": EmailStatus.FAILED}).context["cl"]
    assert [email.subject for email in failed.result_list] == ["Preventivo pronto"]

    found = staff_client.get(LIST_URL, {"q": "mario.rossi"}).context["cl"]
    assert [email.subject for email in found.result_list] == ["Ordine pagato"]

    found = staff_client.get(LIST_URL, {"q": "Preventivo"}).context["cl"]
    assert [email.to for email in found.result_list] == ["giulia.bianchi@example.com"]


def test_staff_read_a_message_and_its_bodies_are_shown_safely(staff_client, customer):
    email = OutgoingEmailFactory(
        text_body="Gentile <b>Mario</b>,\nil tuo ordine è pronto.\n",
        html_body='<p>Ciao</p><script>alert("x")</script>',
        related_content_type=None,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )

    response = staff_client.get(change_url(email))

    assert response.status_code == 200
    html = response.content.decode()
    assert email.subject in html
    assert "Gentile &lt;b&gt;Mario&lt;/b&gt;," in html
    preview_url = reverse("admin:notifications_outgoingemail_html_preview", args=[email.pk])
    assert f'<iframe sandbox="" src="{preview_url}"' in html
    assert '<script>alert("x")</script>' not in html
    preview = staff_client.get(preview_url)
    assert preview.content.decode() == '<p>Ciao</p><script>alert("x")</script>'
    # Its own document: no script runs, nothing is fetched, only the back-office may frame it.
    policy = preview["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert policy.endswith("sandbox")
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in html
    assert 'name="_save"' not in html  # read-only


def test_the_history_of_a_message_speaks_italian(staff_client, customer):
    email = OutgoingEmailFactory(status=EmailStatus.QUEUED)
    email.status_changes.create(from_status="", to_status=EmailStatus.QUEUED)
    email.status_changes.create(from_status=EmailStatus.QUEUED, to_status=EmailStatus.SENDING)

    html = staff_client.get(change_url(email)).content.decode()

    assert "OutgoingEmailStatusChange object" not in html
    assert "— → In coda" in html
    assert "In coda → In invio" in html
    cells = re.sub(r"\s+", "", html)
    assert '<tdclass="field-from_label"><p>Incoda</p></td>' in cells
    assert '<tdclass="field-to_label"><p>Ininvio</p></td>' in cells


def test_staff_resend_failed_messages_through_the_action(
    staff_client, staff, django_capture_on_commit_callbacks
):
    failed = OutgoingEmailFactory(status=EmailStatus.FAILED, attempts=3, last_error="boom")
    sent = OutgoingEmailFactory(status=EmailStatus.SENT, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            LIST_URL,
            {"action": "resend", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "1 e-mail rimesse in coda per l'invio.",
        "1 e-mail ignorate: si possono reinviare solo quelle con invio fallito.",
    ]
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.status == EmailStatus.SENT
    assert failed.attempts == 1
    assert failed.status_changes.get(from_status=EmailStatus.FAILED).actor == staff
    assert sent.status == EmailStatus.SENT
    assert sent.status_changes.count() == 0
    assert [message.subject for message in mail.outbox] == [failed.subject]


def test_staff_cannot_add_edit_or_delete_messages(staff_client):
    email = OutgoingEmailFactory()

    assert staff_client.get(reverse("admin:notifications_outgoingemail_add")).status_code == 403
    response = staff_client.post(change_url(email), {"subject": "Cambiato", "status": "sent"})
    assert response.status_code == 403
    delete_url = reverse("admin:notifications_outgoingemail_delete", args=[email.pk])
    assert staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert email.subject != "Cambiato"


def test_customers_cannot_see_the_outbox(customer_client):
    email = OutgoingEmailFactory(to="giulia.bianchi@example.com")

    for url in (LIST_URL, change_url(email)):
        response = customer_client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))

    response = customer_client.post(LIST_URL, {"action": "resend", "_selected_action": [email.pk]})
    assert response.status_code == 302
    assert OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.QUEUED


def test_the_outbox_is_listed_in_italian_on_the_back_office_index(staff_client):
    html = staff_client.get(reverse("admin:index")).content.decode()

    assert ">Notifiche</a>" in html
    assert ">Utenti</a>" in html
    assert ">Notifications</a>" not in html


@pytest.mark.parametrize(
    "template",
    [
        "notifications/email/account/password_reset",
        "notifications/email/account/email_verification",
    ],
)
def test_staff_never_see_reset_links_or_verification_codes(staff_client, template):
    secret = "https://shop.example.it/account/password/reset/key/3a-c8x9k2-segreto/"
    email = OutgoingEmailFactory(
        template=template,
        text_body=f"Per reimpostare la password apri: {secret}\nCodice: QX7KP2\n",
        html_body=f'<p><a href="{secret}">Reimposta</a> Codice: QX7KP2</p>',
    )

    html = staff_client.get(change_url(email)).content.decode()

    assert "segreto" not in html
    assert "QX7KP2" not in html
    assert "Contenuto riservato" in html
