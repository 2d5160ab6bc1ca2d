from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from sportello.accounts.buyer_kind import remember_buyer_kind_at_login
from sportello.notifications.allauth import OutboxMailMixin

CHANGE_CODE_ATTEMPTS_EXHAUSTED = (
    "Troppi codici errati: il cambio dell'indirizzo e-mail è stato annullato e resta valido "
    "l'indirizzo di prima. Se vuoi, richiedi un nuovo codice da PROFILO."
)


class AccountAdapter(OutboxMailMixin, DefaultAccountAdapter):
    """Sportello's hooks into allauth.

    Kept free of state so that mixins (e.g. the notifications' mail mixin) can be put in front
    of DefaultAccountAdapter in the bases.
    """

    base_error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Troppi tentativi di accesso non riusciti. Per proteggere il tuo account l'accesso è "
            "sospeso per qualche minuto: riprova più tardi oppure reimposta la password."
        ),
        "email_password_mismatch": "L'indirizzo e-mail e/o la password non sono corretti.",
        "rate_limited": "Troppe richieste in poco tempo: attendi qualche minuto e riprova.",
        "duplicate_email": "Questo è già l'indirizzo e-mail del tuo account.",
        # Shown only once the code sent to that address was typed: no enumeration.
        "email_taken": "Questo indirizzo e-mail è già usato da un altro account.",
        # Right password, e-mail not verified yet, a code sent minutes ago (confirm_email
        # limit): allauth says "too_many_login_attempts", which would wrongly say access is
        # suspended. Only the account's owner, with its password, gets here.
        "verification_code_recently_sent": (
            "Il tuo indirizzo e-mail non è ancora verificato e ti abbiamo inviato un codice da "
            "pochi minuti: inseriscilo nella pagina da cui l'hai richiesto, oppure attendi "
            "qualche minuto e accedi di nuovo per riceverne uno nuovo."
        ),
    }

    @property
    def error_messages(self) -> dict:  # type: ignore[override]
        request = self.request
        if request is not None and request.user.is_authenticated:
            # A logged-in customer runs out of attempts only on the code of an e-mail change:
            # allauth reuses the login message, which would wrongly say access is suspended.
            return {
                **self.base_error_messages,
                "too_many_login_attempts": CHANGE_CODE_ATTEMPTS_EXHAUSTED,
            }
        return self.base_error_messages

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        self._password_was_right = user is not None
        return user

    def validation_error(self, code, *args):
        # allauth checks the verification e-mail's rate limit after a right password and
        # reports it as "too many login attempts" (see base_error_messages).
        if code == "too_many_login_attempts" and getattr(self, "_password_was_right", False):
            code = "verification_code_recently_sent"
        return super().validation_error(code, *args)

    def get_email_verification_redirect_url(self, email_address) -> str:
        # A logged-in customer verifies a code only when changing the address, from PROFILO.
        if self.request.user.is_authenticated:
            return reverse("accounts:profile")
        return super().get_email_verification_redirect_url(email_address)

    def get_password_change_redirect_url(self, request) -> str:
        return reverse("accounts:profile")

    def login(self, request, user) -> None:
        super().login(request, user)
        remember_buyer_kind_at_login(request, user)
