from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme

from sportello.accounts.buyer_kind import PERSON, buyer_kind, is_known_from_billing
from sportello.cart.queries import cart_counts
from sportello.catalogue.cache import remember
from sportello.catalogue.queries import menu_categories
from sportello.core.seller import seller


def shop(request):
    """Values the site chrome needs on every page; evaluated only when a template uses them."""
    return {
        "site_name": settings.SITE_NAME,
        # Canonical and Open Graph URLs are absolute, on the public address.
        "site_url": settings.SITE_URL,
        "company": {
            "name": settings.COMPANY_NAME,
            "address": settings.COMPANY_ADDRESS,
            "vat_number": settings.COMPANY_VAT_NUMBER,
            "email": settings.COMPANY_EMAIL,
        },
        "seller": seller(),
        "menu_categories": SimpleLazyObject(
            lambda: remember(request, "menu", build=menu_categories)
        ),
        # "person" or "company": consumers see prices with VAT as the main figure.
        "buyer_kind": SimpleLazyObject(lambda: buyer_kind(request)),
        "is_consumer_pricing": SimpleLazyObject(lambda: buyer_kind(request) == PERSON),
        "buyer_kind_from_billing": SimpleLazyObject(lambda: is_known_from_billing(request)),
        "cart_counts": SimpleLazyObject(lambda: cart_counts(request)),
        # Where the "Privato / Azienda" switch comes back to.
        "this_page": SimpleLazyObject(lambda: this_page(request)),
    }


def this_page(request) -> str:
    """This page's address with its query (a search's words, the checkout's `next`), less any
    `next` that does not lead into this site: the page never repeats an unsafe one."""
    query = request.GET.copy()
    if REDIRECT_FIELD_NAME in query:
        safe = [
            value
            for value in query.getlist(REDIRECT_FIELD_NAME)
            if url_has_allowed_host_and_scheme(
                value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ]
        query.setlist(REDIRECT_FIELD_NAME, safe)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path
