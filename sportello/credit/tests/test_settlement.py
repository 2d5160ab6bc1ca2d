"""Top-ups, payments from credit and refunds, through the real settlement code."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sportello.checkout import settlement
from sportello.credit import actions
from sportello.credit.actions import InsufficientCredit
from sportello.credit.models import (
    CreditAccount,
    CreditMovement,
    LedgerIsAppendOnly,
    MovementKind,
)
from sportello.credit.queries import balance_of, ledger_problems
from sportello.credit.tests.conftest import buy_top_up, company_order
from sportello.invoicing.models import DocumentKind, FiscalDocument
from sportello.orders.models import OrderStatus
from sportello.payments.actions import PaymentNotAllowed, RefundNotAllowed
from sportello.payments.models import Payment, PaymentStatus

pytestmark = pytest.mark.django_db


def test_a_paid_top_up_adds_its_amount_once_and_is_invoiced_without_vat(administrator, company):
    order = buy_top_up(administrator, "250.00")

    # Credited at once: nothing left for staff to work on.
    assert order.status == OrderStatus.COMPLETED
    assert order.company == company
    assert (order.total_net, order.total_vat, order.total_gross) == (
        Decimal("250.00"),
        Decimal("0.00"),
        Decimal("250.00"),
    )
    assert balance_of(company) == Decimal("250.00")
    movement = CreditMovement.objects.get()
    assert (movement.kind, movement.amount, movement.balance_after, movement.order) == (
        MovementKind.TOP_UP,
        Decimal("250.00"),
        Decimal("250.00"),
        order,
    )
    invoice = FiscalDocument.objects.get(order=order, kind=DocumentKind.INVOICE)
    line = invoice.lines.get()
    assert (line.vat_rate, line.natura, line.net) == (Decimal("0.00"), "N2.2", Decimal("250.00"))
    assert invoice.total_gross == Decimal("250.00")
    # The paid hook again (a repeated confirmation) credits nothing more.
    assert actions.credit_top_up(order=order) is None
    assert balance_of(company) == Decimal("250.00")


def test_paying_from_credit_debits_confirms_and_invoices_with_vat(administrator, company):
    buy_top_up(administrator, "200.00")
    order = company_order(administrator, company, "100.00")  # 122,00 € with VAT

    confirmation = settlement.pay_from_credit(order=order, actor=administrator)

    assert confirmation.order_became_paid
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.payment_method == "prepaid_credit"
    payment = Payment.objects.get(order=order)
    assert (payment.provider, payment.status, payment.amount) == (
        "prepaid_credit",
        PaymentStatus.CONFIRMED,
        Decimal("122.00"),
    )
    assert balance_of(company) == Decimal("78.00")
    debit = CreditMovement.objects.get(kind=MovementKind.PAYMENT)
    assert (debit.amount, debit.balance_after, debit.payment, debit.actor) == (
        Decimal("-122.00"),
        Decimal("78.00"),
        payment,
        administrator,
    )
    invoice = FiscalDocument.objects.get(order=order, kind=DocumentKind.INVOICE)
    assert invoice.total_vat == Decimal("22.00")
    assert invoice.payment_method_code == "MP22"


def test_a_buyer_may_pay_from_credit_a_viewer_and_outsiders_may_not(
    administrator, buyer, viewer, stranger, company
):
    buy_top_up(administrator, "500.00")
    order = company_order(buyer, company, "10.00")
    for user in (viewer, stranger):
        with pytest.raises(settlement.CreditPaymentNotAllowed):
            settlement.pay_from_credit(order=order, actor=user)
    assert not Payment.objects.filter(order=order).exists()

    settlement.pay_from_credit(order=order, actor=buyer)

    assert balance_of(company) == Decimal("487.80")


def test_not_enough_credit_changes_nothing(administrator, company):
    buy_top_up(administrator, "100.00")
    order = company_order(administrator, company, "100.00")  # 122,00 €

    with pytest.raises(InsufficientCredit):
        settlement.pay_from_credit(order=order, actor=administrator)

    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert not Payment.objects.filter(order=order).exists()
    assert balance_of(company) == Decimal("100.00")
    assert CreditMovement.objects.count() == 1


def test_a_paid_order_or_a_top_up_cannot_be_paid_from_credit(administrator, company):
    top_up_order = buy_top_up(administrator, "300.00")
    with pytest.raises(PaymentNotAllowed):
        settlement.pay_from_credit(order=top_up_order, actor=administrator)
    order = company_order(administrator, company, "10.00")
    settlement.pay_from_credit(order=order, actor=administrator)
    with pytest.raises(PaymentNotAllowed):
        settlement.pay_from_credit(order=order, actor=administrator)
    assert balance_of(company) == Decimal("287.80")


def test_refunds_of_a_credit_paid_order_return_to_the_credit_with_a_credit_note(
    administrator, company, staff
):
    buy_top_up(administrator, "200.00")
    order = company_order(administrator, company, "100.00")
    settlement.pay_from_credit(order=order, actor=administrator)
    payment = Payment.objects.get(order=order)

    settlement.record_refund(payment=payment, amount="22.00", actor=staff, note="Sconto")
    settlement.record_refund(payment=payment, amount="100.00", actor=staff)

    assert balance_of(company) == Decimal("200.00")
    refunds = CreditMovement.objects.filter(kind=MovementKind.REFUND).order_by("id")
    assert [m.amount for m in refunds] == [Decimal("22.00"), Decimal("100.00")]
    assert FiscalDocument.objects.filter(order=order, kind=DocumentKind.CREDIT_NOTE).count() == 2
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert ledger_problems() == []


def test_a_refunded_top_up_takes_its_credit_back_unless_it_was_spent(administrator, company, staff):
    top_up_order = buy_top_up(administrator, "100.00")
    top_up_payment = Payment.objects.get(order=top_up_order)
    settlement.pay_from_credit(
        order=company_order(administrator, company, "50.00"), actor=administrator
    )  # 61,00 € spent, 39,00 € left

    with pytest.raises(RefundNotAllowed):
        settlement.record_refund(payment=top_up_payment, amount="100.00", actor=staff)
    assert balance_of(company) == Decimal("39.00")

    settlement.record_refund(payment=top_up_payment, amount="39.00", actor=staff)

    assert balance_of(company) == Decimal("0.00")
    reversal = CreditMovement.objects.get(kind=MovementKind.TOP_UP_REVERSAL)
    assert (reversal.amount, reversal.balance_after) == (Decimal("-39.00"), Decimal("0.00"))
    assert ledger_problems() == []


def test_staff_adjustments_need_a_reason_and_never_go_below_zero(company, staff):
    with pytest.raises(actions.AdjustmentNotAllowed):
        actions.adjust(company=company, amount="10.00", note="  ", actor=staff)
    actions.adjust(company=company, amount="10.00", note="Omaggio", actor=staff)
    with pytest.raises(actions.AdjustmentNotAllowed):
        actions.adjust(company=company, amount="-10.01", note="Errore", actor=staff)
    actions.adjust(company=company, amount="-10.00", note="Errore", actor=staff)
    assert balance_of(company) == Decimal("0.00")
    assert list(CreditMovement.objects.order_by("id").values_list("note", "actor")) == [
        ("Omaggio", staff.pk),
        ("Errore", staff.pk),
    ]


def test_movements_are_never_changed_or_deleted(company, staff):
    movement = actions.adjust(company=company, amount="10.00", note="Omaggio", actor=staff)
    movement.note = "altro"
    with pytest.raises(LedgerIsAppendOnly):
        movement.save()
    with pytest.raises(LedgerIsAppendOnly):
        movement.delete()
    with pytest.raises(LedgerIsAppendOnly):
        CreditMovement.objects.filter(pk=movement.pk).update(note="altro")
    with pytest.raises(LedgerIsAppendOnly):
        CreditMovement.objects.all().delete()
    assert CreditMovement.objects.get().note == "Omaggio"


def test_the_database_refuses_a_negative_balance(company, staff):
    from django.db import IntegrityError, transaction

    actions.adjust(company=company, amount="5.00", note="Omaggio", actor=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditAccount.objects.filter(company=company).update(balance=Decimal("-1.00"))
    assert balance_of(company) == Decimal("5.00")


def test_check_credit_ledger_command(company, staff, capsys):
    from django.core.management import CommandError, call_command

    actions.adjust(company=company, amount="5.00", note="Omaggio", actor=staff)
    call_command("check_credit_ledger")
    assert "Credit ledger OK" in capsys.readouterr().out
    # A balance changed behind the ledger's back is reported.
    CreditAccount.objects.filter(company=company).update(balance=Decimal("7.00"))
    with pytest.raises(CommandError):
        call_command("check_credit_ledger")


def test_the_top_up_and_the_credit_paid_invoices_are_valid_fatturapa(administrator, company):
    from sportello.invoicing.fatturapa import build_xml
    from sportello.invoicing.tests.schema import assert_valid

    top_up_order = buy_top_up(administrator, "100.00")
    order = company_order(administrator, company, "50.00")
    settlement.pay_from_credit(order=order, actor=administrator)

    top_up_xml = build_xml(FiscalDocument.objects.get(order=top_up_order))
    assert b"<Natura>N2.2</Natura>" in top_up_xml
    assert b"<ImportoTotaleDocumento>100.00</ImportoTotaleDocumento>" in top_up_xml
    assert_valid(top_up_xml)
    paid_xml = build_xml(FiscalDocument.objects.get(order=order))
    assert b"<ModalitaPagamento>MP22</ModalitaPagamento>" in paid_xml
    assert b"<Imposta>11.00</Imposta>" in paid_xml
    assert_valid(paid_xml)


def test_refunding_a_top_up_charged_twice_gives_back_the_extra_charge_first(
    administrator, company, staff
):
    top_up_order = buy_top_up(administrator, "100.00")
    extra = Payment.objects.create(
        order=top_up_order, provider="test_gateway", amount=Decimal("100.00")
    )
    settlement.settle_confirmed_payment(payment=extra, provider_reference="doppio")
    assert balance_of(company) == Decimal("100.00")  # the extra charge is not credit

    settlement.record_refund(payment=extra, amount="100.00", actor=staff, note="Doppio addebito")

    assert balance_of(company) == Decimal("100.00")
    assert not CreditMovement.objects.filter(kind=MovementKind.TOP_UP_REVERSAL).exists()
    first = Payment.objects.filter(order=top_up_order).exclude(pk=extra.pk).get()
    settlement.record_refund(payment=first, amount="40.00", actor=staff)
    assert balance_of(company) == Decimal("60.00")
    assert ledger_problems() == []
