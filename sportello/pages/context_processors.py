from django.conf import settings
from django.utils.functional import SimpleLazyObject

from sportello.cart.queries import cart_counts
from sportello.catalogue.queries import menu_categories
from sportello.core.seller import seller


def shop(request):
    """Values the site chrome needs on every page; evaluated only when a template uses them."""
    return {
        "site_name": settings.SITE_NAME,
        "company": {
            "name": settings.COMPANY_NAME,
            "address": settings.COMPANY_ADDRESS,
            "vat_number": settings.COMPANY_VAT_NUMBER,
            "email": settings.COMPANY_EMAIL,
        },
        "seller": seller(),
        "menu_categories": SimpleLazyObject(menu_categories),
        "cart_counts": SimpleLazyObject(lambda: cart_counts(request)),
    }
