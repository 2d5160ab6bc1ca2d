"""schema.org JSON-LD for service pages (search engines read it; browsers never run it)."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from sportello.catalogue.models import Service
from sportello.core.seller import seller

# As django.utils.html.json_script: the JSON can never close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def service_data(service: Service) -> dict:
    url = f"{settings.SITE_URL}{service.get_absolute_url()}"
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Service",
        "name": service.name,
        "description": service.summary or service.description[:300],
        "url": url,
        "serviceType": service.category.name,
        "areaServed": {"@type": "Country", "name": "Italia"},
        "provider": {"@type": "Organization", "name": seller().name or settings.SITE_NAME},
    }
    price = service.base_price
    if price is not None:
        # Consumers pay the gross price: the offer states it with VAT included.
        data["offers"] = {
            "@type": "Offer",
            "url": url,
            "price": f"{price.gross:.2f}",
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock",
            "priceSpecification": {
                "@type": "PriceSpecification",
                "price": f"{price.gross:.2f}",
                "priceCurrency": "EUR",
                "valueAddedTaxIncluded": True,
            },
        }
    return data


def as_json_ld(data: dict) -> SafeString:
    """The JSON text to put inside <script type="application/ld+json">."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308
