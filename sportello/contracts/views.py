from django.shortcuts import render

from sportello.contracts.queries import current_terms, published_terms
from sportello.core.seller import seller


def terms(request):
    """The version in force, with the model withdrawal form (footer link)."""
    return _render(request, current_terms(), is_current=True)


def terms_version(request, version):
    """One exact version, as accepted with an order (linked from the order page)."""
    current = current_terms()
    shown = published_terms(version)
    return _render(request, shown, is_current=current is not None and current.pk == shown.pk)


def _render(request, shown, *, is_current: bool):
    return render(
        request,
        "contracts/terms.html",
        {"terms": shown, "is_current": is_current, "seller": seller()},
    )
