"""The only code that writes the consent ledger. Rows are appended, never changed."""

from django.db import transaction

from sportello.privacy.models import ConsentEvent, ConsentPurpose, ConsentSource, PrivacyNotice


def record_consent(
    *,
    user,
    purpose: str,
    is_granted: bool,
    source: str,
    notice: PrivacyNotice | None,
) -> ConsentEvent:
    """Append one grant or withdrawal of `purpose` for `user`, tied to the notice they saw."""
    if purpose not in ConsentPurpose.values:
        raise ValueError(f"Unknown consent purpose: {purpose!r}")
    if source not in ConsentSource.values:
        raise ValueError(f"Unknown consent source: {source!r}")
    return ConsentEvent.objects.create(
        user=user, purpose=purpose, is_granted=is_granted, source=source, notice=notice
    )


def record_signup_consents(
    *, user, is_marketing_granted: bool, notice: PrivacyNotice | None
) -> list[ConsentEvent]:
    """At registration: the accepted privacy notice and the marketing choice, both recorded.

    A refused marketing consent is recorded too, so the ledger shows what was asked and answered.
    """
    with transaction.atomic():
        return [
            record_consent(
                user=user,
                purpose=ConsentPurpose.PRIVACY_NOTICE,
                is_granted=True,
                source=ConsentSource.SIGNUP,
                notice=notice,
            ),
            record_consent(
                user=user,
                purpose=ConsentPurpose.MARKETING,
                is_granted=is_marketing_granted,
                source=ConsentSource.SIGNUP,
                notice=notice,
            ),
        ]
