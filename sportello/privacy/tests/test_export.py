import io
import json
import zipfile

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sportello.privacy.export import (
    DATA_FILE,
    EXPORTED_MODELS,
    GUIDE_FILE,
    MODELS_WITHOUT_CUSTOMER_DATA,
    SECTIONS,
    build_export,
    write_export_zip,
)
from sportello.privacy.tests.conftest import populate

pytestmark = pytest.mark.django_db


def open_export(user) -> tuple[dict, zipfile.ZipFile]:
    buffer = io.BytesIO()
    write_export_zip(user=user, target=buffer)
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    return json.loads(archive.read(DATA_FILE)), archive


def resolve(data, path: str) -> list:
    """The values at `path` ("orders[].lines"): every item reached through the lists."""
    values = [data]
    for part in path.split("."):
        is_list = part.endswith("[]")
        key = part.removesuffix("[]")
        values = [value[key] for value in values]
        if is_list:
            values = [item for value in values for item in value]
    return values


def test_every_model_is_either_exported_or_declared_free_of_customer_data():
    labels = {model._meta.label for model in apps.get_models()}
    exported, without = set(EXPORTED_MODELS), set(MODELS_WITHOUT_CUSTOMER_DATA)

    unclassified = labels - exported - without
    assert not unclassified, (
        f"Classify these models in sportello/privacy/export.py: {sorted(unclassified)}"
    )
    assert not exported & without
    assert not (exported | without) - labels, "stale entries name models that no longer exist"
    assert all(reason.strip() for reason in MODELS_WITHOUT_CUSTOMER_DATA.values())


def test_every_exported_model_has_its_rows_in_the_export(customer_data):
    data, _files = build_export(user=customer_data.user)

    for label, path in EXPORTED_MODELS.items():
        assert apps.get_model(label).objects.exists(), f"the fixture has no {label} row"
        (*_, found) = [None, *resolve(data, path)]
        assert found not in (None, [], {}), f"{label} missing at {path}"


def test_profile_billing_and_consents_are_exported_exactly(customer_data):
    user = customer_data.user

    data, _archive = open_export(user)

    profile = data["profile"]
    assert (profile["email"], profile["first_name"], profile["last_name"], profile["phone"]) == (
        "mario.rossi@example.com",
        "Mario",
        "Rossi",
        "333 MARIO",
    )
    assert profile["email_addresses"] == [
        {"email": "mario.rossi@example.com", "verified": True, "primary": True}
    ]
    billing = data["billing_profile"]
    assert (billing["kind"], billing["codice_fiscale"], billing["address"], billing["cap"]) == (
        "person",
        "RSSMRA80A01H501U",
        "Via MARIO 1",
        "40121",
    )
    assert [(c["purpose"], c["is_granted"]) for c in data["consents"]["current"]] == [
        ("privacy_notice", True),
        ("marketing", True),
        ("profiling", False),
    ]
    history = {
        (e["purpose"], e["is_granted"], e["source"], e["notice_version"])
        for e in data["consents"]["history"]
    }
    assert history == {
        ("privacy_notice", True, "signup", "1.0"),
        ("marketing", True, "signup", "1.0"),
    }


def test_orders_quotes_carts_and_emails_are_exported_exactly(customer_data):
    data, _archive = open_export(customer_data.user)

    (order,) = data["orders"]
    assert order["number"] == customer_data.order.number
    assert (order["status"], order["total_net"], order["total_vat"], order["total_gross"]) == (
        "completed",
        "100.00",
        "22.00",
        "122.00",
    )
    assert order["billing"]["codice_fiscale"] == "RSSMRA80A01H501U"
    assert order["billing"]["address"] == "Via MARIO 1"
    assert [(h["from"], h["to"]) for h in order["status_history"]] == [("", "awaiting_payment")]
    (line,) = order["lines"]
    assert line["answers"]["indirizzo"] == "Via MARIO 1"
    assert (line["net"], line["vat"], line["gross"], line["vat_rate"]) == (
        "100.00",
        "22.00",
        "122.00",
        "22.00",
    )
    assert [(h["from"], h["to"]) for h in line["status_history"]] == [("received", "completed")]
    (outcome,) = line["outcomes"]
    assert outcome["note"] == "Perizia consegnata MARIO"
    (payment,) = order["payments"]
    assert (payment["amount"], payment["status"], payment["method"]) == (
        "122.00",
        "confirmed",
        "test_gateway",
    )
    assert [(r["amount"], r["note"]) for r in payment["refunds"]] == [("10.00", "Sconto MARIO")]

    (quote,) = data["quotes"]
    assert (quote["number"], quote["status"], quote["customer_message"]) == (
        customer_data.quote.number,
        "ready",
        "Richiesta MARIO",
    )
    assert quote["lines"][0]["answers"] == {"indirizzo": "Via MARIO 2"}
    (price,) = quote["prices"]
    assert (price["version"], price["total_gross"], price["notes_for_customer"]) == (
        1,
        "610.00",
        "Sopralluogo MARIO",
    )
    assert [(p["net"], p["gross"]) for p in price["lines"]] == [("500.00", "610.00")]
    assert [(m["from_staff"], m["body"]) for m in quote["messages"]] == [
        (False, "Allego la visura MARIO"),
        (True, "Ricevuto MARIO"),
    ]

    (cart,) = data["carts"]
    assert cart["kind"] == "purchase"
    assert cart["lines"][0]["answers"]["note"] == "Carrello MARIO"

    (email,) = data["emails"]
    assert (email["to"], email["subject"], email["text_body"], email["status"]) == (
        "mario.rossi@example.com",
        "Il tuo ordine MARIO",
        "Gentile cliente MARIO",
        "sent",
    )


def test_uploaded_delivered_and_attached_files_are_in_the_zip(customer_data):
    data, archive = open_export(customer_data.user)

    uploaded = {f["name"]: f["path"] for f in data["uploaded_files"]}
    assert set(uploaded) == {"planimetria-MARIO.pdf", "visura-MARIO.pdf", "ordine-MARIO.csv"}
    assert data["bulk_orders"][0]["file"] == "ordine-MARIO.csv"
    assert archive.read(uploaded["ordine-MARIO.csv"]) == b"Note\r\nOrdine MARIO\r\n"
    assert archive.read(uploaded["planimetria-MARIO.pdf"]) == b"%PDF planimetria MARIO"
    assert archive.read(uploaded["visura-MARIO.pdf"]) == b"%PDF visura MARIO"
    (outcome_file,) = data["orders"][0]["lines"][0]["outcomes"][0]["files"]
    assert outcome_file["name"] == "perizia-MARIO.pdf"
    assert archive.read(outcome_file["path"]) == b"%PDF perizia MARIO"
    attachment = data["quotes"][0]["messages"][0]["attachment"]
    assert attachment["name"] == "allegato-MARIO.pdf"
    assert archive.read(attachment["path"]) == b"%PDF allegato MARIO"
    assert data["missing_files"] == []
    assert sorted(archive.namelist()) == sorted(
        [DATA_FILE, GUIDE_FILE, *uploaded.values(), outcome_file["path"], attachment["path"]]
    )


def test_the_archive_explains_itself_in_italian(customer_data):
    data, archive = open_export(customer_data.user)

    guide = archive.read(GUIDE_FILE).decode()
    assert guide.startswith("I tuoi dati su Sportello")
    assert "portabilità dei dati, art. 20 GDPR" in guide
    # Every section of dati.json is explained, in its order.
    explained = [line.split(":")[0][2:] for line in guide.splitlines() if line.startswith("- ")]
    assert explained == list(SECTIONS) == [key for key in data if key in SECTIONS]
    assert "- orders: i tuoi ordini: servizi" in guide


def test_export_never_contains_another_customers_data(customer_data, other_data):
    data, archive = open_export(customer_data.user)

    text = json.dumps(data, ensure_ascii=False)
    assert "GIULIA" not in text
    assert "giulia.bianchi@example.com" not in text
    assert "Bianchi" not in text
    assert other_data.order.number not in text
    assert other_data.quote.number not in text
    for name in archive.namelist():
        assert "GIULIA" not in name
        assert b"GIULIA" not in archive.read(name)
    assert "MARIO" in text


def test_a_file_missing_from_storage_is_listed_not_fatal(customer_data):
    customer_data.cart_file.file.storage.delete(customer_data.cart_file.file.name)

    data, archive = open_export(customer_data.user)

    (missing,) = data["missing_files"]
    assert missing.endswith("visura-MARIO.pdf")
    assert missing not in archive.namelist()


def test_download_view_streams_the_zip_on_post(customer_client, customer_data):
    response = customer_client.post(reverse("privacy:download_data"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="sportello-i-miei-dati-'
    )
    assert response["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read(DATA_FILE))
    assert data["profile"]["email"] == "mario.rossi@example.com"
    assert data["orders"][0]["number"] == customer_data.order.number


def test_download_view_refuses_get(customer_client):
    assert customer_client.get(reverse("privacy:download_data")).status_code == 405


def test_privacy_page_links_to_download_and_delete(customer_client):
    response = customer_client.get(reverse("accounts:privacy"))

    content = response.content.decode()
    assert f'action="{reverse("privacy:download_data")}"' in content
    assert f'href="{reverse("privacy:delete_account")}"' in content


@pytest.mark.parametrize("name", ["privacy:download_data", "privacy:delete_account"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_login(client, name, method):
    url = reverse(name)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_export_queries_do_not_grow_with_the_orders(customer_data, staff):
    with CaptureQueriesContext(connection) as one:
        build_export(user=customer_data.user)
    # A second full set: one more order, quote, cart line, upload and e-mail.
    customer_data.user.carts.all().delete()
    customer_data.user.billing_profile.delete()
    populate(customer_data.user, tag="SECONDO", staff=staff)
    with CaptureQueriesContext(connection) as two:
        data, _files = build_export(user=customer_data.user)

    assert len(data["orders"]) == 2
    # + invoices, their lines and history; + withdrawal statements, their services and history;
    # + order messages, data requests, previous answers; + company memberships, invitations;
    # + bulk orders; + the person's prepaid-credit movements; + API tokens, webhooks, deliveries;
    # + statements from their address matching no order
    assert len(two.captured_queries) == len(one.captured_queries) == 41


def test_export_has_the_order_conversation_without_internal_notes(customer, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sportello.orders import conversation
    from sportello.orders.tests.factories import OrderLineFactory, PaidOrderFactory
    from sportello.privacy.export import build_export

    order = PaidOrderFactory(customer=customer)
    line = OrderLineFactory(order=order)
    conversation.post_customer_message(
        order=order,
        customer=customer,
        body="Domanda del cliente",
        attachment=SimpleUploadedFile("p.pdf", b"%PDF-1.4 x"),
    )
    conversation.post_staff_message(order=order, actor=staff, body="SEGRETO", is_internal=True)
    conversation.request_data(line=line, actor=staff, note="Serve la visura")
    data, _files = build_export(user=customer)
    (exported,) = data["orders"]
    assert [m["body"] for m in exported["messages"]] == ["Domanda del cliente"]
    assert exported["messages"][0]["attachment"].endswith("p.pdf")
    assert exported["lines"][0]["data_requests"][0]["note"] == "Serve la visura"
    assert "SEGRETO" not in str(data)
