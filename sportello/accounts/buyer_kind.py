"""Whether prices are shown to a consumer ("Privato": VAT included as the main figure, Codice
del Consumo art. 49) or to a business ("Azienda": net + VAT).

Visitors choose once ("Privato / Azienda"); the choice lives in the session (no cookie of its
own). Once the customer's billing data are known (at login from the saved billing data, or when
billing data are entered) their kind decides and the choice is no longer offered. Reading it
costs no query: pages call `buyer_kind` on every request.
"""

from __future__ import annotations

from collections.abc import Callable

from sportello.accounts.models import BillingProfile

PERSON = "person"
COMPANY = "company"
KINDS = (PERSON, COMPANY)
SESSION_KEY = "buyer_kind"

# Apps above accounts that know a user's kind better than the saved billing data (a company
# member buys for the company) register here at start-up (`AppConfig.ready`).
_kind_deciders: list[Callable[[object], str | None]] = []


def decide_kind_at_login_with(decider: Callable[[object], str | None]) -> None:
    """`decider(user)` returns PERSON / COMPANY, or None to leave it to the billing data."""
    if decider not in _kind_deciders:
        _kind_deciders.append(decider)


def _stored(request) -> dict:
    stored = request.session.get(SESSION_KEY)
    if not isinstance(stored, dict) or stored.get("kind") not in KINDS:
        return {}
    user_key = request.user.pk if request.user.is_authenticated else None
    # A choice made before logging in still counts; another account's never does.
    if stored.get("user") not in (None, user_key):
        return {}
    return stored


def buyer_kind(request) -> str:
    """PERSON or COMPANY for this visitor (PERSON until told otherwise)."""
    return _stored(request).get("kind", PERSON)


def is_known_from_billing(request) -> bool:
    """The kind comes from the customer's billing data: no "Privato / Azienda" choice then."""
    return bool(_stored(request).get("from_billing"))


def remember_buyer_kind(request, kind: str, *, from_billing: bool = False) -> None:
    """The visitor's choice, or (from_billing) the kind in the billing data just saved."""
    if kind not in KINDS:
        return
    if not from_billing and is_known_from_billing(request):
        return
    user_key = request.user.pk if request.user.is_authenticated else None
    request.session[SESSION_KEY] = {"kind": kind, "user": user_key, "from_billing": from_billing}


def remember_buyer_kind_at_login(request, user) -> None:
    """At login: what a registered decider says (a company member: "Azienda"), else the saved
    billing data's kind, when there are any."""
    kind = next((k for k in (decide(user) for decide in _kind_deciders) if k in KINDS), None)
    if kind is None:
        kind = BillingProfile.objects.filter(user=user).values_list("kind", flat=True).first()
    if kind in KINDS:
        request.session[SESSION_KEY] = {"kind": kind, "user": user.pk, "from_billing": True}
