from decimal import Decimal

import pytest

from sportello.checkout.settlement import record_refund, settle_confirmed_payment
from sportello.invoicing.actions import issue_credit_note
from sportello.invoicing.amounts import vat_summary
from sportello.invoicing.fatturapa import build_xml
from sportello.invoicing.models import DocumentKind, FiscalDocument, PaymentMethodCode
from sportello.invoicing.tests.conftest import make_order, pay
from sportello.invoicing.tests.schema import assert_valid
from sportello.orders.models import OrderStatus
from sportello.payments.actions import create_payment

pytestmark = pytest.mark.django_db


def _summary(document):
    return [(r.vat_rate, r.net, r.vat) for r in vat_summary(document.lines.all())]


def test_full_refund_issues_one_credit_note_mirroring_the_invoice(mixed_order, staff):
    payment = pay(mixed_order)
    invoice = FiscalDocument.objects.get(kind=DocumentKind.INVOICE)

    refund = record_refund(payment=payment, amount="497.16", actor=staff, note="")

    note = FiscalDocument.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert note.refund == refund
    assert note.corrects == invoice
    assert note.number.startswith("NC") and note.number.endswith("/000001")
    assert note.total_gross == Decimal("497.16")
    assert _summary(note) == _summary(invoice)
    assert [line.natura for line in note.lines.all()] == ["", "", "N2.2"]
    xml = build_xml(note)
    assert b"<TipoDocumento>TD04</TipoDocumento>" in xml
    assert f"<IdDocumento>{invoice.number}</IdDocumento>".encode() in xml
    assert_valid(xml)
    # The customer's one e-mail gives the amount, says the order is refunded and links the
    # credit note.
    from sportello.notifications.models import OutgoingEmail

    [email] = OutgoingEmail.objects.filter(template="payments/email/refund_recorded")
    assert "un rimborso di 497,16\u00a0€" in email.text_body
    assert "con questo l'ordine è interamente rimborsato" in email.text_body
    assert note.get_absolute_url() in email.text_body
    assert not OutgoingEmail.objects.filter(template="orders/email/refunded").exists()
    # A repeat of the same refund changes nothing.
    assert issue_credit_note(refund=refund) == note
    assert FiscalDocument.objects.filter(kind=DocumentKind.CREDIT_NOTE).count() == 1


def test_partial_refunds_issue_one_credit_note_each_split_per_rate(mixed_order, staff):
    payment = pay(mixed_order)
    invoice = FiscalDocument.objects.get(kind=DocumentKind.INVOICE)

    record_refund(payment=payment, amount="100.00", actor=staff, note="Sconto")
    first = FiscalDocument.objects.get(kind=DocumentKind.CREDIT_NOTE)
    # 100,00 € in proportion to 431,05 € (22%), 50,11 € (10%) and 16,00 € (0%) of 497,16 €:
    # 86,70 € -> net 71,07 (VAT 15,64); 10,08 € -> net 9,16 (VAT 0,92); the rest 3,22 €.
    assert _summary(first) == [
        (Decimal("22.00"), Decimal("71.07"), Decimal("15.64")),
        (Decimal("10.00"), Decimal("9.16"), Decimal("0.92")),
        (Decimal("0.00"), Decimal("3.22"), Decimal("0.00")),
    ]
    assert first.total_gross == Decimal("100.00")
    assert (first.total_net, first.total_vat, first.rounding) == (
        Decimal("83.45"),
        Decimal("16.56"),
        Decimal("-0.01"),
    )
    assert_valid(build_xml(first))

    record_refund(payment=payment, amount="397.16", actor=staff, note="")
    notes = list(FiscalDocument.objects.filter(kind=DocumentKind.CREDIT_NOTE).order_by("id"))
    assert len(notes) == 2
    second = notes[1]
    assert second.total_gross == Decimal("397.16")
    # Together the two notes credit each rate of the invoice exactly.
    credited = {}
    for note in notes:
        for rate, net, _vat in _summary(note):
            credited[rate] = credited.get(rate, Decimal("0")) + net
    assert credited == {rate: net for rate, net, _vat in _summary(invoice)}
    assert_valid(build_xml(second))
    mixed_order.refresh_from_db()
    assert mixed_order.status == OrderStatus.REFUNDED


def test_bank_transfer_refund_credit_note(customer, staff):
    order = make_order(customer, [{"base_net": "100.00"}], payment_method="bank_transfer")
    payment = pay(order, provider="bank_transfer", actor=staff)

    record_refund(payment=payment, amount="61.00", actor=staff, note="")

    note = FiscalDocument.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert note.payment_method_code == PaymentMethodCode.TRANSFER
    assert _summary(note) == [(Decimal("22.00"), Decimal("50.00"), Decimal("11.00"))]
    assert_valid(build_xml(note))


def test_refunding_a_double_charge_issues_no_credit_note(customer, staff):
    """The second charge was never invoiced: giving it back is not a credit note."""
    order = make_order(customer, [{"base_net": "100.00"}])
    first = create_payment(order=order, provider="test_gateway")
    second = create_payment(order=order, provider="test_gateway")
    settle_confirmed_payment(payment=first, provider_reference="a")
    settle_confirmed_payment(payment=second, provider_reference="b")

    record_refund(payment=second, amount="122.00", actor=staff, note="Doppio addebito")
    assert not FiscalDocument.objects.filter(kind=DocumentKind.CREDIT_NOTE).exists()

    record_refund(payment=first, amount="22.00", actor=staff, note="Sconto")
    note = FiscalDocument.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert note.total_gross == Decimal("22.00")
