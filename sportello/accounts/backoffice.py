"""What a staff session must satisfy before the back-office opens.

- **Second factor**: staff sign in through the shop's login (allauth: rate limits, e-mail code),
  which asks for a TOTP or recovery code once the account has one. A staff member without one
  is sent to set it up (allauth's "mfa_activate_totp" page) before any back-office page opens;
  the account keeps it (staff cannot remove their last authenticator app, see
  :class:`MFAAdapter`).
- **Idle sessions**: a staff session unused for BACKOFFICE_IDLE_TIMEOUT_SECONDS is closed; the
  next request asks to sign in again. Customers keep the ordinary session length.

Both checks write to the session only when something changes (first check of the second
factor, last activity older than a minute), so a back-office page costs no extra query.
"""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

LAST_SEEN_SESSION_KEY = "backoffice_last_seen"
MFA_CHECKED_SESSION_KEY = "backoffice_mfa_user"
# Last activity is recorded at most this often (seconds): fewer session writes.
ACTIVITY_RESOLUTION_SECONDS = 60

MFA_REQUIRED_MESSAGE = (
    "Per usare il back-office serve l'autenticazione a due fattori: inquadra il codice QR con "
    "un'app di autenticazione (per esempio Google Authenticator, Microsoft Authenticator o "
    "FreeOTP) e inserisci il codice a sei cifre che ti mostra. Conserva poi i codici di "
    "recupero in un luogo sicuro."
)
IDLE_MESSAGE = "La sessione del back-office è scaduta per inattività: accedi di nuovo."


def now() -> float:
    return timezone.now().timestamp()


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def is_back_office(request: HttpRequest) -> bool:
    """The admin site and every staff page mounted under it (the desk's Scrivania at
    /admin/scrivania/ has its own URL namespace but is the back-office all the same)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return "admin" in match.namespaces or request.path_info.startswith(reverse("admin:index"))


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # The back-office requires the app: staff may replace it (deactivate, then activate a
        # new one) only by asking another administrator to remove it in the back-office.
        if authenticator.user.is_staff and authenticator.type == Authenticator.Type.TOTP:
            return False
        return super().can_delete_authenticator(authenticator)


class BackOfficeSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            expired = self._close_if_idle(request)
            if expired is not None:
                return expired
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_staff and is_back_office(request)):
            return None
        if request.session.get(MFA_CHECKED_SESSION_KEY) == user.pk:
            return None
        if has_second_factor(user):
            request.session[MFA_CHECKED_SESSION_KEY] = user.pk
            return None
        messages.warning(request, MFA_REQUIRED_MESSAGE)
        return HttpResponseRedirect(reverse("mfa_activate_totp"))

    def _close_if_idle(self, request: HttpRequest) -> HttpResponse | None:
        moment = now()
        last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
        if last_seen is not None and moment - last_seen > settings.BACKOFFICE_IDLE_TIMEOUT_SECONDS:
            logout(request)
            messages.info(request, IDLE_MESSAGE)
            return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        if last_seen is None or moment - last_seen >= ACTIVITY_RESOLUTION_SECONDS:
            request.session[LAST_SEEN_SESSION_KEY] = moment
        return None
