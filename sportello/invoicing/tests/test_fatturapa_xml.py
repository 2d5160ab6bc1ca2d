"""Whole FatturaPA files for the three kinds of buyer, compared byte for byte."""

import datetime as dt
import os
from pathlib import Path
from unittest import mock

import pytest

from sportello.invoicing.fatturapa import build_xml, latin_text
from sportello.invoicing.models import FiscalDocument
from sportello.invoicing.tests.conftest import COMPANY, make_order, pay
from sportello.invoicing.tests.schema import assert_valid

pytestmark = pytest.mark.django_db

EXPECTED = Path(__file__).parent / "expected"
# 2 March 2026, 00:30 in Rome (still 1 March in UTC): the invoice is dated the Italian day.
PAID_AT = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)

BUYERS = {
    "company_sdi_code": {**COMPANY, "billing_sdi_code": "M5UXCR1"},
    "company_pec_only": {
        **COMPANY,
        "billing_codice_fiscale": "01234560371",
        "billing_pec": "rossi.figli@pec.example.it",
    },
    "private_person": {
        "billing_first_name": "Mario",
        "billing_last_name": "Rossì",
        "billing_codice_fiscale": "RSSMRA80A01H501U",
        # A private person has no SDI code or PEC on the invoice, even if typed.
        "billing_pec": "mario@pec.example.it",
    },
}


def _invoice_for(customer, billing) -> FiscalDocument:
    order = make_order(
        customer,
        [
            {
                "name": "Perizia immobiliare “urgente”",
                "base_net": "250.00",
                "supplements": [{"label": "Urgenza", "net": "50.00"}],
            },
            {"name": "Diritti di segreteria", "base_net": "16.00", "vat_rate": "0.00"},
        ],
        number="2026-000042",
        **billing,
    )
    with mock.patch("django.utils.timezone.now", return_value=PAID_AT):
        pay(order)
    return FiscalDocument.objects.get(order=order)


@pytest.mark.parametrize("case", sorted(BUYERS))
def test_whole_xml_file(customer, case):
    invoice = _invoice_for(customer, BUYERS[case])

    xml = build_xml(invoice)

    assert_valid(xml)
    expected = EXPECTED / f"{case}.xml"
    if os.environ.get("REGENERATE_EXPECTED_XML"):
        # After a deliberate change of the format: rewrite, then review the diff by eye.
        expected.write_text(xml.decode(), encoding="utf-8")
    assert invoice.file_name == "IT01234560371_00001.xml"
    assert xml.decode() == expected.read_text(encoding="utf-8")


def test_texts_keep_to_the_schema_characters():
    assert latin_text("Caffè “Rossi” – 10 €\nłódź", 100) == 'Caffè "Rossi" - 10 EUR lódz'
    assert latin_text("", 10) == "-"
    assert latin_text("x" * 90, 80) == "x" * 80
