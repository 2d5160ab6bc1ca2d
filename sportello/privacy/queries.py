from dataclasses import dataclass

from django.utils import timezone

from sportello.privacy.models import ConsentEvent, ConsentPurpose, PrivacyNotice


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
