"""Reads of the prepaid credit, with the companies' visibility rule baked in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Sum

from sportello.companies.models import Company, Membership
from sportello.companies.queries import membership_of
from sportello.core.money import ZERO, to_money
from sportello.credit.models import CreditAccount, CreditMovement, CreditTopUp

MOVEMENTS_PER_PAGE = 20


def _account_balance(company_id: int) -> Decimal | None:
    """The balance of the company's credit account, None without one. One query."""
    return (
        CreditAccount.objects.filter(company_id=company_id)
        .values_list("balance", flat=True)
        .first()
    )


def balance_of_company_id(company_id: int | None) -> Decimal:
    """The company's available credit (0,00 € without an account yet). One query."""
    if company_id is None:
        return ZERO
    balance = _account_balance(company_id)
    return balance if balance is not None else ZERO


def balance_of(company: Company | None) -> Decimal:
    return balance_of_company_id(company.pk if company is not None else None)


def is_top_up(order) -> bool:
    return CreditTopUp.objects.filter(order=order).exists()


def may_pay_from_credit(user, order) -> bool:
    """A member who may act on the order for its company: the administrator, or the buyer who
    placed it. The credit is the company's money: viewers only see it, and a buyer allowed to
    see colleagues' orders only reads them (as on the site's pay page)."""
    if order.company_id is None:
        return False
    membership = membership_of(user)
    if membership is None or membership.company_id != order.company_id:
        return False
    return membership.is_administrator or (membership.can_buy and order.customer_id == user.pk)


@dataclass(frozen=True)
class CreditStanding:
    """The company's credit against an order's total, as the checkout tells it."""

    balance: Decimal
    total: Decimal

    @property
    def covers(self) -> bool:
        return self.balance >= self.total

    @property
    def after(self) -> Decimal:
        """What is left once the order is paid from the credit."""
        return self.balance - self.total


def credit_standing(user, total: Decimal) -> CreditStanding | None:
    """The company's credit against `total`, for a member who may pay with it and whose company
    has a credit account: the checkout shows the balance beside "Credito prepagato", or says why
    it is not offered. None otherwise. Two queries at most."""
    membership = membership_of(user)
    if membership is None or not membership.can_buy or total <= ZERO:
        return None
    balance = _account_balance(membership.company_id)
    if balance is None:
        return None
    return CreditStanding(balance=balance, total=total)


@dataclass(frozen=True)
class CreditPage:
    membership: Membership
    balance: Decimal
    movements: Page
    may_top_up: bool


def credit_page_for(user, *, page_number) -> CreditPage | None:
    """What "Credito prepagato" shows to `user`: their company's balance and movements (every
    member sees them; administrators and buyers may top up). None outside a company."""
    membership = membership_of(user)
    if membership is None:
        return None
    movements = (
        CreditMovement.objects.filter(account__company_id=membership.company_id)
        .select_related("order", "actor")
        .order_by("-id")
    )
    paginator = Paginator(movements, MOVEMENTS_PER_PAGE)
    return CreditPage(
        membership=membership,
        balance=balance_of(membership.company),
        movements=paginator.get_page(page_number),
        may_top_up=membership.can_buy,
    )


def ledger_problems() -> list[str]:
    """Every account whose movements do not add up to its balance, or whose chain of
    balance_after is broken. Empty when the ledger is sound."""
    problems = []
    sums = dict(
        CreditMovement.objects.values("account_id")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "total")
    )
    for account in CreditAccount.objects.select_related("company").order_by("id"):
        # SQLite sums decimals as floats: round the sum to cents before comparing.
        total = to_money(sums.get(account.pk) or ZERO)
        if total != account.balance:
            problems.append(f"{account}: i movimenti sommano {total}, il saldo è {account.balance}")
        running = ZERO
        for movement in account.movements.order_by("id").only("id", "amount", "balance_after"):
            running += movement.amount
            if movement.balance_after != running:
                problems.append(
                    f"{account}: il movimento {movement.pk} dichiara un saldo di "
                    f"{movement.balance_after}, la somma è {running}"
                )
                break
    return problems
