"""The consent ledger's writes now live in `sportello.accounts.consents` (sign-up needs them and
accounts is below privacy); re-exported here for the privacy pages."""

from sportello.accounts.consents import (  # noqa: F401
    OPTIONAL_PURPOSES,
    record_consent,
    record_signup_consents,
    update_optional_consents,
)
