import tempfile

from allauth.core import ratelimit
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from sportello.privacy.erasure import ErasureRefused, erase_customer, erasure_preview
from sportello.privacy.export import export_filename, write_export_zip
from sportello.privacy.forms import DeleteAccountForm

# Exports are small (a few files); past this size the temporary file moves to disk.
EXPORT_MEMORY_LIMIT = 10 * 1024 * 1024


@login_required
@require_POST
def download_data(request):
    """The customer's data as a ZIP. POST only, so a link prefetch never builds one."""
    # FileResponse closes it once streamed.
    target = tempfile.SpooledTemporaryFile(max_size=EXPORT_MEMORY_LIMIT)  # noqa: SIM115
    write_export_zip(user=request.user, target=target)
    target.seek(0)
    response = FileResponse(
        target, as_attachment=True, filename=export_filename(), content_type="application/zip"
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete_account(request):
    """Delete my account: password and confirmation box, then erase_customer and log out.

    Password attempts share allauth's "reauthenticate" rate limit (per user).
    """
    user = request.user
    preview = erasure_preview(user=user)
    is_rate_limited = False
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST":
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            # Not even checked: an answer would let a guesser go on.
            is_rate_limited = True
            form = DeleteAccountForm(user=user)
        elif form.is_valid():
            try:
                erase_customer(user=user, actor=user)
            except ErasureRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                logout(request)
                return render(request, "privacy/account_deleted.html")
    return render(
        request,
        "privacy/delete_account.html",
        {
            "form": form,
            "is_rate_limited": is_rate_limited,
            "blocking_orders": preview.blocking_orders,
            "orders_to_cancel": preview.orders_to_cancel,
            "can_delete": not preview.blocking_orders and not user.is_staff,
        },
        status=429 if is_rate_limited else 200,
    )
