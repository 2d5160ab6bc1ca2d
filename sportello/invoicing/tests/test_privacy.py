"""Invoices are in the customer's data export and untouched by the account's erasure."""

import pytest

from sportello.checkout.settlement import record_refund
from sportello.invoicing.models import FiscalDocument
from sportello.invoicing.privacy import ERASURE, documents_for_export
from sportello.invoicing.tests.conftest import make_order, pay
from sportello.orders.actions import complete_order
from sportello.privacy.erasure import erase_customer
from sportello.privacy.export import build_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoiced(customer, staff):
    order = make_order(customer, [{"base_net": "100.00"}])
    payment = pay(order)
    record_refund(payment=payment, amount="12.20", actor=staff, note="")
    return order


def test_export_lists_invoices_and_credit_notes(customer, other_customer, invoiced):
    make_order(other_customer, [{"base_net": "5.00"}])

    data, _files = build_export(user=customer)

    invoices = data["invoices"]
    assert [(d["kind"], d["total_gross"]) for d in invoices] == [
        ("invoice", "122.00"),
        ("credit_note", "12.20"),
    ]
    assert invoices[0]["buyer"]["codice_fiscale"] == "RSSMRA80A01H501U"
    assert invoices[0]["vat_summary"] == [{"vat_rate": "22.00", "net": "100.00", "vat": "22.00"}]
    assert invoices[1]["corrects"] == invoices[0]["number"]
    assert documents_for_export(other_customer) == []


def test_export_query_count_does_not_grow(customer, invoiced, django_assert_num_queries):
    with django_assert_num_queries(3):
        assert len(documents_for_export(customer)) == 2


def test_erasure_keeps_invoices_unchanged(customer, invoiced, staff):
    complete_order(order=invoiced, actor=staff)
    before = list(FiscalDocument.objects.order_by("id").values())

    erase_customer(user=customer, actor=customer)

    assert list(FiscalDocument.objects.order_by("id").values()) == before
    assert all(how.startswith("kept") for fields in ERASURE.values() for how in fields.values())
