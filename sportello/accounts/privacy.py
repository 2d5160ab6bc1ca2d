"""What accounts holds about a customer, for the export (and, in erasure, what it does)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from sportello.accounts.consents import (
    OPTIONAL_PURPOSES,
    consent_overview,
    current_notice,
    update_optional_consents,
)
from sportello.accounts.models import BillingProfile, ConsentEvent, ConsentSource
from sportello.core.erasure import ErasureContext, treat
from sportello.core.export import ExportContext, iso

# Model label -> where its rows appear in the export JSON.
EXPORTED_MODELS: dict[str, str] = {
    "accounts.User": "profile",
    "account.EmailAddress": "profile.email_addresses",
    "accounts.BillingProfile": "billing_profile",
    "accounts.ConsentEvent": "consents.history",
}
# Model label -> why it holds no personal data of the customer to export.
MODELS_WITHOUT_CUSTOMER_DATA: dict[str, str] = {
    "accounts.PrivacyNotice": "the shop's notice text; each consent names its version",
    "account.EmailConfirmation": "short-lived verification secrets, not information",
    "mfa.Authenticator": "second-factor secrets (authenticator app, recovery codes)",
    "accounts.StaffAuthenticator": "the same second-factor rows, as shown in the back-office",
}


# Model label -> field -> what erasure does with it (a test requires every field of every
# exported model to be listed, so a new personal field cannot be forgotten).
ERASURE: dict[str, dict[str, str]] = {
    "accounts.User": {
        **treat("replaced by deleted-<id>@invalid", "email"),
        **treat("blanked", "first_name", "last_name", "phone"),
        **treat("made unusable (no login)", "password"),
        **treat("set to false", "is_active"),
        **treat(
            "kept: the row stays because kept orders point at it; not identifying alone",
            "id",
            "last_login",
            "date_joined",
            "is_staff",
            "is_superuser",
        ),
    },
    "account.EmailAddress": treat(
        "deleted with the row", "id", "user", "email", "verified", "primary"
    ),
    "accounts.BillingProfile": treat(
        "deleted with the row",
        "id",
        "user",
        "kind",
        "first_name",
        "last_name",
        "company_name",
        "codice_fiscale",
        "partita_iva",
        "sdi_code",
        "pec",
        "address",
        "cap",
        "comune",
        "provincia",
        "country",
        "updated_at",
    ),
    "accounts.ConsentEvent": treat(
        "kept: the ledger proves what was agreed (art. 7.1); optional consents get a "
        "withdrawal row",
        "id",
        "user",
        "purpose",
        "is_granted",
        "notice",
        "source",
        "created_at",
    ),
}


def _profile(user) -> dict[str, Any]:
    addresses = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "date_joined": iso(user.date_joined),
        "last_login": iso(user.last_login),
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary} for a in addresses
        ],
    }


def _billing_profile(user) -> dict[str, Any] | None:
    profile = BillingProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    return {
        "kind": profile.kind,
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "company_name": profile.company_name,
        "codice_fiscale": profile.codice_fiscale,
        "partita_iva": profile.partita_iva,
        "sdi_code": profile.sdi_code,
        "pec": profile.pec,
        "address": profile.address,
        "cap": profile.cap,
        "comune": profile.comune,
        "provincia": profile.provincia,
        "country": profile.country,
        "updated_at": iso(profile.updated_at),
    }


def _consent_event(event: ConsentEvent) -> dict[str, Any]:
    return {
        "purpose": event.purpose,
        "purpose_label": event.get_purpose_display(),
        "is_granted": event.is_granted,
        "at": iso(event.created_at),
        "notice_version": event.notice.version if event.notice else None,
        "source": event.source,
        "source_label": event.get_source_display(),
    }


def _consents(user) -> dict[str, Any]:
    overview = consent_overview(user=user)
    return {
        "current": [
            {
                "purpose": state.purpose,
                "purpose_label": state.label,
                "is_granted": state.is_granted,
                "since": iso(state.latest_event.created_at) if state.latest_event else None,
            }
            for state in overview.states
        ],
        "history": [_consent_event(event) for event in overview.history],
    }


def export_data(context: ExportContext) -> None:
    user = context.user
    context.data["profile"] = _profile(user)
    context.data["billing_profile"] = _billing_profile(user)
    context.data["consents"] = _consents(user)


def erase_data(context: ErasureContext) -> None:
    """Billing profile and e-mail addresses go; the consent ledger stays (it proves what was
    agreed, art. 7.1) with optional consents withdrawn; the user row stays, anonymised and
    unusable (orders point at it)."""
    user = context.user
    BillingProfile.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    update_optional_consents(
        user=user,
        choices={purpose.value: False for purpose in OPTIONAL_PURPOSES},
        source=ConsentSource.ACCOUNT,
        notice=current_notice(),
    )
    user.email = context.placeholder
    user.first_name = ""
    user.last_name = ""
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "first_name", "last_name", "phone", "is_active", "password"])
