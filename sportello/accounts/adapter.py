from allauth.account.adapter import DefaultAccountAdapter

from sportello.notifications.allauth import OutboxMailMixin


class AccountAdapter(OutboxMailMixin, DefaultAccountAdapter):
    """Sportello's hooks into allauth.

    Kept free of state so that mixins (e.g. the notifications' mail mixin) can be put in front
    of DefaultAccountAdapter in the bases.
    """

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Troppi tentativi di accesso non riusciti. Per proteggere il tuo account l'accesso è "
            "sospeso per qualche minuto: riprova più tardi oppure reimposta la password."
        ),
        "email_password_mismatch": "L'indirizzo e-mail e/o la password non sono corretti.",
        "rate_limited": "Troppe richieste in poco tempo: attendi qualche minuto e riprova.",
    }

    def login(self, request, user) -> None:
        super().login(request, user)
        # Imported here: the cart app depends on accounts, not the other way round.
        from sportello.cart.actions import merge_anonymous_carts

        merge_anonymous_carts(request=request, user=user)
