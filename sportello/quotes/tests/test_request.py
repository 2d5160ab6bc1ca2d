"""Quote cart -> PROCEDI ALLA RICHIESTA DI PREVENTIVO -> message -> RICHIEDI PREVENTIVO."""

import re
import uuid

from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sportello.cart.models import Cart, CartKind, CartLine
from sportello.notifications.models import OutgoingEmail
from sportello.quotes.models import QuoteRequest, QuoteStatus

REQUEST_URL = reverse("quotes:request")


def _post(client, token=None, message="Immobile libero, chiavi in portineria."):
    return client.post(
        REQUEST_URL, {"message": message, "submit_token": str(token or uuid.uuid4())}
    )


def test_quote_proceed_leads_to_the_request_page(customer_client, quote_cart):
    response = customer_client.get(reverse("cart:quote_proceed"))
    assert response.status_code == 302
    assert response["Location"] == REQUEST_URL


def test_anonymous_visitor_logs_in_first(client, db):
    response = client.get(REQUEST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_request_page_shows_the_quote_cart_and_the_message_box(customer_client, quote_cart):
    response = customer_client.get(REQUEST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Perizia di stima" in html
    assert "Via Roma 1, Bologna" in html and "Via Po 2, Torino" in html
    assert 'name="message"' in html
    assert "RICHIEDI PREVENTIVO" in html
    assert re.search(r'name="submit_token" value="[0-9a-f-]{36}"', html)


def test_empty_quote_cart_goes_back_to_the_cart(customer_client, customer):
    response = customer_client.get(REQUEST_URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("cart:quote_detail")
    response = _post(customer_client)
    assert response.status_code == 302
    assert response["Location"] == reverse("cart:quote_detail")
    assert not QuoteRequest.objects.exists()


def test_request_creates_the_quote_empties_the_cart_and_sends_two_emails(
    customer_client, customer, quote_cart, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(customer_client)
    quote = QuoteRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("quotes:confirmation", args=[quote.number])
    year = timezone.localdate().year
    assert quote.number == f"P-{year}-000001"
    assert quote.customer == customer
    assert quote.status == QuoteStatus.SENT
    assert quote.customer_message == "Immobile libero, chiavi in portineria."
    lines = list(quote.lines.all())
    assert [line.service_name for line in lines] == ["Perizia di stima", "Perizia di stima"]
    assert [line.answers for line in lines] == [
        {"indirizzo": "Via Roma 1, Bologna"},
        {"indirizzo": "Via Po 2, Torino"},
    ]
    assert lines[0].answers_display == [
        {"label": "Indirizzo dell'immobile", "value": "Via Roma 1, Bologna", "file_id": None}
    ]
    assert [(c.from_status, c.to_status) for c in quote.status_changes.all()] == [
        ("", QuoteStatus.SENT)
    ]
    assert not CartLine.objects.filter(cart=quote_cart).exists()

    emails = {email.to: email for email in OutgoingEmail.objects.all()}
    assert set(emails) == {customer.email, settings.STAFF_NOTIFICATION_EMAIL}
    assert quote.number in emails[customer.email].subject
    assert f"/il-mio-account/preventivi/{quote.number}/" in emails[customer.email].text_body
    assert "Immobile libero" in emails[settings.STAFF_NOTIFICATION_EMAIL].text_body
    assert sorted(message.to[0] for message in mail.outbox) == sorted(emails)


def test_confirmation_page(customer_client, quote_cart):
    response = _post(customer_client)
    page = customer_client.get(response["Location"])
    quote = QuoteRequest.objects.get()
    assert page.status_code == 200
    html = page.content.decode()
    assert "Richiesta di preventivo inviata" in html
    assert quote.number in html
    assert "I MIEI PREVENTIVI" in html


def test_double_submit_makes_one_request(customer_client, quote_cart):
    token = uuid.uuid4()
    first = _post(customer_client, token=token)
    second = _post(customer_client, token=token)
    quote = QuoteRequest.objects.get()
    assert (
        first["Location"]
        == second["Location"]
        == reverse("quotes:confirmation", args=[quote.number])
    )
    assert quote.lines.count() == 2
    assert OutgoingEmail.objects.count() == 2


def test_a_second_request_gets_the_next_number(customer_client, customer, quote_service):
    for _ in range(2):
        cart, _created = Cart.objects.get_or_create(user=customer, kind=CartKind.QUOTE)
        cart.lines.create(
            service=quote_service, answers={"indirizzo": "Via Roma 1"}, form_version=1
        )
        _post(customer_client)
    year = timezone.localdate().year
    assert sorted(QuoteRequest.objects.values_list("number", flat=True)) == [
        f"P-{year}-000001",
        f"P-{year}-000002",
    ]


def test_too_long_message_keeps_the_text_and_creates_nothing(customer_client, quote_cart):
    text = "x" * 5001
    response = _post(customer_client, message=text)
    assert response.status_code == 200
    assert text in response.content.decode()
    assert "field-error" in response.content.decode()
    assert not QuoteRequest.objects.exists()
    assert quote_cart.lines.count() == 2


def test_line_needing_review_blocks_the_request(customer_client, quote_cart, quote_service):
    from sportello.catalogue.tests.factories import FormFieldFactory

    # A new required question the stored answers do not have.
    FormFieldFactory(service=quote_service, key="nuova_domanda", is_required=True)
    quote_service.form_version = 2
    quote_service.save()
    response = _post(customer_client)
    assert response.status_code == 302
    assert response["Location"] == reverse("cart:quote_detail")
    assert not QuoteRequest.objects.exists()
    assert quote_cart.lines.count() == 2


def test_customer_can_say_by_when_the_quote_is_needed(customer, quote_cart):
    import datetime as dt
    import uuid

    from sportello.quotes import actions

    quote = actions.request_quote(
        customer=customer,
        cart=quote_cart,
        submit_token=uuid.uuid4(),
        needed_by=dt.date(2030, 1, 15),
    )
    assert quote.needed_by == dt.date(2030, 1, 15)


def test_the_date_the_quote_is_needed_by_is_shown_to_staff_and_customer(
    customer, staff, client, quote_cart
):
    import datetime as dt
    import uuid

    from django.urls import reverse

    from sportello.quotes import actions

    quote = actions.request_quote(
        customer=customer,
        cart=quote_cart,
        submit_token=uuid.uuid4(),
        needed_by=dt.date(2030, 1, 15),
    )

    client.force_login(staff)
    staff_page = client.get(reverse("admin:quotes_quoterequest_change", args=[quote.pk])).text
    pricing = client.get(reverse("admin:quotes_quoterequest_pricing", args=[quote.pk])).text
    client.force_login(customer)
    customer_page = client.get(quote.get_absolute_url()).text

    assert "15/01/2030" in staff_page or "15 gennaio 2030" in staff_page
    assert "serve al cliente entro il 15/01/2030" in pricing
    assert "Ti serve entro il" in customer_page and "15 gennaio 2030" in customer_page


def test_a_company_quote_pdf_is_addressed_to_the_company(customer, staff):
    from sportello.companies.models import Role
    from sportello.companies.tests.factories import CompanyFactory, MembershipFactory
    from sportello.quotes.pdf import quote_pdf_html
    from sportello.quotes.tests.conftest import price_quote
    from sportello.quotes.tests.factories import QuoteLineFactory, QuoteRequestFactory

    company = CompanyFactory(name="Acme Immobiliare S.r.l.", partita_iva="00743110157")
    MembershipFactory(company=company, user=customer, role=Role.BUYER)
    quote = QuoteRequestFactory(customer=customer, company=company)
    QuoteLineFactory(quote=quote)
    price_quote(quote, staff)
    quote.refresh_from_db()

    html = quote_pdf_html(quote)

    assert "Spett.le <strong>Acme Immobiliare S.r.l.</strong>" in html
    assert "Partita IVA 00743110157" in html
