"""The consent ledger (GDPR art. 7): the only code that writes it (rows are appended, never
changed) and the reads the sign-up and account pages need."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sportello.accounts.models import ConsentEvent, ConsentPurpose, ConsentSource, PrivacyNotice

# Purposes the customer may grant or withdraw at will. Accepting the privacy notice is not a
# consent that can be withdrawn: it records that the customer was informed (GDPR art. 13).
OPTIONAL_PURPOSES: tuple[ConsentPurpose, ...] = (ConsentPurpose.MARKETING, ConsentPurpose.PROFILING)


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


def update_optional_consents(
    *,
    user,
    choices: dict[str, bool],
    source: str,
    notice: PrivacyNotice | None,
) -> list[ConsentEvent]:
    """Set each optional purpose in `choices` to granted or withdrawn, as the customer chose.

    Only a real change writes a row: saving the same choices again leaves the ledger alone.
    Returns the rows written.
    """
    unknown = {str(purpose) for purpose in choices} - {
        purpose.value for purpose in OPTIONAL_PURPOSES
    }
    if unknown:
        raise ValueError(f"Not an optional consent purpose: {sorted(unknown)!r}")
    with transaction.atomic():
        # Two submissions at once must not both see the old state and both write a row.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        latest: dict[str, bool] = {}
        for purpose, is_granted in (
            ConsentEvent.objects.filter(user=user, purpose__in=list(choices))
            .order_by("-created_at", "-id")
            .values_list("purpose", "is_granted")
        ):
            latest.setdefault(purpose, is_granted)
        return [
            record_consent(
                user=user, purpose=purpose, is_granted=is_granted, source=source, notice=notice
            )
            for purpose, is_granted in choices.items()
            if latest.get(purpose, False) != is_granted
        ]


def current_notice() -> PrivacyNotice | None:
    """The newest notice already published."""
    return PrivacyNotice.objects.filter(published_at__lte=timezone.now()).first()


@dataclass(frozen=True)
class ConsentState:
    """Where one purpose stands for a customer: the latest ledger row decides."""

    purpose: str
    label: str
    latest_event: ConsentEvent | None

    @property
    def is_granted(self) -> bool:
        return self.latest_event is not None and self.latest_event.is_granted


@dataclass(frozen=True)
class ConsentOverview:
    states: list[ConsentState]
    history: list[ConsentEvent]


def consent_overview(*, user) -> ConsentOverview:
    """The customer's consents: the state of every purpose and the full history, newest first.

    One query, whatever the length of the history.
    """
    history = list(ConsentEvent.objects.filter(user=user).select_related("notice"))
    latest: dict[str, ConsentEvent] = {}
    for event in history:  # newest first, so the first row seen per purpose is the current one
        latest.setdefault(event.purpose, event)
    states = [
        ConsentState(purpose=purpose.value, label=purpose.label, latest_event=latest.get(purpose))
        for purpose in ConsentPurpose
    ]
    return ConsentOverview(states=states, history=history)
