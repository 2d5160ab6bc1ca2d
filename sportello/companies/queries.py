"""Who belongs to which company and what they may see or do: the rule every app calls.

Orders and quote requests carry `customer` (who placed it) and `company` (whom it belongs to,
empty for a private purchase). The rule, for an authenticated user:

- their own private orders (company empty) are always theirs;
- a member of a company sees the company's orders according to the role: the administrator
  and viewers see them all; a buyer sees their own and, when allowed
  (`can_see_colleague_orders`), the colleagues' too;
- acting on an order or quote (paying, accepting, declining, writing to the shop, answering
  a data request, withdrawing) is for the one who placed it while they can still buy for the
  company, and for the company's administrator; viewers only read;
- once removed from a company, a user no longer sees its orders, their own included: the
  orders stay with the company.

The Q builders are subqueries, not extra queries: a list filtered with them costs the same
number of queries as before. `prefix` names the path to the order or quote from the model
being filtered (`"order__"` for payments, `"quote__"` for quote messages).
"""

from __future__ import annotations

import hashlib

from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.html import format_html

from sportello.companies.models import Company, Invitation, Membership, Role

BUYING_ROLES = (Role.ADMINISTRATOR, Role.BUYER)


def hash_token(token: str) -> str:
    """What an invitation stores of its link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def active_memberships() -> QuerySet[Membership]:
    return Membership.objects.filter(removed_at__isnull=True)


def membership_of(user) -> Membership | None:
    """The user's active membership (with its company), or None. One query."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return active_memberships().select_related("company").filter(user=user).first()


def billing_notice_for_member(user) -> str | None:
    """What DATI DI FATTURAZIONE tells a member: their orders carry the company's data (a
    viewer places none); the personal data below count only once they leave."""
    membership = membership_of(user)
    if membership is None:
        return None
    company_page = reverse("companies:home")
    if not membership.can_buy:
        return format_html(
            "Fai parte dell'azienda «{}» come visualizzatore: vedi i suoi ordini in "
            '<a href="{}">ACCOUNT AZIENDALE</a> ma non ne effettui. I dati qui sotto si '
            "useranno solo se lascerai l'azienda.",
            membership.company.name,
            company_page,
        )
    return format_html(
        "Fai parte dell'azienda «{}»: i tuoi ordini sono intestati all'azienda e fatturati con "
        'i suoi dati, che trovi in <a href="{}">ACCOUNT AZIENDALE</a>. I dati qui sotto si '
        "useranno solo se lascerai l'azienda.",
        membership.company.name,
        company_page,
    )


def company_of(user) -> Company | None:
    membership = membership_of(user)
    return membership.company if membership else None


def _user_memberships(user, *roles: str) -> QuerySet[Membership]:
    memberships = active_memberships().filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships


# Memberships that see every order and quote request of their company, not only their own.
SEES_EVERY_COMPANY_ORDER = Q(role__in=(Role.ADMINISTRATOR, Role.VIEWER)) | Q(
    can_see_colleague_orders=True
)


def users_who_see(*, customer_id: int, company_id: int | None) -> set[int]:
    """The users `visible_to` lets see an order or quote request of `customer_id` for
    `company_id` (one query): its customer (while a member, for a company's), and the
    company's members who see every order."""
    if company_id is None:
        return {customer_id}
    seers = (
        active_memberships()
        .filter(company_id=company_id)
        .filter(SEES_EVERY_COMPANY_ORDER | Q(user_id=customer_id))
    )
    return set(seers.values_list("user_id", flat=True))


def visible_to(user, *, prefix: str = "") -> Q:
    """The orders (or quote requests) `user` may see: a filter for `.filter()`."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    p = prefix
    own_companies = _user_memberships(user).values("company_id")
    whole_company = _user_memberships(user).filter(SEES_EVERY_COMPANY_ORDER).values("company_id")
    return (
        Q(**{f"{p}customer": user, f"{p}company__isnull": True})
        | Q(**{f"{p}customer": user, f"{p}company__in": own_companies})
        | Q(**{f"{p}company__in": whole_company})
    )


def actionable_by(user, *, prefix: str = "") -> Q:
    """The orders (or quote requests) `user` may act on (pay, accept, message, withdraw)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    p = prefix
    buying_companies = _user_memberships(user, *BUYING_ROLES).values("company_id")
    administered = _user_memberships(user, Role.ADMINISTRATOR).values("company_id")
    return (
        Q(**{f"{p}customer": user, f"{p}company__isnull": True})
        | Q(**{f"{p}customer": user, f"{p}company__in": buying_companies})
        | Q(**{f"{p}company__in": administered})
    )


def may_act_expression(user, *, prefix: str = "") -> Case:
    """`actionable_by` as a boolean column, to annotate a row already filtered with
    `visible_to` (`.annotate(viewer_may_act=may_act_expression(user))`): no extra query."""
    return Case(
        When(actionable_by(user, prefix=prefix), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def may_see(user, *, customer_id: int, company_id: int | None) -> bool:
    """`visible_to` for one already-loaded order or quote (one query at most)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if company_id is None:
        return customer_id == user.pk
    membership = membership_of(user)
    if membership is None or membership.company_id != company_id:
        return False
    return customer_id == user.pk or membership.sees_every_company_order


def may_act(user, *, customer_id: int, company_id: int | None) -> bool:
    """`actionable_by` for one already-loaded order or quote (one query at most)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if company_id is None:
        return customer_id == user.pk
    membership = membership_of(user)
    if membership is None or membership.company_id != company_id:
        return False
    if membership.is_administrator:
        return True
    return customer_id == user.pk and membership.can_buy


# What a viewer is told wherever a purchase would start (cart, checkout).
VIEWER_CANNOT_BUY = (
    "Nell'account aziendale hai il ruolo di visualizzatore: puoi consultare gli ordini "
    "dell'azienda ma non acquistare. Chiedi all'amministratore di renderti acquirente."
)


def may_buy(user) -> bool:
    """Whether the user may fill a cart and place orders or quote requests: everyone but a
    company's viewers."""
    membership = membership_of(user)
    return membership is None or membership.can_buy


def company_for_new_order(user) -> Company | None:
    """The company a new order or quote request of `user` belongs to (None: private).

    Raises PermissionError for a viewer, who may not buy: callers check `may_buy` first to
    show a message, this keeps the rule in the action too.
    """
    membership = membership_of(user)
    if membership is None:
        return None
    if not membership.can_buy:
        raise PermissionError("A company viewer may not place orders")
    return membership.company


def administered_company(user) -> Company | None:
    """The company the user administers, or None."""
    membership = membership_of(user)
    if membership is None or not membership.is_administrator:
        return None
    return membership.company


def members_of(company: Company) -> QuerySet[Membership]:
    """The company's current members, administrator first, with their users."""
    return (
        active_memberships()
        .filter(company=company)
        .select_related("user")
        .annotate(
            role_rank=Case(
                When(role=Role.ADMINISTRATOR, then=Value(0)),
                When(role=Role.BUYER, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("role_rank", "created_at", "id")
    )


def pending_invitations(company: Company) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        company=company, accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at", "-id")


def company_billing_data(company: Company) -> dict[str, str]:
    """The company's billing data as checkout's billing dict (the BILLING_FIELDS keys of
    sportello.accounts.billing): a company buys as "Azienda o professionista"."""
    return {
        "kind": "company",
        "first_name": "",
        "last_name": "",
        "company_name": company.name,
        "codice_fiscale": company.codice_fiscale,
        "partita_iva": company.partita_iva,
        "sdi_code": company.sdi_code,
        "pec": company.pec,
        "address": company.address,
        "cap": company.cap,
        "comune": company.comune,
        "provincia": company.provincia,
        "country": company.country or "IT",
    }


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token opens (any state; the page says why it is not usable)."""
    return Invitation.objects.select_related("company").filter(token_hash=hash_token(token)).first()


def placed_by(order_or_quote, *, viewer) -> str:
    """ "Ordinato da" for a company's order or quote: the name of who placed it ("te" for the
    viewer), empty for a private one. Uses the row's `customer` (select it with the row)."""
    if order_or_quote.company_id is None:
        return ""
    if order_or_quote.customer_id == viewer.pk:
        return "te"
    return order_or_quote.customer.display_name


def buyer_kind_of_member(user) -> str | None:
    """ "company" for a member of a company account (they buy for it, billed with its data),
    else None: the prices' "Privato / Azienda" then follows the user's own billing data."""
    return "company" if membership_of(user) is not None else None
