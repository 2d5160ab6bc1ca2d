from decimal import Decimal

import pytest
from django.utils import timezone

from sportello.checkout.settlement import settle_confirmed_payment
from sportello.invoicing.actions import issue_invoice
from sportello.invoicing.amounts import vat_summary
from sportello.invoicing.fatturapa import build_xml
from sportello.invoicing.models import DocumentKind, FiscalDocument, PaymentMethodCode, SdiStatus
from sportello.invoicing.tests.conftest import make_order, pay
from sportello.invoicing.tests.schema import assert_valid
from sportello.orders.models import OrderStatus
from sportello.payments.actions import create_payment

pytestmark = pytest.mark.django_db


def test_paying_an_order_issues_its_invoice_with_exact_amounts(mixed_order):
    pay(mixed_order)

    invoice = FiscalDocument.objects.get(order=mixed_order)
    assert invoice.kind == DocumentKind.INVOICE
    assert invoice.number == f"{timezone.localdate().year}/000001"
    assert invoice.issue_date == timezone.localdate()
    assert invoice.status == SdiStatus.ISSUED
    assert invoice.payment_method_code == PaymentMethodCode.CARD
    lines = [
        (line.description, line.net, line.vat_rate, line.natura) for line in invoice.lines.all()
    ]
    number = mixed_order.number
    assert lines == [
        (f"Perizia immobiliare - ordine n. {number}", Decimal("250.00"), Decimal("22.00"), ""),
        ("Supplemento Urgenza (Perizia immobiliare)", Decimal("50.00"), Decimal("22.00"), ""),
        (
            "Supplemento Sopralluogo: fuori comune (Perizia immobiliare)",
            Decimal("33.33"),
            Decimal("22.00"),
            "",
        ),
        (f"Visura catastale - ordine n. {number}", Decimal("19.99"), Decimal("22.00"), ""),
        (f"Servizio al 10% - ordine n. {number}", Decimal("45.55"), Decimal("10.00"), ""),
        (f"Diritti di segreteria - ordine n. {number}", Decimal("16.00"), Decimal("0.00"), "N2.2"),
    ]
    summary = [(r.vat_rate, r.net, r.vat) for r in vat_summary(invoice.lines.all())]
    # 22%: 353.32 * 0.22 = 77.7304 -> 77.73; 10%: 4.555 -> 4.56 (half up); 0%: 0.
    assert summary == [
        (Decimal("22.00"), Decimal("353.32"), Decimal("77.73")),
        (Decimal("10.00"), Decimal("45.55"), Decimal("4.56")),
        (Decimal("0.00"), Decimal("16.00"), Decimal("0.00")),
    ]
    # Per-line VAT the customer paid: 333.33 -> 73.33, 19.99 -> 4.40 (77.73), 4.56, 0.
    assert mixed_order.total_gross == Decimal("497.16")
    assert (invoice.total_net, invoice.total_vat, invoice.rounding, invoice.total_gross) == (
        Decimal("414.87"),
        Decimal("82.29"),
        Decimal("0.00"),
        Decimal("497.16"),
    )
    assert_valid(build_xml(invoice))


def test_per_line_rounding_difference_is_written_as_arrotondamento(customer):
    """Two lines of 1,25 € + 22%: the customer paid 0,28 € VAT on each (0,56 €); the summary's
    VAT on 2,50 € is 0,55 €. The total stays what was paid; the cent is Arrotondamento."""
    order = make_order(customer, [{"base_net": "1.25"}, {"base_net": "1.25"}])
    pay(order)

    invoice = FiscalDocument.objects.get(order=order)
    assert order.total_gross == Decimal("3.06")
    assert (invoice.total_net, invoice.total_vat, invoice.rounding, invoice.total_gross) == (
        Decimal("2.50"),
        Decimal("0.55"),
        Decimal("0.01"),
        Decimal("3.06"),
    )
    xml = build_xml(invoice)
    assert b"<Arrotondamento>0.01</Arrotondamento>" in xml
    assert b"<ImportoPagamento>3.06</ImportoPagamento>" in xml
    assert_valid(xml)


def test_double_confirmation_issues_one_invoice(customer):
    order = make_order(customer, [{"base_net": "100.00"}])
    payment = pay(order)

    repeat = settle_confirmed_payment(
        payment=payment, provider_reference=payment.provider_reference
    )
    assert repeat.is_recorded is False
    assert issue_invoice(order=order) == FiscalDocument.objects.get()
    assert FiscalDocument.objects.count() == 1


def test_a_second_payment_of_a_paid_order_issues_no_second_invoice(customer):
    """Two attempts both charged: the order is paid once, and invoiced once."""
    order = make_order(customer, [{"base_net": "100.00"}])
    first = create_payment(order=order, provider="test_gateway")
    second = create_payment(order=order, provider="test_gateway")
    settle_confirmed_payment(payment=first, provider_reference="a")
    settle_confirmed_payment(payment=second, provider_reference="b")

    second.refresh_from_db()
    assert second.status == "confirmed"
    assert FiscalDocument.objects.count() == 1


def test_bank_transfer_is_mp05(customer, staff):
    order = make_order(customer, [{"base_net": "100.00"}], payment_method="bank_transfer")
    pay(order, provider="bank_transfer", actor=staff)

    invoice = FiscalDocument.objects.get(order=order)
    assert invoice.payment_method_code == PaymentMethodCode.TRANSFER
    xml = build_xml(invoice)
    assert b"<ModalitaPagamento>MP05</ModalitaPagamento>" in xml
    assert_valid(xml)


def test_zero_euro_order_gets_no_invoice(customer):
    order = make_order(customer, [{"base_net": "0.00"}])
    order.status = OrderStatus.PAID
    order.save(update_fields=["status"])

    assert issue_invoice(order=order) is None
    assert not FiscalDocument.objects.exists()


def test_unpaid_order_gets_no_invoice(customer):
    order = make_order(customer, [{"base_net": "10.00"}])

    assert issue_invoice(order=order) is None
    assert not FiscalDocument.objects.exists()


def test_numbers_follow_each_other_and_restart_each_year(customer, settings):
    settings.INVOICE_NUMBER_PREFIX = "FT"
    first = make_order(customer, [{"base_net": "10.00"}])
    second = make_order(customer, [{"base_net": "20.00"}])
    pay(first)
    pay(second)

    year = timezone.localdate().year
    numbers = list(FiscalDocument.objects.order_by("id").values_list("number", flat=True))
    assert numbers == [f"FT{year}/000001", f"FT{year}/000002"]


def test_an_invoice_paid_in_parts_names_each_payment(customer, staff):
    """Part of a bank transfer, then the rest by card: the invoice says both, with their
    amounts and days (FatturaPA: one DettaglioPagamento each), not the card for the total."""
    import datetime as dt

    from sportello.checkout.settlement import settle_bank_transfer
    from sportello.invoicing.accounting import register_csv
    from sportello.invoicing.pdf import document_pdf_html
    from sportello.invoicing.privacy import documents_for_export
    from sportello.payments.actions import mark_pending

    order = make_order(customer, [{"base_net": "100.00"}], payment_method="bank_transfer")
    transfer = create_payment(order=order, provider="bank_transfer")
    mark_pending(payment=transfer, provider_reference=order.number)
    settle_bank_transfer(
        order=order,
        amount="40.00",
        value_date=dt.date(2026, 3, 1),
        reference="CRO1",
        actor=staff,
    )
    card = create_payment(order=order, provider="test_gateway")
    assert card.amount == Decimal("82.00")
    settle_confirmed_payment(payment=card, provider_reference="tx-rest")

    invoice = FiscalDocument.objects.get(order=order)
    assert [(part.label, part.amount) for part in invoice.payment_parts] == [
        ("Bonifico", Decimal("40.00")),
        ("Carta di pagamento", Decimal("82.00")),
    ]
    assert invoice.payment_parts[0].date == dt.date(2026, 3, 1)
    xml = build_xml(invoice).decode()
    assert xml.count("<DettaglioPagamento>") == 2
    assert "<ModalitaPagamento>MP05</ModalitaPagamento>" in xml
    assert "<DataScadenzaPagamento>2026-03-01</DataScadenzaPagamento>" in xml
    assert "<ImportoPagamento>40.00</ImportoPagamento>" in xml
    assert "<ImportoPagamento>82.00</ImportoPagamento>" in xml
    assert_valid(xml.encode())
    pdf = document_pdf_html(invoice)
    assert "Pagamento completo in 2 parti: 122,00\u00a0€" in pdf
    assert "Bonifico: 40,00\u00a0€, il 1 marzo 2026" in pdf
    assert "Carta di pagamento: 82,00\u00a0€" in pdf
    assert ";Bonifico + Carta di pagamento;" in register_csv([invoice])
    from django.test import Client
    from django.urls import reverse

    admin_client = Client()
    admin_client.force_login(staff)
    page = admin_client.get(
        reverse("admin:invoicing_fiscaldocument_change", args=[invoice.pk])
    ).text
    assert "Bonifico + Carta di pagamento" in page
    [exported] = documents_for_export(customer)
    assert [part["amount"] for part in exported["payments"]] == ["40.00", "82.00"]


def test_an_invoice_paid_at_once_keeps_one_payment(customer):
    order = make_order(customer, [{"base_net": "100.00"}])
    pay(order)

    invoice = FiscalDocument.objects.get(order=order)
    [part] = invoice.payment_parts
    assert (part.code, part.amount) == (PaymentMethodCode.CARD, Decimal("122.00"))
    assert part.date == invoice.issue_date  # the card's money arrived today
    assert build_xml(invoice).count(b"<DettaglioPagamento>") == 1


def test_a_single_transfer_is_dated_its_value_date_as_a_part_of_one_would_be(customer, staff):
    import datetime as dt

    from sportello.checkout.settlement import settle_bank_transfer
    from sportello.payments.actions import mark_pending

    order = make_order(customer, [{"base_net": "100.00"}], payment_method="bank_transfer")
    mark_pending(
        payment=create_payment(order=order, provider="bank_transfer"),
        provider_reference=order.number,
    )
    value_date = timezone.localdate() - dt.timedelta(days=3)
    settle_bank_transfer(
        order=order, amount="122.00", value_date=value_date, reference="CRO9", actor=staff
    )

    invoice = FiscalDocument.objects.get(order=order)
    [part] = invoice.payment_parts
    assert (part.code, part.date) == (PaymentMethodCode.TRANSFER, value_date)
    xml = build_xml(invoice).decode()
    assert f"<DataScadenzaPagamento>{value_date.isoformat()}</DataScadenzaPagamento>" in xml
    assert "<ImportoPagamento>122.00</ImportoPagamento>" in xml


def test_documents_issued_before_parts_were_kept_read_as_one_payment_on_the_issue_day(customer):
    order = make_order(customer, [{"base_net": "100.00"}])
    pay(order)
    FiscalDocument.objects.filter(order=order).update(payment_breakdown=[])

    invoice = FiscalDocument.objects.get(order=order)
    [part] = invoice.payment_parts
    assert (part.amount, part.date) == (Decimal("122.00"), invoice.issue_date)
