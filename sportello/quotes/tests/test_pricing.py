"""Staff pricing: exact amounts per line (rounded per line, then summed), versions, admin pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sportello.core.state import InvalidTransition
from sportello.notifications.models import OutgoingEmail
from sportello.quotes import actions
from sportello.quotes.models import (
    QuotePrice,
    QuotePriceLine,
    QuoteRequest,
    QuoteStatus,
    QuoteStatusChange,
)
from sportello.quotes.tests.conftest import price_quote
from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory


def test_send_prices_rounds_per_line_then_sums(quote, staff, customer):
    price = price_quote(quote, staff)
    quote.refresh_from_db()
    rows = list(QuotePriceLine.objects.filter(price=price).order_by("line__position"))
    assert [(row.net, row.vat_rate, row.vat, row.gross) for row in rows] == [
        (Decimal("100.00"), Decimal("22.00"), Decimal("22.00"), Decimal("122.00")),
        (Decimal("33.33"), Decimal("22.00"), Decimal("7.33"), Decimal("40.66")),
    ]
    assert (price.total_net, price.total_vat, price.total_gross) == (
        Decimal("133.33"),
        Decimal("29.33"),
        Decimal("162.66"),
    )
    assert quote.status == QuoteStatus.READY
    assert quote.current_version == 1
    assert quote.valid_until == timezone.localdate() + dt.timedelta(days=30)
    assert price.notes_for_customer == "Sopralluogo incluso."
    change = quote.status_changes.last()
    assert (change.from_status, change.to_status, change.actor) == (
        QuoteStatus.SENT,
        QuoteStatus.READY,
        staff,
    )
    email = OutgoingEmail.objects.get(to=customer.email)
    assert email.subject == f"Il tuo preventivo {quote.number} è pronto"
    assert "162,66\u00a0€" in email.text_body
    assert "ACCETTA IL PREVENTIVO" in email.text_body
    assert f"/il-mio-account/preventivi/{quote.number}/" in email.text_body


def test_half_cent_vat_rounds_up(quote, staff):
    price = price_quote(quote, staff, prices=[("0.05", "10.00"), ("10.00", "4.00")])
    assert list(price.lines.order_by("line__position").values_list("vat", "gross")) == [
        (Decimal("0.01"), Decimal("0.06")),
        (Decimal("0.40"), Decimal("10.40")),
    ]
    assert price.total_gross == Decimal("10.46")


@pytest.mark.parametrize(
    "prices",
    [
        [("100.00", "22.00")],  # a line without price
        [("-1.00", "22.00"), ("10.00", "22.00")],
        [("10.001", "22.00"), ("10.00", "22.00")],
        [("10.00", "122.00"), ("10.00", "22.00")],
        # Nothing to pay: the checkout could not start a payment of 0,00 €.
        [("0.00", "22.00"), ("0.00", "22.00")],
    ],
)
def test_invalid_prices_are_refused_and_nothing_changes(quote, staff, prices):
    lines = list(quote.lines.order_by("position"))
    with pytest.raises(actions.PricingError):
        actions.send_prices(
            quote=quote,
            actor=staff,
            line_prices={
                line.pk: (Decimal(net), Decimal(rate)) for line, (net, rate) in zip(lines, prices)
            },
            valid_until=timezone.localdate() + dt.timedelta(days=5),
        )
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    assert quote.current_version == 0
    assert not QuotePrice.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_price_for_another_quotes_line_is_refused(quote, staff):
    foreign_line = QuoteLineFactory(quote=QuoteRequestFactory())
    lines = list(quote.lines.all())
    with pytest.raises(actions.PricingError):
        actions.send_prices(
            quote=quote,
            actor=staff,
            line_prices={
                lines[0].pk: (Decimal("1.00"), Decimal("22")),
                foreign_line.pk: (Decimal("1.00"), Decimal("22")),
            },
            valid_until=timezone.localdate(),
        )
    assert not QuotePrice.objects.exists()


def test_validity_in_the_past_is_refused(quote, staff):
    with pytest.raises(actions.PricingError):
        price_quote(quote, staff, valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert not QuotePrice.objects.exists()


def test_reissue_keeps_versions_and_the_customer_sees_the_newest(
    ready_quote, staff, customer, customer_client
):
    actions.decline_quote(quote=ready_quote, customer=customer, reason="Troppo caro")
    price_quote(ready_quote, staff, prices=[("90.00", "22.00"), ("30.00", "22.00")], notes="")
    ready_quote.refresh_from_db()
    assert ready_quote.status == QuoteStatus.READY
    assert ready_quote.current_version == 2
    assert list(ready_quote.prices.values_list("version", "total_gross")) == [
        (1, Decimal("162.66")),
        (2, Decimal("146.40")),
    ]
    html = customer_client.get(ready_quote.get_absolute_url()).content.decode()
    assert "146,40\u00a0€" in html
    assert "162,66\u00a0€" not in html
    assert OutgoingEmail.objects.filter(to=customer.email, subject__contains="pronto").count() == 2


def test_reissue_of_a_ready_quote(ready_quote, staff):
    price_quote(ready_quote, staff, prices=[("1.00", "22.00"), ("1.00", "22.00")])
    ready_quote.refresh_from_db()
    assert ready_quote.current_version == 2
    assert ready_quote.status == QuoteStatus.READY


@pytest.mark.parametrize("status", [QuoteStatus.CANCELLED, QuoteStatus.ACCEPTED])
def test_pricing_refused_in_closed_or_accepted_states(quote, staff, status):
    QuoteRequest.objects.filter(pk=quote.pk).update(status=status)
    with pytest.raises(InvalidTransition):
        price_quote(quote, staff)
    assert not QuotePrice.objects.exists()


# --- Admin ----------------------------------------------------------------------------------


def test_admin_list_shows_unpriced_first_then_newest(staff_client, staff, customer):
    now = timezone.now()
    priced_new = QuoteRequestFactory(customer=customer, requested_at=now)
    QuoteLineFactory(quote=priced_new)
    QuoteLineFactory(quote=priced_new)
    price_quote(priced_new, staff)
    unpriced_old = QuoteRequestFactory(customer=customer, requested_at=now - dt.timedelta(days=3))
    unpriced_new = QuoteRequestFactory(
        customer=customer, requested_at=now - dt.timedelta(days=1), status=QuoteStatus.IN_PROGRESS
    )
    response = staff_client.get(reverse("admin:quotes_quoterequest_changelist"))
    assert response.status_code == 200
    numbers = [quote.number for quote in response.context["cl"].result_list]
    assert numbers == [unpriced_new.number, unpriced_old.number, priced_new.number]
    filtered = staff_client.get(
        reverse("admin:quotes_quoterequest_changelist"), {"status__exact": "ready"}
    )
    assert [q.number for q in filtered.context["cl"].result_list] == [priced_new.number]


def test_admin_pricing_page_sends_the_quote(staff_client, quote, settings):
    settings.QUOTE_VALIDITY_DAYS = 45
    url = reverse("admin:quotes_quoterequest_pricing", args=[quote.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form["valid_until"].initial == timezone.localdate() + dt.timedelta(days=45)
    first, second = quote.lines.order_by("position")
    assert form[f"vat_{first.pk}"].initial == Decimal("22.00")
    response = staff_client.post(
        url,
        {
            f"net_{first.pk}": "1.234,50",
            f"vat_{first.pk}": "22",
            f"net_{second.pk}": "99,99",
            f"vat_{second.pk}": "10",
            "valid_until": (timezone.localdate() + dt.timedelta(days=45)).isoformat(),
            "notes_for_customer": "Prezzo comprensivo di sopralluogo.",
        },
    )
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.READY
    price = QuotePrice.objects.get(quote=quote)
    assert (price.total_net, price.total_vat, price.total_gross) == (
        Decimal("1334.49"),
        Decimal("281.59"),  # 271.59 + 10.00
        Decimal("1616.08"),
    )


def test_admin_pricing_errors_keep_the_input(staff_client, quote):
    first, second = quote.lines.order_by("position")
    response = staff_client.post(
        reverse("admin:quotes_quoterequest_pricing", args=[quote.pk]),
        {
            f"net_{first.pk}": "abc",
            f"vat_{first.pk}": "22",
            f"net_{second.pk}": "10",
            f"vat_{second.pk}": "22",
            "valid_until": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert 'value="abc"' in response.content.decode()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    assert not QuotePrice.objects.exists()


def test_admin_never_saves_the_quote_form(staff_client, quote):
    response = staff_client.post(
        reverse("admin:quotes_quoterequest_change", args=[quote.pk]), {"status": "ready"}
    )
    assert response.status_code == 403
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT


def test_admin_change_page_shows_the_buttons(staff_client, ready_quote):
    response = staff_client.get(reverse("admin:quotes_quoterequest_change", args=[ready_quote.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nuova versione del preventivo" in html
    assert "Scrivi al cliente" in html
    assert "Annulla la richiesta" in html
    assert reverse("admin:quotes_quoterequest_pdf", args=[ready_quote.pk]) in html


def test_customers_cannot_reach_staff_pages(customer_client, quote):
    for name in ("pricing", "message", "cancel", "start", "pdf"):
        response = customer_client.get(
            reverse(f"admin:quotes_quoterequest_{name}", args=[quote.pk])
        )
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_admin_start_and_cancel(staff_client, quote, customer):
    staff_client.post(reverse("admin:quotes_quoterequest_start", args=[quote.pk]))
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.IN_PROGRESS
    staff_client.post(
        reverse("admin:quotes_quoterequest_cancel", args=[quote.pk]),
        {"reason": "Servizio non disponibile nella tua zona."},
    )
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.CANCELLED
    email = OutgoingEmail.objects.get(to=customer.email)
    assert "annullata" in email.subject
    assert "Servizio non disponibile nella tua zona." in email.text_body
    # Cancelled is final: another cancellation is refused, nothing changes.
    response = staff_client.post(reverse("admin:quotes_quoterequest_cancel", args=[quote.pk]), {})
    assert response.status_code == 302
    assert quote.status_changes.count() == 2


def test_admin_pdf(staff_client, ready_quote):
    response = staff_client.get(reverse("admin:quotes_quoterequest_pdf", args=[ready_quote.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_staff_email_goes_to_the_configured_address(quote, staff):
    actions.post_message(quote=quote, author=quote.customer, body="Domanda")
    assert OutgoingEmail.objects.get().to == settings.STAFF_NOTIFICATION_EMAIL


def test_staff_download_message_attachments_and_answer_files(staff_client, quote, customer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sportello.uploads.models import Upload

    content = b"%PDF-1.4 test"
    message = actions.post_message(
        quote=quote,
        author=customer,
        body="Allego",
        attachment=SimpleUploadedFile("planimetria.pdf", content, "application/pdf"),
    )
    answer_file = Upload.objects.create(
        file=SimpleUploadedFile("visura.pdf", content),
        original_name="visura.pdf",
        content_type="application/pdf",
        size=len(content),
        owner=customer,
    )
    QuoteLineFactory(
        quote=quote,
        answers_display=[{"label": "Visura", "value": "visura.pdf", "file_id": answer_file.pk}],
    )
    attachment = staff_client.get(
        reverse("admin:quotes_quoterequest_attachment", args=[quote.pk, message.pk])
    )
    assert b"".join(attachment.streaming_content) == content
    answer = staff_client.get(
        reverse("admin:quotes_quoterequest_answer_file", args=[quote.pk, answer_file.pk])
    )
    assert b"".join(answer.streaming_content) == content
    other_quote = QuoteRequestFactory()
    assert (
        staff_client.get(
            reverse("admin:quotes_quoterequest_answer_file", args=[other_quote.pk, answer_file.pk])
        ).status_code
        == 404
    )


def test_admin_success_message_shows_the_total_in_euro(staff_client, quote):
    first, second = quote.lines.order_by("position")
    response = staff_client.post(
        reverse("admin:quotes_quoterequest_pricing", args=[quote.pk]),
        {
            f"net_{first.pk}": "1.234,50",
            f"vat_{first.pk}": "22",
            f"net_{second.pk}": "99,99",
            f"vat_{second.pk}": "10",
            "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            "notes_for_customer": "",
        },
        follow=True,
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        f"Preventivo {quote.number} (versione 1) inviato al cliente: totale 1.616,08\u00a0€."
    ]


def test_admin_quote_page_has_no_link_to_the_customers_page(staff_client, ready_quote):
    # The customer's page answers 404 to anyone but the customer: staff have no use for it.
    html = staff_client.get(
        reverse("admin:quotes_quoterequest_change", args=[ready_quote.pk])
    ).content.decode()
    assert "/admin/r/" not in html
    assert ready_quote.get_absolute_url() not in html


def test_admin_history_shows_status_labels(staff_client, ready_quote):
    response = staff_client.get(reverse("admin:quotes_quoterequest_change", args=[ready_quote.pk]))
    (history,) = [
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.opts.model is QuoteStatusChange
    ]
    labels = ("from_label", "to_label")
    rows = [
        [
            field.contents()
            for fieldset in form
            for line in fieldset
            for field in line
            if field.field["name"] in labels
        ]
        for form in history
    ]
    assert rows == [["Inviata", "Pronto"]]


def test_one_free_line_is_allowed_when_the_quote_has_a_total(quote, staff):
    price = price_quote(quote, staff, prices=[("0.00", "22.00"), ("50.00", "22.00")])
    assert (price.total_net, price.total_vat, price.total_gross) == (
        Decimal("50.00"),
        Decimal("11.00"),
        Decimal("61.00"),
    )


def test_admin_zero_total_is_refused_with_a_message_and_the_input_kept(staff_client, quote):
    first, second = quote.lines.order_by("position")
    response = staff_client.post(
        reverse("admin:quotes_quoterequest_pricing", args=[quote.pk]),
        {
            f"net_{first.pk}": "0",
            f"vat_{first.pk}": "22",
            f"net_{second.pk}": "0,00",
            f"vat_{second.pk}": "22",
            "valid_until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
            "notes_for_customer": "Omaggio",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Il totale del preventivo deve essere maggiore di zero." in html
    assert "Omaggio" in html
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
    assert not QuotePrice.objects.exists()


def test_admin_quote_page_with_a_malformed_id_is_not_a_server_error(staff_client):
    response = staff_client.get("/admin/quotes/quoterequest/abc/change/")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_quote_ready_email_attaches_the_quote_pdf(ready_quote):
    from django.core import mail

    from sportello.notifications.actions import deliver
    from sportello.notifications.models import OutgoingEmail

    email = OutgoingEmail.objects.get(template="quotes/email/quote_ready")
    # Greeted by first name, as the account's and the orders' e-mails do.
    customer = ready_quote.customer
    assert f"Gentile {customer.first_name},\n" in email.text_body
    assert f"Gentile {customer.first_name} {customer.last_name}" not in email.text_body
    (attachment,) = email.attachments.all()
    assert attachment.filename == f"preventivo-{ready_quote.number}.pdf"
    assert deliver(email.pk)
    (message,) = mail.outbox
    ((filename, content, content_type),) = message.attachments
    assert filename == f"preventivo-{ready_quote.number}.pdf"
    assert content.startswith(b"%PDF") and content_type == "application/pdf"
