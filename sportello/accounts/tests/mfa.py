"""Second factor for staff in tests: an enrolled authenticator app and the codes it shows."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

# A fixed secret (base32), as if scanned from the QR code of the activation page.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol_totp(user, secret: str = TOTP_SECRET) -> Authenticator:
    """The user's authenticator app, as after allauth's activation page."""
    return TOTP.activate(user, secret).instance


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The six digits the authenticator app shows right now.

    allauth yields the counters of the accepted windows oldest first (current ± tolerance): the
    middle one is now. The oldest would be refused if the 30-second window turned between this
    call and the server's check (a flaky "Codice errato" seen in CI)."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
