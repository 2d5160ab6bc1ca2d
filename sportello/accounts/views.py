from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from sportello.accounts.actions import update_profile
from sportello.accounts.billing import (
    billing_data_from_profile,
    billing_profile_for,
    save_billing_profile,
)
from sportello.accounts.billing_notices import billing_notices
from sportello.accounts.buyer_kind import remember_buyer_kind
from sportello.accounts.consents import consent_overview, current_notice, update_optional_consents
from sportello.accounts.forms import BillingForm, ConsentsForm, ProfileForm
from sportello.accounts.models import ConsentSource
from sportello.accounts.signup import SignupVerificationProcess, forget_pending_signup
from sportello.notifications.emails import LOGIN_FROM_EMAIL_SALT

# How long the login link of "Hai già un account" sets a pending sign-up aside.
LOGIN_FROM_EMAIL_MAX_AGE = timedelta(days=2)


@require_safe
def login_from_email(request):
    """The login link of "Hai già un account" (someone signed up with a taken address).

    Opened in the browser that made that sign-up, the login page would send to the sign-up's
    code page first, and no code was sent: the pending sign-up of the address the link names
    (signed, so only that e-mail's reader can) is set aside. Then the login, keeping `next`.
    """
    try:
        email = signing.loads(
            request.GET.get("t", ""),
            salt=LOGIN_FROM_EMAIL_SALT,
            max_age=LOGIN_FROM_EMAIL_MAX_AGE,
        )
    except signing.BadSignature:
        email = None
    process = SignupVerificationProcess.resume(request)
    if email and process is not None and process.email.lower() == str(email).lower():
        process.abort()
        forget_pending_signup(request)
    login_url = reverse("account_login")
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        login_url = f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
    return redirect(login_url)


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            update_profile(user=user, **form.cleaned_data)
            messages.success(request, "Profilo aggiornato.")
            return redirect("accounts:profile")
    else:
        form = ProfileForm(
            initial={
                "first_name": user.first_name,
                "last_name": user.last_name,
                "phone": user.phone,
            }
        )
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def billing(request):
    """DATI DI FATTURAZIONE: the saved billing data that prefills checkout.

    Past orders keep their own snapshot, so saving here never changes them.
    """
    profile = billing_profile_for(request.user)
    if request.method == "POST":
        form = BillingForm(request.POST)
        if form.is_valid():
            save_billing_profile(user=request.user, data=form.cleaned_data)
            remember_buyer_kind(request, form.cleaned_data["kind"], from_billing=True)
            messages.success(request, "Dati di fatturazione salvati.")
            return redirect("accounts:billing")
    elif profile is not None:
        form = BillingForm(initial=billing_data_from_profile(profile))
    else:
        form = BillingForm(
            initial={
                "kind": "person",
                "first_name": request.user.first_name,
                "last_name": request.user.last_name,
                "country": "IT",
            }
        )
    return render(
        request,
        "accounts/billing.html",
        {
            "form": form,
            "has_profile": profile is not None,
            "notices": billing_notices(request.user),
        },
    )


@login_required
def privacy(request):
    """INFORMAZIONI PRIVACY: notice, consents and their history; optional ones are saved here."""
    notice = current_notice()
    if request.method == "POST":
        consents_form = ConsentsForm(request.POST)
        if consents_form.is_valid():
            changed = update_optional_consents(
                user=request.user,
                choices=consents_form.choices(),
                source=ConsentSource.ACCOUNT,
                notice=notice,
            )
            messages.success(
                request,
                "Scelte sul consenso salvate." if changed else "Nessuna modifica ai consensi.",
            )
            return redirect("accounts:privacy")
    overview = consent_overview(user=request.user)
    return render(
        request,
        "accounts/privacy.html",
        {
            "notice": notice,
            "states": overview.states,
            "history": overview.history,
            "consents_form": ConsentsForm.for_states(overview.states),
        },
    )
