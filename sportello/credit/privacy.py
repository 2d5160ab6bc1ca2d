"""What the prepaid credit holds about a person, for the export and the erasure.

The credit account, its top-ups and its movements are the company's money records: business
and accounting data of the company, not of one member. What names a person is the movement's
`actor` (who paid, topped up, or which staff member adjusted): the person's export lists the
movements they made. Erasure keeps every row unchanged (accounting records, art. 2220 c.c.,
DPR 600/1973 art. 22): the actor then points at the anonymised user row.
"""

from __future__ import annotations

from sportello.core.erasure import treat
from sportello.core.export import ExportContext, iso, money
from sportello.credit.models import CreditMovement

EXPORTED_MODELS: dict[str, str] = {
    "credit.CreditMovement": "companies.credit_movements",
}
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {
    "credit.CreditAccount": "a company's balance (business money record, no personal data)",
    "credit.CreditTopUp": "which order bought credit for which company (exported with orders)",
}

KEPT_FISCAL = (
    "kept: accounting record of the company's prepaid credit (art. 2220 c.c., "
    "DPR 600/1973 art. 22); the actor points at the anonymised user"
)

ERASURE: dict[str, dict[str, str]] = {
    "credit.CreditMovement": treat(
        KEPT_FISCAL,
        "id",
        "account",
        "kind",
        "amount",
        "balance_after",
        "order",
        "payment",
        "refund",
        "actor",
        "note",
        "created_at",
    ),
}


def export_data(context: ExportContext) -> None:
    """Adds the credit movements the person made to the "companies" section."""
    movements = (
        CreditMovement.objects.filter(actor=context.user)
        .select_related("account__company", "order")
        .order_by("id")
    )
    rows = [
        {
            "company": movement.account.company.name,
            "kind": movement.kind,
            "amount": money(movement.amount),
            "balance_after": money(movement.balance_after),
            "order": movement.order.number if movement.order else "",
            "note": movement.note,
            "at": iso(movement.created_at),
        }
        for movement in movements
    ]
    section = context.data.setdefault("companies", {})
    section["credit_movements"] = rows
