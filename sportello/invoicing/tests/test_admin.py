"""Back-office: documents list and page, ZIP export, receipts import, VAT register, correction."""

import html
import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sportello.accounts.tests.factories import StaffFactory
from sportello.checkout.settlement import record_refund
from sportello.invoicing.accounting import register_csv
from sportello.invoicing.models import DocumentKind, FiscalDocument, SdiStatus
from sportello.invoicing.tests.conftest import COMPANY, pay
from sportello.invoicing.tests.schema import assert_valid

pytestmark = pytest.mark.django_db

RECEIPTS = Path(__file__).parent / "receipts"


@pytest.fixture
def invoice(customer, mixed_order):
    for key, value in {**COMPANY, "billing_sdi_code": "M5UXCR9"}.items():
        setattr(mixed_order, key, value)
    mixed_order.save()
    pay(mixed_order)
    return FiscalDocument.objects.get(order=mixed_order)


def test_list_and_page_are_in_italian(staff_client, invoice):
    page = staff_client.get(reverse("admin:invoicing_fiscaldocument_changelist")).content.decode()
    assert invoice.number in page
    assert "Esporta XML per lo SdI" in page and "Importa ricevute SdI" in page
    assert "Registro IVA vendite" in page

    url = reverse("admin:invoicing_fiscaldocument_change", args=[invoice.pk])
    page = staff_client.get(url).content.decode()
    assert "Scarica PDF" in page and "Scarica XML" in page
    assert "Correggi e riemetti" not in page
    assert "Emessa" in page and "issued" not in page
    assert "Pagamenti" in page and "Carta di pagamento: " in page
    assert "/admin/r/" not in page  # no "Vedi sul sito": the customer's download is theirs


def test_zip_export_of_a_period(staff_client, invoice):
    day = invoice.issue_date.isoformat()
    response = staff_client.post(
        reverse("admin:invoicing_fiscaldocument_export"), {"date_from": day, "date_to": day}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == [invoice.file_name]
        assert_valid(archive.read(invoice.file_name))
    invoice.refresh_from_db()
    assert invoice.status == SdiStatus.SENT

    # Asked again: nothing left to send (sending it twice, SdI would reject a duplicate)...
    again = staff_client.post(
        reverse("admin:invoicing_fiscaldocument_export"), {"date_from": day, "date_to": day}
    )
    assert "sono già stati inviati allo SdI" in html.unescape(again.content.decode())
    # ...unless asked for the archive.
    archive_copy = staff_client.post(
        reverse("admin:invoicing_fiscaldocument_export"),
        {"date_from": day, "date_to": day, "include_sent": "on"},
    )
    assert archive_copy["Content-Type"] == "application/zip"


def test_a_rejection_of_a_file_sent_again_after_delivery_is_kept_not_applied(staff_client, invoice):
    """SdI rejects a second copy of a delivered file as a duplicate (00404): the import keeps
    the receipt and says the document stays delivered (it answered 500)."""
    url = reverse("admin:invoicing_fiscaldocument_receipts")

    def upload(name):
        content = (RECEIPTS / name).read_bytes()
        return staff_client.post(
            url,
            {"receipts": [SimpleUploadedFile(name, content, content_type="text/xml")]},
            follow=True,
        )

    upload("IT01234560371_00001_RC_001.xml")
    invoice.refresh_from_db()
    assert invoice.status == SdiStatus.DELIVERED

    response = upload("IT01234560371_00001_NS_001.xml")

    assert response.status_code == 200
    assert "che resta «Consegnata»" in html.unescape(response.content.decode())
    invoice.refresh_from_db()
    assert invoice.status == SdiStatus.DELIVERED
    assert invoice.receipts.count() == 2


def test_export_of_an_empty_period_says_so(staff_client, invoice):
    response = staff_client.post(
        reverse("admin:invoicing_fiscaldocument_export"),
        {"date_from": "2000-01-01", "date_to": "2000-01-31"},
    )
    assert "Nessun documento emesso nel periodo scelto." in response.content.decode()


def test_receipts_upload_then_correction_and_reissue(staff_client, invoice):
    files = [
        SimpleUploadedFile(name, (RECEIPTS / name).read_bytes(), content_type="text/xml")
        for name in ["IT01234560371_00001_NS_001.xml"]
    ]
    response = staff_client.post(
        reverse("admin:invoicing_fiscaldocument_receipts"), {"receipts": files}
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == SdiStatus.REJECTED

    url = reverse("admin:invoicing_fiscaldocument_correct", args=[invoice.pk])
    page = staff_client.get(url).content.decode()
    assert "00305" in page and 'value="M5UXCR9"' in page
    data = {
        "kind": "company",
        "company_name": "Rossi & Figli S.r.l.",
        "partita_iva": "07654320014",
        "sdi_code": "M5UXCR1",
        "address": "Via Roma 1",
        "cap": "40121",
        "comune": "Bologna",
        "provincia": "bo",
        "country": "IT",
        "note": "Codice SDI errato",
    }
    bad = staff_client.post(url, {**data, "partita_iva": "07654320015"})
    assert "Partita IVA non valida." in bad.content.decode()
    assert "Indica la partita IVA." not in bad.content.decode()  # one error, the right one
    person = staff_client.post(
        url,
        {
            **data,
            "kind": "person",
            "first_name": "Mario",
            "last_name": "Rossi",
            "codice_fiscale": "RSSMRA80A01H501X",
        },
    ).content.decode()
    assert "Codice fiscale non valido." in person
    assert "Indica il codice fiscale." not in person

    response = staff_client.post(url, data)

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.status, invoice.buyer_sdi_code, invoice.buyer_provincia) == (
        SdiStatus.ISSUED,
        "M5UXCR1",
        "BO",
    )
    assert invoice.progressivo == "00002"


def test_vat_register_csv(staff_client, invoice, staff):
    record_refund(payment=invoice.order.payments.get(), amount="100.00", actor=staff, note="")
    note = FiscalDocument.objects.get(kind=DocumentKind.CREDIT_NOTE)

    response = staff_client.post(reverse("admin:invoicing_fiscaldocument_register"), {})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0] == (
        "Numero;Data;Tipo documento;Cliente;Codice fiscale / P.IVA;Imponibile 22%;"
        "Imponibile 10%;Imponibile 0%;IVA 22%;IVA 10%;IVA 0%;Totale IVA;Arrotondamento;Totale;"
        "Imposta di bollo;Pagamento;Stato SdI"
    )
    day = invoice.issue_date.strftime("%d/%m/%Y")
    assert rows[1] == (
        f"{invoice.number};{day};Fattura;Rossi & Figli S.r.l.;07654320014;353,32;45,55;16,00;"
        "77,73;4,56;0,00;82,29;0,00;497,16;0,00;Carta di pagamento;Emessa"
    )
    assert rows[2] == (
        f"{note.number};{day};Nota di credito;Rossi & Figli S.r.l.;07654320014;-71,07;-9,16;"
        "-3,22;-15,64;-0,92;0,00;-16,56;0,01;-100,00;0,00;Carta di pagamento;Emessa"
    )
    assert (
        register_csv([]) == "\ufeffNumero;Data;Tipo documento;Cliente;Codice fiscale / P.IVA;"
        "Totale IVA;Arrotondamento;Totale;Imposta di bollo;Pagamento;Stato SdI\r\n"
    )


def test_staff_without_permission_cannot_act(client, invoice):
    clerk = StaffFactory(is_superuser=False)
    clerk.user_permissions.add(Permission.objects.get(codename="view_fiscaldocument"))
    client.force_login(clerk)

    assert client.get(reverse("admin:invoicing_fiscaldocument_changelist")).status_code == 200
    assert client.get(reverse("admin:invoicing_fiscaldocument_export")).status_code == 403
    assert client.get(reverse("admin:invoicing_fiscaldocument_receipts")).status_code == 403
    url = reverse("admin:invoicing_fiscaldocument_correct", args=[invoice.pk])
    assert client.get(url).status_code == 403
    assert (
        client.get(reverse("admin:invoicing_fiscaldocument_pdf", args=[invoice.pk])).status_code
        == 200
    )


def test_customer_cannot_reach_the_back_office(customer_client, invoice):
    response = customer_client.get(reverse("admin:invoicing_fiscaldocument_export"))
    assert response.status_code == 302
