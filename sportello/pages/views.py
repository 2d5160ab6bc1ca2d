from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from sportello.accounts.buyer_kind import remember_buyer_kind
from sportello.catalogue.cache import remember, whole_page_for_new_visitors
from sportello.catalogue.queries import featured_services, home_categories
from sportello.catalogue.sitemaps import SITEMAPS
from sportello.pages.queries import attention_for_customer
from sportello.privacy.queries import current_notice


@whole_page_for_new_visitors
def home(request):
    # Lazy: when the page's fragment is in the catalogue cache, no query runs at all.
    categories = SimpleLazyObject(lambda: remember(request, "home", build=home_categories))
    services = SimpleLazyObject(lambda: remember(request, "featured", build=featured_services))
    return render(request, "pages/home.html", {"categories": categories, "services": services})


@login_required
def account_home(request):
    """IL MIO ACCOUNT: what needs the customer's attention across orders and quotes.

    Served under the accounts URL namespace (`accounts:home`, see config/urls.py) but composed
    here, above the orders and quotes it reads.
    """
    return render(
        request,
        "pages/account_home.html",
        {"attention": attention_for_customer(customer=request.user)},
    )


def privacy_notice(request):
    return render(request, "pages/privacy.html", {"notice": current_notice()})


def cookie_policy(request):
    return render(request, "pages/cookies.html")


@require_safe
def security_txt(request):
    """RFC 9116: where to report a vulnerability (docs/security.md)."""
    # Always less than a year ahead, as the RFC asks; it moves on with each deployment's clock.
    expires = (timezone.now() + timedelta(days=180)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: it, en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


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


@require_safe
def robots_txt(request):
    """Pages that only make sense for one visitor, or for staff, stay out of search engines.

    The cart pages themselves stay crawlable (public, and empty for a crawler); the steps that
    change a cart or start a purchase do not.
    """
    disallowed = [
        "/account/",  # allauth: login, sign-up, codes
        reverse("accounts:home"),
        reverse("cart:proceed"),
        reverse("cart:quote_proceed"),
        reverse("cart:add", kwargs={"slug": "x"}).removesuffix("x/"),
        reverse("cart:edit_line", kwargs={"pk": 1}).removesuffix("1/modifica/"),
        reverse("checkout:start"),
        "/pagamenti/",
        reverse("admin:index"),
        reverse("search:results"),
    ]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed)]
    lines += ["", f"Sitemap: {settings.SITE_URL}{reverse('pages:sitemap')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap_xml(request):
    return sitemap_view(request, sitemaps=SITEMAPS)


@require_safe
def favicon(request):
    """/favicon.ico for clients that ask for it without reading the page's <link rel=icon>."""
    return redirect(static("favicon.ico"), permanent=True)
