"""The only code that changes a credit account: every change appends one movement and moves
the balance by the same amount, under the account's row lock, in the caller's transaction.

Money reaches these actions only through `sportello.checkout.settlement` (a paid top-up order,
a payment from credit, a refund of a credit-paid order, the refund of a top-up) or the staff's
manual adjustment. Whatever may be repeated by the outside world is credited once (unique
constraints on the movement's order / payment / refund, checked before writing).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from sportello.core.money import ZERO, format_euro, to_money
from sportello.credit.models import (
    CreditAccount,
    CreditMovement,
    CreditTopUp,
    MovementKind,
)
from sportello.payments.models import Payment, PaymentStatus, Refund


class InsufficientCredit(Exception):
    """The balance does not cover the amount; nothing was written. The message is for people."""


class AdjustmentNotAllowed(Exception):
    """A manual adjustment that breaks a rule (zero, no note, balance below zero)."""


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def lock_account(company) -> CreditAccount:
    """The company's account, created on first use, locked for this transaction.

    Every balance change goes through here: two payments racing for the last euros queue on
    this row (PostgreSQL's FOR UPDATE; SQLite's IMMEDIATE transactions serialise writers).
    """
    if not CreditAccount.objects.filter(company=company).exists():
        try:
            with transaction.atomic():
                CreditAccount.objects.create(company=company)
        except IntegrityError:
            pass  # created meanwhile by a concurrent first movement
    return CreditAccount.objects.select_for_update().get(company=company)


def _append(account: CreditAccount, *, kind: str, amount: Decimal, **fields) -> CreditMovement:
    """Append one movement to a locked account and move its balance by the same amount."""
    amount = to_money(amount)
    balance_after = account.balance + amount
    if balance_after < ZERO:
        raise InsufficientCredit(
            f"Il credito disponibile ({format_euro(account.balance)}) non basta "
            f"per {format_euro(-amount)}."
        )
    movement = CreditMovement.objects.create(
        account=account, kind=kind, amount=amount, balance_after=balance_after, **fields
    )
    CreditAccount.objects.filter(pk=account.pk).update(balance=balance_after)
    account.balance = balance_after
    return movement


def credit_top_up(*, order, actor=None) -> CreditMovement | None:
    """The top-up order became paid: add its amount to the company's credit.

    None when the order is not a top-up, or when it was credited already (a repeat)."""
    with transaction.atomic():
        top_up = CreditTopUp.objects.filter(order=order).first()
        if top_up is None:
            return None
        account = lock_account(top_up.company)
        if CreditMovement.objects.filter(order=order, kind=MovementKind.TOP_UP).exists():
            return None
        return _append(
            account,
            kind=MovementKind.TOP_UP,
            amount=top_up.amount,
            order=order,
            actor=_person(actor),
            note=f"Ricarica con l'ordine {order.number}",
        )


def debit_for_payment(*, payment, actor=None) -> CreditMovement:
    """Take an attempt's amount from the credit of the order's company (pay from credit).

    Idempotent per payment (the existing movement is returned). Raises InsufficientCredit when
    the balance does not cover it, ValueError for an order without company."""
    order = payment.order
    if order.company_id is None:
        raise ValueError(f"Order {order.number} belongs to no company")
    with transaction.atomic():
        account = lock_account(order.company)
        existing = CreditMovement.objects.filter(payment=payment, kind=MovementKind.PAYMENT).first()
        if existing is not None:
            return existing
        return _append(
            account,
            kind=MovementKind.PAYMENT,
            amount=-payment.amount,
            order=order,
            payment=payment,
            actor=_person(actor),
            note=f"Pagamento dell'ordine {order.number}",
        )


def return_refund(*, refund, actor=None) -> CreditMovement | None:
    """A refund of a payment made from credit goes back to the credit. Idempotent per refund."""
    payment = refund.payment
    order = payment.order
    with transaction.atomic():
        account = lock_account(order.company)
        if CreditMovement.objects.filter(refund=refund).exists():
            return None
        return _append(
            account,
            kind=MovementKind.REFUND,
            amount=refund.amount,
            order=order,
            payment=payment,
            refund=refund,
            actor=_person(actor),
            note=f"Rimborso dell'ordine {order.number}",
        )


def _top_up_share(top_up: CreditTopUp, *, refunded_total: Decimal) -> Decimal:
    """How much of the top-up's refunds, `refunded_total` so far, must leave the credit.

    Money received beyond the top-up (an order charged twice) never became credit: refunds
    give that back first, as invoicing does with credit notes. Minus what was reversed already.
    """
    received = (
        Payment.objects.filter(
            order_id=top_up.order_id, status__in=(PaymentStatus.CONFIRMED, PaymentStatus.REFUNDED)
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    reversed_already = -(
        CreditMovement.objects.filter(
            order_id=top_up.order_id, kind=MovementKind.TOP_UP_REVERSAL
        ).aggregate(total=Sum("amount"))["total"]
        or ZERO
    )
    overpaid = max(ZERO, to_money(received) - top_up.amount)
    return to_money(max(ZERO, to_money(refunded_total) - overpaid) - to_money(reversed_already))


def _credited_top_up(order) -> CreditTopUp | None:
    top_up = CreditTopUp.objects.filter(order=order).select_related("company").first()
    if top_up is None:
        return None
    if not CreditMovement.objects.filter(order=order, kind=MovementKind.TOP_UP).exists():
        return None  # never credited (refunded before it was paid in full)
    return top_up


def top_up_refund_problem(*, order, amount: Decimal) -> str:
    """Why `amount` of a top-up order cannot be refunded now ("" when it can): the credit it
    added must still be there, or the company would keep credit it was refunded for."""
    top_up = _credited_top_up(order)
    if top_up is None:
        return ""
    refunded = Refund.objects.filter(payment__order=order).aggregate(total=Sum("amount"))["total"]
    share = _top_up_share(top_up, refunded_total=(refunded or ZERO) + to_money(amount))
    account = CreditAccount.objects.get(company=top_up.company)
    if account.balance < share:
        return (
            f"Il credito residuo dell'azienda ({format_euro(account.balance)}) è inferiore "
            "all'importo da rimborsare: la ricarica è già stata in parte utilizzata."
        )
    return ""


def reverse_top_up(*, refund, actor=None) -> CreditMovement | None:
    """A refunded top-up takes its amount back from the credit (once per refund; nothing for
    money received beyond the top-up, e.g. a double charge).

    Raises InsufficientCredit when the credit was spent meanwhile: the refund rolls back."""
    payment = refund.payment
    order = payment.order
    with transaction.atomic():
        top_up = _credited_top_up(order)
        if top_up is None:
            return None
        account = lock_account(top_up.company)
        if CreditMovement.objects.filter(refund=refund).exists():
            return None
        refunded = Refund.objects.filter(payment__order=order, pk__lte=refund.pk).aggregate(
            total=Sum("amount")
        )["total"]
        share = min(to_money(refund.amount), _top_up_share(top_up, refunded_total=refunded or ZERO))
        if share <= ZERO:
            return None
        return _append(
            account,
            kind=MovementKind.TOP_UP_REVERSAL,
            amount=-share,
            order=order,
            refund=refund,
            actor=_person(actor),
            note=f"Rimborso della ricarica {order.number}",
        )


def adjust(*, company, amount: Decimal | str, note: str, actor) -> CreditMovement:
    """Staff's manual adjustment ("Rettifica manuale"), with the reason: the movement is its
    audit record (who, when, how much, why). Raises AdjustmentNotAllowed."""
    amount = to_money(amount)
    note = note.strip()
    if amount == ZERO:
        raise AdjustmentNotAllowed("L'importo della rettifica non può essere zero.")
    if not note:
        raise AdjustmentNotAllowed("Indica il motivo della rettifica.")
    with transaction.atomic():
        account = lock_account(company)
        try:
            return _append(
                account,
                kind=MovementKind.ADJUSTMENT,
                amount=amount,
                actor=_person(actor),
                note=note,
            )
        except InsufficientCredit as exc:
            raise AdjustmentNotAllowed(
                f"La rettifica porterebbe il saldo sotto zero "
                f"(saldo attuale {format_euro(account.balance)})."
            ) from exc
