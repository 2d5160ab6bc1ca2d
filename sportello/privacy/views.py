import tempfile

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
    user = request.user
    preview = erasure_preview(user=user)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
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
            "blocking_orders": preview.blocking_orders,
            "orders_to_cancel": preview.orders_to_cancel,
            "can_delete": not preview.blocking_orders and not user.is_staff,
        },
    )
