"""The whole cycle with a token: services → form → order → paid → outcome → invoice."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sportello.checkout.settlement import settle_bank_transfer
from sportello.invoicing.models import DocumentKind, FiscalDocument
from sportello.notifications.models import OutgoingEmail
from sportello.orders import actions as order_actions
from sportello.orders.models import Order, OrderStatus
from sportello.orders.tests.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

URGENT = {"comune": "Bologna", "urgenza": "urgente", "note": "Citofonare Rossi"}


def post_order(client, auth, body, **headers):
    return client.post("/api/orders", body, content_type="application/json", **auth, **headers)


def test_full_cycle_order_outcome_invoice(client, auth, appraisal, company_profile, staff):
    services = client.get("/api/services", **auth)
    assert services.status_code == 200
    assert [s["slug"] for s in services.json()] == ["perizia-immobiliare"]
    assert services.json()[0]["gross_price"] == "122.00"

    form = client.get("/api/services/perizia-immobiliare", **auth).json()
    assert [f["key"] for f in form["fields"]] == ["comune", "urgenza", "note"]
    urgency = form["fields"][1]
    assert urgency["type"] == "choice"
    assert [c["value"] for c in urgency["choices"]] == ["standard", "urgente"]
    assert urgency["choices"][1]["price_supplement"] == "30.00"

    created = post_order(
        client,
        auth,
        {"lines": [{"service": "perizia-immobiliare", "answers": URGENT}], "accept_terms": True},
        HTTP_IDEMPOTENCY_KEY="ordine-1",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    number = body["number"]
    assert body["status"] == "awaiting_payment"
    assert body["total_gross"] == "158.60"
    assert body["lines"][0]["answers"][1] == {"label": "Urgenza", "value": "Consegna urgente"}
    order = Order.objects.get(number=number)
    assert order.billing_company_name == "Acme Immobiliare S.r.l."
    assert order.payment_method == "bank_transfer"
    assert order.terms_accepted_at is not None
    # As at the web checkout: confirmation and transfer instructions at once.
    assert OutgoingEmail.objects.filter(to__contains="mario.rossi@example.com").count() == 2

    # A repeat with the same Idempotency-Key is the same order.
    again = post_order(
        client,
        auth,
        {"lines": [{"service": "perizia-immobiliare", "answers": URGENT}], "accept_terms": True},
        HTTP_IDEMPOTENCY_KEY="ordine-1",
    )
    assert again.status_code == 200
    assert again.json()["number"] == number
    assert Order.objects.count() == 1
    # The same key for another request is refused, not answered with the first order.
    other = post_order(
        client,
        auth,
        {
            "lines": [
                {"service": "perizia-immobiliare", "answers": {**URGENT, "urgenza": "standard"}}
            ],
            "accept_terms": True,
        },
        HTTP_IDEMPOTENCY_KEY="ordine-1",
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1

    settle_bank_transfer(order=order, actor=staff, note="Bonifico ricevuto")
    paid = client.get(f"/api/orders/{number}", **auth).json()
    assert paid["status"] == "paid"
    assert paid["status_label"] == "Pagato"
    [invoice] = paid["documents"]
    assert invoice["kind"] == DocumentKind.INVOICE
    assert invoice["total_gross"] == "158.60"

    line = order.lines.get()
    order_actions.add_outcome(
        line=line,
        note="Perizia pronta",
        files=[SimpleUploadedFile("perizia.pdf", PDF_BYTES)],
        actor=staff,
        complete_line=True,
    )
    done = client.get(f"/api/orders/{number}", **auth).json()
    assert done["status"] == OrderStatus.COMPLETED
    assert done["lines"][0]["status"] == "completed"
    [outcome] = done["lines"][0]["outcomes"]
    assert outcome["note"] == "Perizia pronta"
    [outcome_file] = outcome["files"]
    assert outcome_file["name"] == "perizia.pdf"

    download = client.get(outcome_file["download_url"], **auth)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "perizia.pdf" in download["Content-Disposition"]

    pdf = client.get(f"/api/orders/{number}/invoice.pdf", **auth)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get(invoice["pdf_url"], **auth).content.startswith(b"%PDF")
    xml = client.get(invoice["xml_url"], **auth)
    assert xml.status_code == 200
    document = FiscalDocument.objects.get()
    assert document.number.encode() in xml.content
    assert b"Acme Immobiliare" in xml.content

    listed = client.get("/api/orders", **auth).json()
    assert [(o["number"], o["status"]) for o in listed] == [(number, "completed")]


def test_answers_are_checked_by_the_service_form(client, auth, appraisal, company_profile):
    response = post_order(
        client,
        auth,
        {
            "lines": [
                {"service": "perizia-immobiliare", "answers": {"urgenza": "lampo", "altro": 1}},
                {"service": "non-esiste", "answers": {}},
            ],
            "accept_terms": True,
        },
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["lines.0.answers.comune"] == ["Questo campo è obbligatorio."]
    assert "lines.0.answers.urgenza" in errors
    assert errors["lines.0.answers.altro"] == ["Campo sconosciuto per questo servizio."]
    assert errors["lines.1.service"] == ["Servizio inesistente o non in vendita."]
    assert Order.objects.count() == 0


def test_an_order_needs_the_terms_and_billing_data(client, auth, appraisal, customer):
    body = {"lines": [{"service": "perizia-immobiliare", "answers": URGENT}]}
    refused = post_order(client, auth, {**body, "accept_terms": False})
    assert refused.status_code == 422
    assert refused.json()["code"] == "terms_not_accepted"
    missing = post_order(client, auth, {**body, "accept_terms": True})
    assert missing.status_code == 409
    assert missing.json()["code"] == "billing_profile_missing"
    assert Order.objects.count() == 0


def test_a_service_on_quote_is_requested_not_ordered(client, auth, company_profile):
    from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory

    service = ServiceFactory(slug="due-diligence", pricing_mode="quote", net_price=None)
    FormFieldFactory(service=service, key="immobile", label="Immobile")
    ordered = post_order(
        client,
        auth,
        {
            "lines": [{"service": "due-diligence", "answers": {"immobile": "Via Roma 1"}}],
            "accept_terms": True,
        },
    )
    assert ordered.status_code == 422
    assert ordered.json()["code"] == "not_purchasable"

    requested = client.post(
        "/api/quotes",
        {
            "lines": [{"service": "due-diligence", "answers": {"immobile": "Via Roma 1"}}],
            "message": "Entro fine mese",
        },
        content_type="application/json",
        **auth,
    )
    assert requested.status_code == 201, requested.content
    quote = requested.json()
    reused = client.post(
        "/api/quotes",
        {"lines": [{"service": "due-diligence", "answers": {"immobile": "Via Po 2"}}]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="preventivo-1",
        **auth,
    )
    assert reused.status_code == 201  # another key: another request
    repeated = client.post(
        "/api/quotes",
        {"lines": [{"service": "due-diligence", "answers": {"immobile": "Via Po 2"}}]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="preventivo-1",
        **auth,
    )
    assert repeated.status_code == 200
    assert repeated.json()["number"] == reused.json()["number"]
    changed = client.post(
        "/api/quotes",
        {"lines": [{"service": "due-diligence", "answers": {"immobile": "Via Po 4"}}]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="preventivo-1",
        **auth,
    )
    assert changed.status_code == 422
    assert changed.json()["code"] == "idempotency_key_reused"
    assert quote["status"] == "sent"
    assert quote["message"] == "Entro fine mese"
    assert quote["lines"][0]["answers"] == [{"label": "Immobile", "value": "Via Roma 1"}]
    shown = client.get(f"/api/quotes/{quote['number']}", **auth).json()
    assert shown["number"] == quote["number"]
    assert {q["number"] for q in client.get("/api/quotes", **auth).json()} == {
        quote["number"],
        reused.json()["number"],
    }


def test_prices_are_exact_decimals(client, auth, appraisal, company_profile):
    response = post_order(
        client,
        auth,
        {
            "lines": [
                {"service": "perizia-immobiliare", "answers": URGENT},
                {"service": "perizia-immobiliare", "answers": {**URGENT, "urgenza": "standard"}},
            ],
            "accept_terms": True,
        },
    )
    order = Order.objects.get(number=response.json()["number"])
    assert order.total_gross == Decimal("280.60")
    assert [line.gross for line in order.lines.order_by("position")] == [
        Decimal("158.60"),
        Decimal("122.00"),
    ]


def test_a_file_answer_is_an_upload_of_ones_own(
    client, auth, other_auth, company_profile, customer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sportello.catalogue.models import FieldType
    from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory
    from sportello.uploads.models import Upload

    service = ServiceFactory(slug="visura", net_price=Decimal("20.00"))
    FormFieldFactory(
        service=service, key="planimetria", label="Planimetria", field_type=FieldType.FILE
    )

    refused = client.post("/api/uploads", {"file": SimpleUploadedFile("virus.exe", b"MZ")}, **auth)
    assert refused.status_code == 422
    assert refused.json()["code"] == "upload_rejected"
    assert refused.json()["message"].startswith("Tipo di file non ammesso.")

    theirs = client.post(
        "/api/uploads", {"file": SimpleUploadedFile("loro.pdf", PDF_BYTES)}, **other_auth
    ).json()["id"]
    uploaded = client.post(
        "/api/uploads", {"file": SimpleUploadedFile("planimetria.pdf", PDF_BYTES)}, **auth
    )
    assert uploaded.status_code == 201
    mine = uploaded.json()["id"]
    assert Upload.objects.get(pk=mine).owner == customer

    def order_with(file_id):
        return post_order(
            client,
            auth,
            {
                "lines": [{"service": "visura", "answers": {"planimetria": file_id}}],
                "accept_terms": True,
            },
        )

    # Another customer's upload is not one's own: as if no file was given.
    stolen = order_with(theirs)
    assert stolen.status_code == 422
    assert stolen.json()["errors"] == {"lines.0.answers.planimetria": ["Allega il file richiesto."]}

    placed = order_with(mine)
    assert placed.status_code == 201, placed.content
    order = Order.objects.get(number=placed.json()["number"])
    line = order.lines.get()
    assert line.answers["planimetria"] == {"file_id": mine, "name": "planimetria.pdf"}
    # The order keeps the file (PROTECT link), as for an order placed on the site.
    assert list(line.answer_files.values_list("upload_id", flat=True)) == [mine]


@pytest.mark.parametrize(
    ("field_type", "attribute", "choices"),
    [("date", "date_limit", "DateLimit"), ("text", "text_format", "TextFormat")],
)
def test_the_form_says_every_limit_the_back_office_offers(
    client, auth, appraisal, field_type, attribute, choices
):
    """Every date limit and text format staff can choose is one the schema describes (a
    birth date question made the service's form answer 500 when the schema missed it)."""
    from sportello.catalogue import models as catalogue
    from sportello.catalogue.tests.factories import FormFieldFactory

    values = getattr(catalogue, choices).values
    for position, value in enumerate(values, start=10):
        FormFieldFactory(
            service=appraisal,
            position=position,
            key=f"campo_{value or 'libero'}",
            field_type=field_type,
            is_required=False,
            **{attribute: value},
        )

    form = client.get("/api/services/perizia-immobiliare", **auth)

    assert form.status_code == 200, form.content
    said = {f["key"]: f[attribute] for f in form.json()["fields"] if f["type"] == field_type}
    assert said == {f"campo_{value or 'libero'}": value for value in values}


def test_an_answer_in_the_wrong_format_is_refused_next_to_it(
    client, auth, appraisal, company_profile
):
    from sportello.catalogue.models import FieldType
    from sportello.catalogue.tests.factories import FormFieldFactory

    for position, text_format in enumerate(("digits", "code"), start=10):
        FormFieldFactory(
            service=appraisal,
            position=position,
            key=f"testo_{text_format}",
            field_type=FieldType.TEXT,
            is_required=False,
            text_format=text_format,
        )

    refused = post_order(
        client,
        auth,
        {
            "lines": [
                {
                    "service": "perizia-immobiliare",
                    "answers": {**URGENT, "testo_digits": "12a", "testo_code": "123/A"},
                }
            ],
            "accept_terms": True,
        },
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "lines.0.answers.testo_digits": ["Inserisci solo cifre, senza spazi."]
    }
