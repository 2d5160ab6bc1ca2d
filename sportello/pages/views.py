from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from sportello.accounts.buyer_kind import remember_buyer_kind
from sportello.catalogue.queries import featured_services, home_categories


def home(request):
    return render(
        request,
        "pages/home.html",
        {"categories": home_categories(), "services": featured_services()},
    )


def privacy_notice(request):
    from sportello.privacy.queries import current_notice

    return render(request, "pages/privacy.html", {"notice": current_notice()})


def cookie_policy(request):
    return render(request, "pages/cookies.html")


@require_POST
def buyer_kind(request):
    """ "Privato / Azienda": show prices with VAT as the main figure, or net + VAT."""
    remember_buyer_kind(request, request.POST.get("kind", ""))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    return redirect(next_url)
