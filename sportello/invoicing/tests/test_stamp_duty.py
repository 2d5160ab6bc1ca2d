"""Imposta di bollo: 2,00 EUR, paid by the seller "in modo virtuale", on documents whose
amounts outside VAT (the 0 % lines) exceed 77,47 EUR — the prepaid-credit top-ups above all."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from sportello.checkout.settlement import record_refund
from sportello.invoicing.accounting import register_csv
from sportello.invoicing.amounts import LineDraft, stamp_duty
from sportello.invoicing.fatturapa import build_xml
from sportello.invoicing.models import DocumentKind, FiscalDocument
from sportello.invoicing.pdf import document_pdf_html
from sportello.invoicing.tests.conftest import make_order, pay
from sportello.invoicing.tests.schema import assert_valid

pytestmark = pytest.mark.django_db

TOP_UP = [{"name": "Ricarica credito prepagato", "base_net": "100.00", "vat_rate": "0.00"}]
STAMP_NOTICE = "Imposta di bollo di 2,00\xa0€ assolta in modo virtuale"


def _general_data(xml: bytes) -> ET.Element:
    node = ET.fromstring(xml).find(".//DatiGeneraliDocumento")
    assert node is not None
    return node


@pytest.mark.parametrize(
    ("zero_rate_nets", "taxed_net", "expected"),
    [
        (["77.47"], "0", "0.00"),  # the threshold itself carries no stamp
        (["77.48"], "0", "2.00"),
        (["40.00", "40.00"], "0", "2.00"),  # the 0 % amounts of the document add up
        (["16.00"], "1000.00", "0.00"),  # taxed amounts do not count
        ([], "1000.00", "0.00"),
    ],
)
def test_stamp_duty_counts_only_the_amounts_outside_vat(zero_rate_nets, taxed_net, expected):
    lines = [LineDraft("x", Decimal(n), Decimal(n), Decimal("0.00")) for n in zero_rate_nets]
    lines.append(LineDraft("y", Decimal(taxed_net), Decimal(taxed_net), Decimal("22.00")))

    assert stamp_duty(lines) == Decimal(expected)


def test_top_up_invoice_above_the_threshold_carries_the_virtual_stamp(customer):
    order = make_order(customer, TOP_UP)
    pay(order)
    invoice = FiscalDocument.objects.get(order=order, kind=DocumentKind.INVOICE)

    assert invoice.stamp_duty == Decimal("2.00")
    # The seller pays it: the customer paid 100,00 and the document's total says so.
    assert invoice.total_gross == Decimal("100.00")
    xml = build_xml(invoice)
    assert_valid(xml)
    general = _general_data(xml)
    assert general.findtext("DatiBollo/BolloVirtuale") == "SI"
    assert general.findtext("DatiBollo/ImportoBollo") == "2.00"
    assert general.findtext("ImportoTotaleDocumento") == "100.00"
    assert STAMP_NOTICE in document_pdf_html(invoice)
    # The accountant's register gives it, to pay the quarter's stamps.
    row = register_csv([invoice]).splitlines()[1].split(";")
    assert row[-3] == "2,00"


def test_taxed_invoice_with_a_small_zero_rate_line_carries_no_stamp(customer):
    order = make_order(
        customer,
        [
            {"name": "Perizia", "base_net": "300.00"},
            {"name": "Diritti di segreteria", "base_net": "16.00", "vat_rate": "0.00"},
        ],
    )
    pay(order)
    invoice = FiscalDocument.objects.get(order=order, kind=DocumentKind.INVOICE)

    assert invoice.stamp_duty == Decimal("0.00")
    assert _general_data(build_xml(invoice)).find("DatiBollo") is None
    assert "Imposta di bollo" not in document_pdf_html(invoice)


def test_credit_notes_carry_the_stamp_on_their_own_amount(customer, staff):
    order = make_order(customer, TOP_UP)
    payment = pay(order)

    record_refund(payment=payment, amount="50.00", actor=staff, note="")
    record_refund(payment=payment, amount="50.00", actor=staff, note="")

    small, rest = FiscalDocument.objects.filter(kind=DocumentKind.CREDIT_NOTE).order_by("pk")
    assert (small.total_gross, small.stamp_duty) == (Decimal("50.00"), Decimal("0.00"))
    assert (rest.total_gross, rest.stamp_duty) == (Decimal("50.00"), Decimal("0.00"))

    other = make_order(customer, TOP_UP)
    record_refund(payment=pay(other), amount="100.00", actor=staff, note="")
    whole = FiscalDocument.objects.get(order=other, kind=DocumentKind.CREDIT_NOTE)
    assert whole.stamp_duty == Decimal("2.00")
    xml = build_xml(whole)
    assert_valid(xml)
    assert _general_data(xml).findtext("DatiBollo/BolloVirtuale") == "SI"
