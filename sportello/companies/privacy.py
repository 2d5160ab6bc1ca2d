"""What the companies app holds about a person, for the export and the erasure.

A company's own data (ragione sociale, partita IVA, address, SDI/PEC) are business data: they
belong to the company, are shared with its other members and its orders and invoices point at
them, so erasing one member never touches them. A member's export shows them anyway, as the
context of the membership. The membership says which company a person belonged to and with
which role: it is exported and, at erasure, ends (the row stays, as the history of who could
see the company's orders when, pointing at the anonymised user). Invitations carry the invited
person's e-mail address: those addressed to the erased person are deleted.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from sportello.companies.models import Company, Invitation, Membership
from sportello.core.erasure import ErasureContext, treat
from sportello.core.export import ExportContext, iso

EXPORTED_MODELS: dict[str, str] = {
    "companies.Membership": "companies.memberships",
    "companies.Company": "companies.memberships[].company",
    "companies.Invitation": "companies.invitations",
}
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {}

ERASURE: dict[str, dict[str, str]] = {
    "companies.Company": treat(
        "kept: the company's business data, shared with its other members and referenced by "
        "its orders and invoices; no member's personal data",
        "id",
        "name",
        "partita_iva",
        "codice_fiscale",
        "sdi_code",
        "pec",
        "address",
        "cap",
        "comune",
        "provincia",
        "country",
        "created_by",
        "created_at",
        "updated_at",
    ),
    "companies.Membership": {
        **treat(
            "kept: who belonged to the company when (the user row is anonymised)",
            "id",
            "company",
            "user",
            "role",
            "can_see_colleague_orders",
            "created_at",
            "removed_by",
        ),
        **treat("set to the erasure time when still active (the membership ends)", "removed_at"),
    },
    "companies.Invitation": treat(
        "deleted with the row (invitations addressed to the person or accepted by them)",
        "id",
        "company",
        "email",
        "role",
        "can_see_colleague_orders",
        "token_hash",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ),
}


def _company(company: Company) -> dict[str, Any]:
    return {
        "name": company.name,
        "partita_iva": company.partita_iva,
        "codice_fiscale": company.codice_fiscale,
        "sdi_code": company.sdi_code,
        "pec": company.pec,
        "address": company.address,
        "cap": company.cap,
        "comune": company.comune,
        "provincia": company.provincia,
        "country": company.country,
    }


def _invitations_of(user, email: str):
    return Invitation.objects.filter(Q(email__iexact=email) | Q(accepted_by=user))


def export_data(context: ExportContext) -> None:
    user = context.user
    memberships = (
        Membership.objects.filter(user=user).select_related("company").order_by("created_at", "id")
    )
    invitations = _invitations_of(user, user.email).select_related("company")
    context.data["companies"] = {
        "memberships": [
            {
                "company": _company(m.company),
                "role": m.role,
                "role_label": m.get_role_display(),
                "can_see_colleague_orders": m.can_see_colleague_orders,
                "since": iso(m.created_at),
                "removed_at": iso(m.removed_at),
            }
            for m in memberships
        ],
        "invitations": [
            {
                "company": inv.company.name,
                "email": inv.email,
                "role": inv.role,
                "sent_at": iso(inv.created_at),
                "expires_at": iso(inv.expires_at),
                "accepted_at": iso(inv.accepted_at),
                "revoked_at": iso(inv.revoked_at),
            }
            for inv in invitations.order_by("created_at", "id")
        ],
    }


def erase_data(context: ErasureContext) -> None:
    """The membership ends; invitations addressed to the person go. The company, its orders
    and its other members are untouched."""
    Membership.objects.filter(user=context.user, removed_at__isnull=True).update(
        removed_at=context.now
    )
    _invitations_of(context.user, context.old_email).delete()


def erasure_blocker(user) -> str:
    """Why the account cannot be deleted yet (empty: it can): a company's administrator with
    colleagues hands the role over first, so the company is never left without one."""
    membership = (
        Membership.objects.filter(user=user, removed_at__isnull=True, role="administrator")
        .select_related("company")
        .first()
    )
    if membership is None:
        return ""
    others = Membership.objects.filter(company=membership.company, removed_at__isnull=True)
    if not others.exclude(user=user).exists():
        return ""
    return (
        f"Sei l'amministratore dell'account aziendale di {membership.company.name}: prima di "
        "cancellare il tuo account trasferisci il ruolo a un collega (IL MIO ACCOUNT, "
        "ACCOUNT AZIENDALE)."
    )
