"""The consent ledger's reads now live in `sportello.accounts.consents`; re-exported here."""

from sportello.accounts.consents import (  # noqa: F401
    ConsentOverview,
    ConsentState,
    consent_overview,
    current_notice,
)
