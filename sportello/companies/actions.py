"""Every change to a company account: create it, edit its billing data, invite, accept,
change a member's role, remove a member, transfer the administrator role.

Each action runs in one transaction that first locks the company row, so two administrators'
clicks (or an acceptance and a removal) never interleave; the one-company-per-user and
one-administrator-per-company rules are also unique constraints in the database. Each writes
an audit row; e-mails go through the outbox (sent after commit).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from sportello.audit.actions import record
from sportello.audit.models import EventType
from sportello.companies import emails
from sportello.companies.models import Company, Invitation, Membership, Role
from sportello.companies.queries import hash_token

INVITATION_VALIDITY = dt.timedelta(days=7)
COMPANY_FIELDS = (
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
)


class CompanyActionRefused(Exception):
    """The action breaks a rule; `message` says which, in Italian, for the page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(CompanyActionRefused):
    pass


class AlreadyInCompany(CompanyActionRefused):
    pass


class PartitaIvaTaken(CompanyActionRefused):
    pass


class InvitationNotUsable(CompanyActionRefused):
    pass


def _lock(company: Company) -> Company:
    return Company.objects.select_for_update().get(pk=company.pk)


def _active_membership(user, *, company: Company | None = None) -> Membership | None:
    memberships = Membership.objects.select_for_update().filter(user=user, removed_at__isnull=True)
    if company is not None:
        memberships = memberships.filter(company=company)
    return memberships.first()


def _require_administrator(company: Company, actor) -> Membership:
    membership = _active_membership(actor, company=company)
    if membership is None or not membership.is_administrator:
        raise NotAllowed("Solo l'amministratore dell'account aziendale può farlo.")
    return membership


def _audit(event_type: str, message: str, *, company: Company, actor, member=None, **extra):
    record(
        event_type=event_type,
        message=message,
        customer=member,
        actor=actor,
        extra={"company_id": company.pk, "partita_iva": company.partita_iva, **extra},
    )


def _values(data: Mapping[str, str]) -> dict[str, str]:
    values = {name: (data.get(name) or "").strip() for name in COMPANY_FIELDS}
    values["country"] = values["country"] or "IT"
    return values


def create_company(*, user, data: Mapping[str, str]) -> Company:
    """A new company account, with `user` as its administrator. `data` is validated."""
    values = _values(data)
    with transaction.atomic():
        if _active_membership(user) is not None:
            raise AlreadyInCompany(
                "Fai già parte di un account aziendale: per crearne uno nuovo devi prima uscirne."
            )
        if Company.objects.filter(partita_iva=values["partita_iva"]).exists():
            raise PartitaIvaTaken(
                "Esiste già un account aziendale con questa partita IVA: chiedi al suo "
                "amministratore di invitarti."
            )
        try:
            with transaction.atomic():
                company = Company.objects.create(created_by=user, **values)
                Membership.objects.create(company=company, user=user, role=Role.ADMINISTRATOR)
        except IntegrityError as exc:  # a concurrent request won the race
            raise PartitaIvaTaken(
                "Esiste già un account aziendale con questa partita IVA o ne fai già parte."
            ) from exc
        _audit(
            EventType.COMPANY_CREATED,
            f"Account aziendale «{company.name}» creato; amministratore {user.email}",
            company=company,
            actor=user,
            member=user,
        )
    return company


def update_company(*, company: Company, actor, data: Mapping[str, str]) -> Company:
    """The administrator edits the billing data. The partita IVA identifies the company and
    does not change here (staff correct it in the back-office)."""
    values = _values(data)
    values.pop("partita_iva")
    with transaction.atomic():
        locked = _lock(company)
        _require_administrator(locked, actor)
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        for name, value in values.items():
            setattr(locked, name, value)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            _audit(
                EventType.COMPANY_UPDATED,
                f"Dati aziendali di «{locked.name}» modificati: {', '.join(changed)}",
                company=locked,
                actor=actor,
                changed=changed,
            )
    return locked


def invite(
    *,
    company: Company,
    actor,
    email: str,
    role: str,
    can_see_colleague_orders: bool = False,
    now: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """Invite `email` as buyer or viewer; returns the invitation and the token of its link
    (only its hash is stored). A new invitation to the same address replaces a pending one."""
    now = now or timezone.now()
    email = email.strip().lower()
    if role not in (Role.BUYER, Role.VIEWER):
        raise NotAllowed("Si invita come acquirente o visualizzatore.")
    with transaction.atomic():
        locked = _lock(company)
        _require_administrator(locked, actor)
        if Membership.objects.filter(
            company=locked, user__email__iexact=email, removed_at__isnull=True
        ).exists():
            raise AlreadyInCompany("Questa persona fa già parte dell'account aziendale.")
        Invitation.objects.filter(
            company=locked, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            company=locked,
            email=email,
            role=role,
            can_see_colleague_orders=can_see_colleague_orders and role == Role.BUYER,
            token_hash=hash_token(token),
            invited_by=actor,
            expires_at=now + INVITATION_VALIDITY,
        )
        emails.invitation(invitation, token=token)
        _audit(
            EventType.COMPANY_INVITATION,
            f"{email} invitato in «{locked.name}» come {invitation.get_role_display().lower()}",
            company=locked,
            actor=actor,
            email=email,
            role=role,
        )
    return invitation, token


def revoke_invitation(*, invitation: Invitation, actor, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(invitation.company)
        _require_administrator(locked, actor)
        revoked = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        if revoked:
            _audit(
                EventType.COMPANY_INVITATION,
                f"Invito di {invitation.email} in «{locked.name}» annullato",
                company=locked,
                actor=actor,
                email=invitation.email,
            )


def accept_invitation(*, token: str, user, now: dt.datetime | None = None) -> Membership:
    """The invited person, logged in with the invited address, joins the company."""
    now = now or timezone.now()
    invitation = Invitation.objects.filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise InvitationNotUsable("Il link dell'invito non è valido.")
    with transaction.atomic():
        company = _lock(invitation.company)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise InvitationNotUsable("Questo invito è già stato accettato.")
        if invitation.revoked_at is not None:
            raise InvitationNotUsable(
                "Questo invito è stato annullato o sostituito da uno più recente."
            )
        if invitation.expires_at <= now:
            raise InvitationNotUsable(
                "Questo invito è scaduto: chiedi all'amministratore di inviartene uno nuovo."
            )
        if invitation.email.lower() != user.email.lower():
            raise InvitationNotUsable(
                f"L'invito è per {invitation.email}: accedi con quell'indirizzo per accettarlo."
            )
        if _active_membership(user) is not None:
            raise AlreadyInCompany(
                "Fai già parte di un account aziendale: per entrare in un altro devi prima uscirne."
            )
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    company=company,
                    user=user,
                    role=invitation.role,
                    can_see_colleague_orders=invitation.can_see_colleague_orders,
                )
        except IntegrityError as exc:  # another company's invitation accepted meanwhile
            raise AlreadyInCompany(
                "Fai già parte di un account aziendale: per entrare in un altro devi prima uscirne."
            ) from exc
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        _audit(
            EventType.COMPANY_MEMBER,
            f"{user.email} è entrato in «{company.name}» come "
            f"{membership.get_role_display().lower()}",
            company=company,
            actor=user,
            member=user,
            role=membership.role,
        )
    return membership


def change_member(
    *, membership: Membership, actor, role: str, can_see_colleague_orders: bool
) -> Membership:
    """The administrator makes a member buyer or viewer and sets the colleagues' orders flag.
    The administrator role itself moves only with `transfer_administrator`."""
    if role not in (Role.BUYER, Role.VIEWER):
        raise NotAllowed("L'amministratore si cambia con il trasferimento del ruolo.")
    with transaction.atomic():
        company = _lock(membership.company)
        _require_administrator(company, actor)
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        if locked.removed_at is not None:
            raise NotAllowed("Questa persona non fa più parte dell'account aziendale.")
        if locked.is_administrator:
            raise NotAllowed("L'amministratore si cambia con il trasferimento del ruolo.")
        can_see = can_see_colleague_orders and role == Role.BUYER
        if (locked.role, locked.can_see_colleague_orders) != (role, can_see):
            before = locked.get_role_display().lower()
            locked.role = role
            locked.can_see_colleague_orders = can_see
            locked.save(update_fields=["role", "can_see_colleague_orders"])
            _audit(
                EventType.COMPANY_MEMBER,
                f"{locked.user.email} in «{company.name}»: da {before} a "
                f"{locked.get_role_display().lower()}"
                + (" (vede gli ordini dei colleghi)" if can_see else ""),
                company=company,
                actor=actor,
                member=locked.user,
                role=role,
                can_see_colleague_orders=can_see,
            )
    return locked


def remove_member(*, membership: Membership, actor, now: dt.datetime | None = None) -> None:
    """The administrator removes a member, or a member leaves. The person keeps their account
    and their private orders; the orders they placed for the company stay with it."""
    now = now or timezone.now()
    with transaction.atomic():
        company = _lock(membership.company)
        locked = Membership.objects.select_for_update().get(pk=membership.pk)
        is_leaving = locked.user_id == actor.pk
        if not is_leaving:
            _require_administrator(company, actor)
        if locked.removed_at is not None:
            return
        if locked.is_administrator:
            raise NotAllowed(
                "L'amministratore non può uscire dall'account aziendale: prima trasferisci "
                "il ruolo a un collega."
            )
        locked.removed_at = now
        locked.removed_by = actor
        locked.save(update_fields=["removed_at", "removed_by"])
        verb = "è uscito da" if is_leaving else "rimosso da"
        if not is_leaving:
            emails.member_removed(locked, removed_by=actor)
        _audit(
            EventType.COMPANY_MEMBER,
            f"{locked.user.email} {verb} «{company.name}»",
            company=company,
            actor=actor,
            member=locked.user,
        )


def transfer_administrator(*, company: Company, actor, to: Membership) -> Membership:
    """The administrator hands the role to a colleague and becomes a buyer who sees every
    order of the company. There is always exactly one administrator."""
    with transaction.atomic():
        locked_company = _lock(company)
        current = _require_administrator(locked_company, actor)
        target = Membership.objects.select_for_update().get(pk=to.pk)
        if target.company_id != locked_company.pk or target.removed_at is not None:
            raise NotAllowed("Puoi trasferire il ruolo solo a un membro dell'account aziendale.")
        if target.pk == current.pk:
            raise NotAllowed("Sei già l'amministratore.")
        # Demoted first: the database allows one active administrator per company.
        current.role = Role.BUYER
        current.can_see_colleague_orders = True
        current.save(update_fields=["role", "can_see_colleague_orders"])
        target.role = Role.ADMINISTRATOR
        target.can_see_colleague_orders = False
        target.save(update_fields=["role", "can_see_colleague_orders"])
        emails.administrator_role_received(target, transferred_by=actor)
        _audit(
            EventType.COMPANY_MEMBER,
            f"Ruolo di amministratore di «{locked_company.name}» trasferito da "
            f"{actor.email} a {target.user.email}",
            company=locked_company,
            actor=actor,
            member=target.user,
            previous_administrator=actor.pk,
        )
    return target
