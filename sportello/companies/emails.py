"""One function per company e-mail; each queues an outbox row in the caller's transaction."""

from __future__ import annotations

from django.utils import timezone

from sportello.notifications.actions import queue_email
from sportello.notifications.rendering import absolute_url

TEMPLATES = "companies/email"


def invitation(invitation, *, token: str) -> None:
    inviter = invitation.invited_by
    queue_email(
        to=invitation.email,
        template=f"{TEMPLATES}/invitation",
        context={
            "company_name": invitation.company.name,
            "inviter_name": inviter.display_name if inviter else "",
            "role": invitation.get_role_display().lower(),
            "expires_at": timezone.localtime(invitation.expires_at),
            "accept_url": absolute_url("companies:invitation", token=token),
        },
        related=invitation,
        key=f"company-invitation-{invitation.pk}",
    )


def member_removed(membership, *, removed_by) -> None:
    """To the person an administrator removed from the company (not to one who left)."""
    _to_member(
        membership,
        "member_removed",
        key=f"company-member-removed-{membership.pk}",
        removed_by_name=removed_by.display_name if removed_by else "",
        account_url=absolute_url("accounts:home"),
    )


def administrator_role_received(membership, *, transferred_by) -> None:
    """To the member who has just become the company's administrator: what the role means."""
    _to_member(
        membership,
        "administrator_role_received",
        transferred_by_name=transferred_by.display_name if transferred_by else "",
        company_url=absolute_url("companies:home"),
    )


def _to_member(membership, template: str, *, key: str | None = None, **context) -> None:
    """An e-mail to a member about their company: its name is in every one."""
    queue_email(
        to=membership.user.email,
        template=f"{TEMPLATES}/{template}",
        context={
            "company_name": membership.company.name,
            # Greeted by first name, as the shop's other e-mails.
            "first_name": membership.user.first_name,
            **context,
        },
        related=membership,
        key=key,
    )
