"""Sign-up that answers the same whether or not the address already has an account.

allauth prevents enumeration at sign-up by showing the code page for a taken address too (the
owner gets a "you already have an account" e-mail instead of a code). Two differences were left
(issue 13, point 3):

- the password was hashed only for a new address, so a taken address answered faster;
- the code page offered "Hai sbagliato indirizzo?" only for a new address, because allauth has
  no account to move to the corrected address (its own TODO in ``can_change``).

Here the taken-address path hashes the password too, and keeps the sign-up data (password
already hashed) in the session. If the visitor then corrects the address, the account is
created at that moment with the corrected address, and the code is sent there, exactly as on
the other path.
"""

from __future__ import annotations

from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.internal.flows import email_verification_by_code
from allauth.account.internal.flows.email_verification import (
    consume_email_verification_rate_limit,
)
from allauth.account.internal.stagekit import stash_login, unstash_login
from allauth.account.internal.userkit import did_user_login, user_id_to_str
from allauth.account.models import EmailAddress
from allauth.account.utils import setup_user_email
from allauth.account.views import ConfirmEmailVerificationCodeView
from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from sportello.accounts.consents import record_signup_consents
from sportello.accounts.models import PrivacyNotice, User

PENDING_SIGNUP_SESSION_KEY = "sportello_pending_signup"
RESEND_TOO_SOON = (
    "Ti abbiamo inviato un codice da poco: potrai chiederne uno nuovo fra qualche minuto. "
    "Intanto il codice già inviato resta valido; controlla anche la posta indesiderata."
)


def keep_pending_signup(request, *, cleaned_data: dict, notice: PrivacyNotice | None) -> None:
    """The address is taken: do the same work as a real sign-up (hash the password) and keep
    what was typed, for an account created only if the visitor corrects the address."""
    request.session[PENDING_SIGNUP_SESSION_KEY] = {
        "first_name": cleaned_data.get("first_name", ""),
        "last_name": cleaned_data.get("last_name", ""),
        "password": make_password(cleaned_data.get("password1")),
        "is_marketing_granted": bool(cleaned_data.get("marketing_consent")),
        "notice_id": notice.pk if notice else None,
    }


def forget_pending_signup(request) -> None:
    request.session.pop(PENDING_SIGNUP_SESSION_KEY, None)


def _create_pending_account(request, email: str) -> User | None:
    pending: dict[str, Any] | None = request.session.get(PENDING_SIGNUP_SESSION_KEY)
    if not pending:
        return None
    notice = PrivacyNotice.objects.filter(pk=pending["notice_id"]).first()
    with transaction.atomic():
        user = User(
            email=email,
            first_name=pending["first_name"],
            last_name=pending["last_name"],
            password=pending["password"],
        )
        user.save()
        setup_user_email(request, user, [EmailAddress(email=email)])
        record_signup_consents(
            user=user, is_marketing_granted=pending["is_marketing_granted"], notice=notice
        )
    forget_pending_signup(request)
    return user


class SignupVerificationProcess(email_verification_by_code.EmailVerificationProcess):
    """allauth's code process, with the address correctable on the taken-address path too."""

    @property
    def is_for_a_taken_address(self) -> bool:
        return "user_id" not in self.state

    @property
    def can_change(self) -> bool:
        if self.is_change_quota_reached(
            email_verification_by_code.app_settings.EMAIL_VERIFICATION_MAX_CHANGE_COUNT
        ):
            return False
        if self.is_for_a_taken_address:
            return PENDING_SIGNUP_SESSION_KEY in self.request.session
        return self.user is not None and not did_user_login(self.user)

    def change_to(self, email: str, account_already_exists: bool) -> None:
        if self.is_for_a_taken_address and not account_already_exists:
            user = _create_pending_account(self.request, email)
            if user is not None:
                # The account already has this address: only the code remains to be sent.
                self._adopt(user)
                self.state["account_already_exists"] = False
                self.generate_code()
                self.record_change(email=email)
                self.send()
                self.persist()
                return
        super().change_to(email, account_already_exists)

    def _adopt(self, user: User) -> None:
        """From now on this is the new account's verification, as if it had signed up so."""
        self.state["user_id"] = user_id_to_str(user)
        self._user = user
        self.__dict__.pop("email_address", None)
        login = unstash_login(self.request, peek=True)
        if login is not None:
            login.user = user
            login.email = user.email
            stash_login(self.request, login)

    @classmethod
    def resume(cls, request) -> SignupVerificationProcess | None:
        if not email_verification_by_code.app_settings.EMAIL_VERIFICATION_BY_CODE_ENABLED:
            return None
        state = request.session.get(email_verification_by_code.EMAIL_VERIFICATION_CODE_SESSION_KEY)
        if not state:
            return None
        process = cls(request=request, state=state)
        return process.abort_if_invalid()


class ConfirmEmailCodeView(ConfirmEmailVerificationCodeView):
    """allauth's code page over :class:`SignupVerificationProcess`."""

    def dispatch(self, request, *args, **kwargs):
        from allauth.account.stages import EmailVerificationStage, LoginStageController

        self.stage = LoginStageController.enter(request, EmailVerificationStage.key)
        self._process = SignupVerificationProcess.resume(request)
        verification_is_fake = self._process and self._process.is_for_a_taken_address
        if (not self._process) or (
            request.user.is_anonymous and not self.stage and not verification_is_fake
        ):
            return HttpResponseRedirect(
                reverse("account_login" if request.user.is_anonymous else "account_email")
            )
        # Skip allauth's dispatch, which would resume its own process class.
        return super(ConfirmEmailVerificationCodeView, self).dispatch(request, *args, **kwargs)

    def _resend_form_valid(self, form):
        """allauth answers a new code asked for too soon (ACCOUNT_RATE_LIMITS "confirm_email")
        with a bare 429 page, the code form gone: say it on the code page instead, before
        anything is generated (the code already sent stays the valid one)."""
        assert self._process is not None  # dispatch() redirected otherwise
        email = self._process.state["email"]
        if not consume_email_verification_rate_limit(self.request, email, dry_run=True):
            messages.error(self.request, RESEND_TOO_SOON)
            return HttpResponseRedirect(
                self.passthrough_next_url(reverse("account_email_verification_sent"))
            )
        return super()._resend_form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # How long the code lasts, from allauth's own setting (seconds), in whole minutes.
        context["code_minutes"] = max(
            1, round(account_settings.EMAIL_VERIFICATION_BY_CODE_TIMEOUT / 60)
        )
        return context
