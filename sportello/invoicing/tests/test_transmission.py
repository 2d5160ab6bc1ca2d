"""Export channel (ZIP and command), SdI receipts (RC, NS, MC) and correction of a rejection."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sportello.checkout.settlement import record_refund
from sportello.invoicing.actions import (
    DocumentNotCorrectable,
    UnknownReceipt,
    import_receipt,
    reissue_document,
)
from sportello.invoicing.channels import ExportChannel
from sportello.invoicing.fatturapa import build_xml
from sportello.invoicing.models import FiscalDocument, SdiReceipt, SdiStatus
from sportello.invoicing.queries import documents_in_period, rejected_invoices
from sportello.invoicing.receipts import InvalidReceipt
from sportello.invoicing.tests.conftest import COMPANY, make_order, pay
from sportello.invoicing.tests.schema import assert_valid

pytestmark = pytest.mark.django_db

RECEIPTS = Path(__file__).parent / "receipts"


@pytest.fixture
def invoice(customer):
    order = make_order(customer, [{"base_net": "100.00"}], **COMPANY, billing_sdi_code="M5UXCR9")
    pay(order)
    return FiscalDocument.objects.get(order=order)


def _import(name: str):
    return import_receipt(data=(RECEIPTS / name).read_bytes(), file_name=name)


def test_export_command_writes_one_file_per_document_and_is_idempotent(invoice, staff, tmp_path):
    record_refund(payment=invoice.order.payments.get(), amount="22.00", actor=staff, note="")
    out = tmp_path / "sdi"

    call_command("export_fatturapa", "--out", str(out), stdout=io.StringIO())
    first = {path.name: path.read_bytes() for path in out.iterdir()}
    call_command("export_fatturapa", "--out", str(out), stdout=io.StringIO())
    second = {path.name: path.read_bytes() for path in out.iterdir()}

    assert sorted(first) == ["IT01234560371_00001.xml", "IT01234560371_00002.xml"]
    assert first == second
    for content in first.values():
        assert_valid(content)
    assert set(FiscalDocument.objects.values_list("status", flat=True)) == {SdiStatus.SENT}


def test_export_command_filters_by_issue_date(invoice, tmp_path):
    day = invoice.issue_date.isoformat()
    call_command(
        "export_fatturapa",
        "--out",
        str(tmp_path / "a"),
        "--from",
        day,
        "--to",
        day,
        stdout=io.StringIO(),
    )
    call_command(
        "export_fatturapa", "--out", str(tmp_path / "b"), "--to", "2000-01-01", stdout=io.StringIO()
    )

    assert [p.name for p in (tmp_path / "a").iterdir()] == [invoice.file_name]
    assert not (tmp_path / "b").exists() or not list((tmp_path / "b").iterdir())
    with pytest.raises(CommandError):
        call_command("export_fatturapa", "--out", str(tmp_path), "--from", "2026-13-01")


def test_zip_of_a_period_is_the_same_on_every_download(invoice):
    documents = list(documents_in_period(invoice.issue_date, invoice.issue_date))
    first = ExportChannel().zip(documents)
    second = ExportChannel().zip(documents)

    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == [invoice.file_name]
        assert archive.read(invoice.file_name) == build_xml(invoice)
        # Dated the document's day (a file manager shows it), not a fixed 2000-01-01.
        day = invoice.issue_date
        assert archive.getinfo(invoice.file_name).date_time == (
            day.year,
            day.month,
            day.day,
            0,
            0,
            0,
        )


def test_delivery_receipt(invoice):
    ExportChannel().transmit([invoice])

    receipt, created = _import("IT01234560371_00001_RC_001.xml")

    invoice.refresh_from_db()
    assert created
    assert (receipt.kind, receipt.sdi_identifier) == ("RC", "1234567890")
    assert invoice.status == SdiStatus.DELIVERED
    assert invoice.sdi_identifier == "1234567890"
    assert list(invoice.status_changes.values_list("to_status", flat=True)) == [
        "issued",
        "sent",
        "delivered",
    ]
    # The same file again changes nothing.
    assert _import("IT01234560371_00001_RC_001.xml") == (receipt, False)
    assert SdiReceipt.objects.count() == 1


def test_rejection_keeps_sdi_errors_then_staff_correct_and_reissue(invoice, staff):
    ExportChannel().transmit([invoice])

    _import("IT01234560371_00001_NS_001.xml")

    invoice.refresh_from_db()
    assert invoice.status == SdiStatus.REJECTED
    assert [e["code"] for e in invoice.sdi_errors] == ["00305", "00311"]
    assert list(rejected_invoices()) == [invoice]
    assert "00305 1.4.1.1.2 IdCodice non valido" in invoice.status_changes.last().note

    billing = {
        "kind": "company",
        "company_name": "Rossi & Figli S.r.l.",
        "partita_iva": "07654320014",
        "sdi_code": "m5uxcr1",
        "address": "Via Roma 1",
        "cap": "40121",
        "comune": "Bologna",
        "provincia": "BO",
        "country": "IT",
    }
    reissue_document(document=invoice, buyer=billing, actor=staff, note="Codice SDI corretto")

    invoice.refresh_from_db()
    assert invoice.status == SdiStatus.ISSUED
    assert (invoice.progressivo, invoice.transmissions, invoice.sdi_errors) == ("00002", 2, [])
    assert invoice.number.endswith("/000001")
    xml = build_xml(invoice)
    assert b"<CodiceDestinatario>M5UXCR1</CodiceDestinatario>" in xml
    assert_valid(xml)
    assert list(rejected_invoices()) == []
    with pytest.raises(DocumentNotCorrectable):
        reissue_document(document=invoice, buyer=billing, actor=staff)


def test_not_delivered_receipt(invoice):
    _import("IT01234560371_00001_MC_001.xml")

    invoice.refresh_from_db()
    assert invoice.status == SdiStatus.NOT_DELIVERED
    assert "area riservata" in SdiReceipt.objects.get().description


def test_import_command(invoice):
    out = io.StringIO()
    call_command(
        "import_sdi_receipts", str(RECEIPTS / "IT01234560371_00001_RC_001.xml"), stdout=out
    )

    assert "-> " in out.getvalue()
    invoice.refresh_from_db()
    assert invoice.status == SdiStatus.DELIVERED


def test_receipts_for_unknown_files_or_not_receipts_are_refused(invoice, tmp_path):
    content = (RECEIPTS / "IT01234560371_00001_RC_001.xml").read_bytes()
    with pytest.raises(UnknownReceipt):
        import_receipt(data=content.replace(b"_00001.xml", b"_00009.xml"), file_name="x.xml")
    with pytest.raises(InvalidReceipt):
        import_receipt(data=build_xml(invoice), file_name="fattura.xml")
    with pytest.raises(InvalidReceipt):
        import_receipt(data=b'<!DOCTYPE x [<!ENTITY a "b">]><x/>', file_name="x.xml")
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"not xml")
    with pytest.raises(CommandError):
        call_command("import_sdi_receipts", str(bad), stdout=io.StringIO(), stderr=io.StringIO())
    invoice.refresh_from_db()
    assert invoice.status == SdiStatus.ISSUED
    assert not SdiReceipt.objects.exists()
