"""IL MIO ACCOUNT → TOKEN API and WEBHOOK: the customer's personal tokens and webhooks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sportello.api.actions import (
    ScopeNotAllowed,
    TooManyTokens,
    create_endpoint,
    create_token,
    delete_endpoint,
    revoke_token,
)
from sportello.api.forms import READ_ONLY_HELP, TokenForm, WebhookForm
from sportello.api.queries import (
    endpoint_for_user,
    endpoints_for_user,
    token_for_user,
    tokens_for_user,
)
from sportello.api.webhooks import UnsafeWebhookUrl


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


@require_http_methods(["GET", "POST"])
@login_required
def tokens(request):
    created = None
    if request.method == "POST":
        form = TokenForm(request.POST, user=request.user)
        if form.is_valid():
            expires_on = form.cleaned_data["expires_on"]
            if expires_on is not None and expires_on < timezone.localdate():
                form.add_error("expires_on", "La data di scadenza è già passata.")
            else:
                try:
                    created = create_token(
                        user=request.user,
                        name=form.cleaned_data["name"],
                        scopes=form.cleaned_data["scopes"],
                        expires_at=_end_of_day(expires_on) if expires_on else None,
                    )
                except ScopeNotAllowed:
                    # Became a viewer while the page was open: the choices were wider then.
                    form.add_error("scopes", READ_ONLY_HELP)
                except TooManyTokens:
                    form.add_error(
                        None,
                        f"Puoi avere al massimo {settings.API_MAX_TOKENS_PER_USER} token attivi: "
                        "revocane uno per crearne un altro.",
                    )
                else:
                    form = TokenForm(user=request.user)
    else:
        form = TokenForm(user=request.user)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": list(tokens_for_user(request.user)),
            "now": timezone.now(),
        },
    )


@require_POST
@login_required
def revoke(request, pk):
    token = token_for_user(user=request.user, pk=pk)
    if revoke_token(token=token):
        messages.success(request, f"Token «{token.name}» revocato.")
    return redirect("api_account:tokens")


@require_http_methods(["GET", "POST"])
@login_required
def webhooks(request):
    created = None
    if request.method == "POST":
        form = WebhookForm(request.POST)
        if form.is_valid():
            try:
                created = create_endpoint(user=request.user, url=form.cleaned_data["url"])
            except UnsafeWebhookUrl as exc:
                form.add_error("url", str(exc))
            else:
                form = WebhookForm()
    else:
        form = WebhookForm()
    return render(
        request,
        "api/webhooks.html",
        {"form": form, "created": created, "endpoints": list(endpoints_for_user(request.user))},
    )


@require_POST
@login_required
def delete_webhook(request, pk):
    endpoint = endpoint_for_user(user=request.user, pk=pk)
    delete_endpoint(endpoint=endpoint)
    messages.success(request, "Webhook eliminato.")
    return redirect("api_account:webhooks")
