"""'Ordine multiplo': template, upload, per-row validation, correction, lines in the cart."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sportello.cart import bulk_actions
from sportello.cart.models import BulkImport, BulkImportMode, BulkImportStatus, Cart, CartLine
from sportello.cart.privacy import _bulk_orders
from sportello.cart.queries import priced_cart
from sportello.cart.tests.bulk_helpers import (
    GOOD_ROW,
    HEADER,
    VALID_CF,
    build_visura,
    csv_file,
    xlsx_file,
)
from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import FormFieldFactory
from sportello.uploads.models import Upload

pytestmark = pytest.mark.django_db

# Session, user, the import, the service with its fields and choices (3), the menu's
# categories, the header's cart counts.
PAGE_QUERIES = {"cart:bulk_detail": 8, "cart:bulk_edit_row": 8}
BAD_ROW = ["Luigi Verdi", "RSSMRA80A01H501X", "4012", "BO", "Storica", "Sì"]


@pytest.fixture
def service():
    return build_visura()


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Send a file from the page; its validation, scheduled after commit, runs at once
    (Celery is eager in tests)."""

    def send(client, service, file, mode=BulkImportMode.VALID_ONLY) -> BulkImport:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("cart:bulk_start", kwargs={"slug": service.slug}),
                {"file": file, "mode": mode},
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        return BulkImport.objects.latest("id")

    return send


def test_csv_template_has_the_form_labels_with_bom_and_semicolons(customer_client, service):
    response = customer_client.get(
        reverse("cart:bulk_template", kwargs={"slug": service.slug, "extension": "csv"})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "ordine-multiplo-visura-catastale.csv" in response["Content-Disposition"]
    assert response.content == ("\ufeff" + ";".join(HEADER) + "\r\n").encode("utf-8")


def test_xlsx_template_lists_columns_and_allowed_values(customer_client, service):
    FormFieldFactory(
        service=service, key="delega", label="Delega", field_type=FieldType.FILE, is_required=False
    )
    response = customer_client.get(
        reverse("cart:bulk_template", kwargs={"slug": service.slug, "extension": "xlsx"})
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Ordine", "Istruzioni"]
    assert [c.value for c in workbook["Ordine"][1]] == HEADER  # no column for the file
    instructions = {row[0]: row for row in workbook["Istruzioni"].iter_rows(values_only=True)}
    assert instructions["Tipo di visura"][1:] == (
        "Sì",
        "Una delle voci ammesse",
        "Attuale; Storica",
    )
    assert instructions["Urgente"][1:3] == ("No", "Sì oppure No")
    assert "BO" in instructions["Province"][3]


def test_unknown_template_format_is_404(customer_client, service):
    url = reverse("cart:bulk_template", kwargs={"slug": service.slug, "extension": "ods"})
    assert customer_client.get(url).status_code == 404


def test_three_rows_one_bad_shows_errors_by_row_and_column(customer_client, service, upload):
    bulk_import = upload(customer_client, service, csv_file([GOOD_ROW, GOOD_ROW, BAD_ROW]))

    bulk_import.refresh_from_db()
    assert bulk_import.status == BulkImportStatus.VALIDATED
    assert (bulk_import.total_rows, bulk_import.valid_rows, bulk_import.invalid_rows) == (3, 2, 1)
    bad = bulk_import.rows[2]
    assert bad["number"] == 4
    assert bad["data"]["codice_fiscale"] == "RSSMRA80A01H501X"
    assert set(bad["errors"]) == {"codice_fiscale", "cap"}
    assert bad["errors"]["cap"] == ["Il CAP deve essere composto da 5 cifre."]
    # The file is kept as the customer sent it.
    upload = Upload.objects.get(pk=bulk_import.upload_id)
    assert upload.original_name == "ordine.csv"
    assert upload.content_type == "text/csv"

    page = customer_client.get(reverse("cart:bulk_detail", kwargs={"pk": bulk_import.pk}))
    html = page.content.decode()
    assert "Righe da correggere" in html
    assert "Il CAP deve essere composto da 5 cifre." in html
    assert "Correggi la riga 4" in html
    assert CartLine.objects.count() == 0


def test_the_results_page_has_no_duplicate_ids(customer_client, service, upload):
    bulk_import = upload(customer_client, service, csv_file([GOOD_ROW, BAD_ROW]))

    page = customer_client.get(reverse("cart:bulk_detail", kwargs={"pk": bulk_import.pk}))
    ids = re.findall(r'\sid="([^"]+)"', page.content.decode())
    # Both forms ("Aggiungi al carrello" and "Carica un file corretto") have a mode choice.
    assert "id_add_mode_0" in ids and "id_mode_0" in ids
    assert [i for i in ids if ids.count(i) > 1] == []


def test_correcting_the_bad_row_then_all_lines_go_to_the_cart(
    customer_client, customer, service, upload
):
    bulk_import = upload(
        customer_client,
        service,
        csv_file([GOOD_ROW, GOOD_ROW, BAD_ROW]),
        mode=BulkImportMode.ALL_OR_NOTHING,
    )
    edit_url = reverse("cart:bulk_edit_row", kwargs={"pk": bulk_import.pk, "number": 4})
    page = customer_client.get(edit_url).content.decode()
    assert "Il CAP deve essere composto da 5 cifre." in page  # errors shown next to the fields
    assert 'value="4012"' in page  # what was in the file is kept

    response = customer_client.post(
        edit_url,
        {
            "intestatario": "Luigi Verdi",
            "codice_fiscale": VALID_CF,
            "cap": "40122",
            "provincia": "BO",
            "tipo": "storica",
            "urgente": "si",
        },
    )
    assert response.status_code == 302
    bulk_import.refresh_from_db()
    assert bulk_import.valid_rows == 3
    assert bulk_import.rows[2]["errors"] == {}

    response = customer_client.post(
        reverse("cart:bulk_add", kwargs={"pk": bulk_import.pk}),
        {"mode": BulkImportMode.ALL_OR_NOTHING},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cart:detail")
    cart = Cart.objects.get(user=customer, kind="purchase")
    lines = list(cart.lines.order_by("id"))
    assert len(lines) == 3
    assert lines[2].answers == {
        "intestatario": "Luigi Verdi",
        "codice_fiscale": VALID_CF,
        "cap": "40122",
        "provincia": "BO",
        "tipo": "storica",
        "urgente": True,
    }
    assert lines[0].form_version == service.form_version
    # Priced by the cart as any line: 2 × 122,00 + (100 + 10 + 20) × 1,22 = 402,60.
    assert priced_cart(cart).total.gross == Decimal("402.60")
    bulk_import.refresh_from_db()
    assert bulk_import.status == BulkImportStatus.ADDED
    assert bulk_import.created_line_ids == [line.pk for line in lines]


def test_all_or_nothing_adds_nothing_while_a_row_is_wrong(customer_client, service, upload):
    bulk_import = upload(customer_client, service, csv_file([GOOD_ROW, BAD_ROW]))
    response = customer_client.post(
        reverse("cart:bulk_add", kwargs={"pk": bulk_import.pk}),
        {"mode": BulkImportMode.ALL_OR_NOTHING},
        follow=True,
    )
    assert "correggi le righe con errori (1)" in response.content.decode()
    assert CartLine.objects.count() == 0
    bulk_import.refresh_from_db()
    assert bulk_import.status == BulkImportStatus.VALIDATED


def test_only_valid_rows_mode_leaves_the_bad_ones_out(customer_client, customer, service, upload):
    bulk_import = upload(customer_client, service, csv_file([GOOD_ROW, BAD_ROW, GOOD_ROW]))
    response = customer_client.post(
        reverse("cart:bulk_add", kwargs={"pk": bulk_import.pk}),
        {"mode": BulkImportMode.VALID_ONLY},
        follow=True,
    )
    assert "1 righe con errori non sono state aggiunte" in response.content.decode()
    assert CartLine.objects.filter(cart__user=customer).count() == 2
    # A second click adds nothing more.
    customer_client.post(
        reverse("cart:bulk_add", kwargs={"pk": bulk_import.pk}), {"mode": "valid_only"}
    )
    assert CartLine.objects.filter(cart__user=customer).count() == 2


def test_commas_labels_in_any_case_and_excel_values(customer_client, service, upload):
    header = ["intestatario", "CODICE FISCALE", "cap *", "Provincia", "tipo", "Urgente"]
    comma = upload(
        customer_client,
        service,
        csv_file(
            [["Anna", VALID_CF.lower(), "00144", "Roma", "storica", "x"]],
            header=header,
            delimiter=",",
        ),
    )
    comma.refresh_from_db()
    assert comma.rows[0]["errors"] == {}
    excel = upload(
        customer_client,
        service,
        xlsx_file([["Anna", VALID_CF, 144, "rm", "Attuale", None]]),
    )
    excel.refresh_from_db()
    assert excel.rows[0]["data"]["cap"] == "00144"  # Excel dropped the leading zeros
    assert excel.rows[0]["errors"] == {}


def test_unknown_choice_and_extra_column_are_reported(customer_client, service, upload):
    header = [*HEADER, "Colore"]
    bulk_import = upload(
        customer_client,
        service,
        csv_file([["Anna", VALID_CF, "40121", "XX", "Mensile", "forse", "blu"]], header=header),
    )
    bulk_import.refresh_from_db()
    errors = bulk_import.rows[0]["errors"]
    # What the cell may hold, since a spreadsheet offers no list to pick from.
    assert errors["provincia"] == [
        "Provincia non riconosciuta: scrivi la sigla (ad esempio BO) o il nome."
    ]
    assert errors["tipo"][0].endswith("Valori ammessi: «Attuale», «Storica».")
    assert errors["urgente"][0].endswith("Scrivi «Sì» o «No».")
    assert set(errors) == {"provincia", "tipo", "urgente"}
    assert bulk_import.file_errors == ["La colonna «Colore» non fa parte del modulo: ignorata."]


def test_a_file_without_the_template_header_fails_with_a_message(customer_client, service, upload):
    bulk_import = upload(
        customer_client, service, csv_file([["a", "b"]], header=["Nome", "Cognome"])
    )
    bulk_import.refresh_from_db()
    assert bulk_import.status == BulkImportStatus.FAILED
    assert "intestazioni del modello" in bulk_import.file_errors[0]
    page = customer_client.get(reverse("cart:bulk_detail", kwargs={"pk": bulk_import.pk}))
    assert "Carica un file corretto" in page.content.decode()


def test_a_pdf_or_a_fake_xlsx_is_refused_next_to_the_field(customer_client, service):
    url = reverse("cart:bulk_start", kwargs={"slug": service.slug})
    for name, content in (("ordine.pdf", b"%PDF-1.4"), ("ordine.xlsx", b"not a zip")):
        response = customer_client.post(
            url, {"file": SimpleUploadedFile(name, content), "mode": "valid_only"}
        )
        assert response.status_code == 200
        assert 'id="id_file_error"' in response.content.decode()
    assert BulkImport.objects.count() == 0


def test_services_needing_a_document_are_not_available(customer_client, service):
    FormFieldFactory(service=service, key="delega", label="Delega", field_type=FieldType.FILE)
    url = reverse("cart:bulk_start", kwargs={"slug": service.slug})
    assert "non è disponibile per questo servizio" in customer_client.get(url).content.decode()
    customer_client.post(url, {"file": csv_file([GOOD_ROW]), "mode": "valid_only"})
    assert BulkImport.objects.count() == 0


def test_a_redelivered_task_does_nothing(customer_client, service, upload):
    bulk_import = upload(customer_client, service, csv_file([GOOD_ROW, BAD_ROW]))
    bulk_import.refresh_from_db()
    before = (bulk_import.rows, bulk_import.valid_rows, bulk_import.updated_at)
    assert bulk_actions.validate_bulk_import(bulk_import.pk) is False
    bulk_import.refresh_from_db()
    assert (bulk_import.rows, bulk_import.valid_rows, bulk_import.updated_at) == before


def test_a_worker_that_died_half_way_starts_again(customer, service):
    bulk_import = bulk_actions.create_bulk_import(
        owner=customer, service=service, uploaded=csv_file([GOOD_ROW]), mode="valid_only"
    )
    BulkImport.objects.filter(pk=bulk_import.pk).update(
        status=BulkImportStatus.VALIDATING, processed_rows=0, rows=[]
    )
    assert bulk_actions.validate_bulk_import(bulk_import.pk) is True
    bulk_import.refresh_from_db()
    assert bulk_import.status == BulkImportStatus.VALIDATED
    assert bulk_import.valid_rows == 1


def test_progress_fragment_polls_until_done(customer_client, customer, service, upload):
    bulk_import = upload(customer_client, service, csv_file([GOOD_ROW]))
    BulkImport.objects.filter(pk=bulk_import.pk).update(
        status=BulkImportStatus.VALIDATING, total_rows=200, processed_rows=100
    )
    url = reverse("cart:bulk_progress", kwargs={"pk": bulk_import.pk})
    response = customer_client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert 'aria-live="polite"' in html
    assert "100 di 200" in html
    assert "HX-Refresh" not in response
    BulkImport.objects.filter(pk=bulk_import.pk).update(status=BulkImportStatus.VALIDATED)
    response = customer_client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in response.content.decode()


def test_too_many_lines_for_the_cart_adds_nothing(customer_client, customer, service, upload):
    bulk_import = upload(customer_client, service, csv_file([GOOD_ROW] * 51))
    response = customer_client.post(
        reverse("cart:bulk_add", kwargs={"pk": bulk_import.pk}),
        {"mode": "valid_only"},
        follow=True,
    )
    assert "al massimo 50 servizi" in response.content.decode()
    assert CartLine.objects.count() == 0


def test_too_many_rows_fail(customer_client, service, settings, upload):
    settings.BULK_ORDER_MAX_ROWS = 2
    bulk_import = upload(customer_client, service, csv_file([GOOD_ROW] * 3))
    bulk_import.refresh_from_db()
    assert bulk_import.status == BulkImportStatus.FAILED
    assert "più di 2 righe" in bulk_import.file_errors[0]


def _rows(count):
    rows = []
    for index in range(count):
        cap = "4012" if index % 10 == 0 else f"{40100 + index % 100:05d}"
        rows.append([f"Cliente {index}", VALID_CF, cap, "BO", "Attuale", "No"])
    return rows


def test_a_thousand_rows_are_all_checked_with_queries_not_growing_per_row(customer, service):
    small = bulk_actions.create_bulk_import(
        owner=customer, service=service, uploaded=csv_file(_rows(10)), mode="valid_only"
    )
    BulkImport.objects.filter(pk=small.pk).update(status=BulkImportStatus.PENDING)
    with CaptureQueriesContext(connection) as small_queries:
        bulk_actions.validate_bulk_import(small.pk)
    large = bulk_actions.create_bulk_import(
        owner=customer, service=service, uploaded=csv_file(_rows(1000)), mode="valid_only"
    )
    BulkImport.objects.filter(pk=large.pk).update(status=BulkImportStatus.PENDING)
    with CaptureQueriesContext(connection) as large_queries:
        bulk_actions.validate_bulk_import(large.pk)
    large.refresh_from_db()
    assert (large.total_rows, large.valid_rows) == (1000, 900)
    assert [row["number"] for row in large.rows if row["errors"]] == list(range(2, 1002, 10))
    # Only the progress counter (every 100 rows) adds queries; none per row.
    assert len(large_queries) - len(small_queries) == 1000 // bulk_actions.PROGRESS_EVERY


def test_export_lists_bulk_orders(customer_client, customer, service, upload):
    upload(customer_client, service, csv_file([GOOD_ROW]))
    exported = _bulk_orders(customer)
    assert exported[0]["file"] == "ordine.csv"
    assert exported[0]["rows"][0]["data"]["intestatario"] == "Mario Rossi"


# --- Ownership --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "extra"),
    [
        ("cart:bulk_detail", "get", {}),
        ("cart:bulk_progress", "get", {}),
        ("cart:bulk_file", "get", {}),
        ("cart:bulk_edit_row", "get", {"number": 2}),
        ("cart:bulk_edit_row", "post", {"number": 2}),
        ("cart:bulk_add", "post", {}),
    ],
)
def test_someone_elses_import_is_404(
    client, customer, other_customer, service, name, method, extra
):
    bulk_import = bulk_actions.create_bulk_import(
        owner=customer, service=service, uploaded=csv_file([BAD_ROW]), mode="valid_only"
    )
    bulk_actions.validate_bulk_import(bulk_import.pk)
    url = reverse(name, kwargs={"pk": bulk_import.pk, **extra})
    assert getattr(client, method)(url).status_code == 302  # anonymous: to the login
    client.force_login(other_customer)
    response = getattr(client, method)(url, {"mode": "valid_only", "cap": "40121"})
    assert response.status_code == 404
    bulk_import.refresh_from_db()
    assert bulk_import.rows[0]["errors"] != {}
    assert CartLine.objects.count() == 0


def test_owner_downloads_the_kept_file(customer_client, service, upload):
    bulk_import = upload(customer_client, service, csv_file([GOOD_ROW]))
    response = customer_client.get(reverse("cart:bulk_file", kwargs={"pk": bulk_import.pk}))
    content = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [HEADER, GOOD_ROW]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_result_pages_run_the_same_queries_for_3_or_300_rows(customer_client, service, upload):
    small = upload(customer_client, service, csv_file([GOOD_ROW, BAD_ROW, BAD_ROW]))
    large = upload(customer_client, service, csv_file([GOOD_ROW, BAD_ROW] * 150))
    for name, extra in (("cart:bulk_detail", {}), ("cart:bulk_edit_row", {"number": 3})):
        counts = {
            _queries(customer_client, reverse(name, kwargs={"pk": bulk.pk, **extra}))
            for bulk in (small, large)
        }
        assert counts == {PAGE_QUERIES[name]}, name
