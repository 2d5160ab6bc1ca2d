from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from sportello.catalogue import queries
from sportello.catalogue.cache import remember, whole_page_for_new_visitors


@whole_page_for_new_visitors
def index(request):
    # Lazy: when the page's fragment is in the catalogue cache, no query runs at all.
    categories = SimpleLazyObject(
        lambda: remember(request, "index", build=queries.categories_with_services)
    )
    return render(request, "catalogue/index.html", {"categories": categories})


@whole_page_for_new_visitors
def category(request, slug):
    category = remember(
        request, "category", slug, build=lambda: queries.category_with_services(slug)
    )
    return render(
        request,
        "catalogue/category.html",
        # Set by the query's Prefetch(to_attr="active_services").
        {"category": category, "services": category.active_services},  # type: ignore[attr-defined]
    )


@whole_page_for_new_visitors
def service(request, slug):
    service = remember(request, "service", slug, build=lambda: queries.service_for_page(slug))
    return render(
        request,
        "catalogue/service.html",
        {
            "service": service,
            "category": service.category,
            "price": service.base_price,
            "form_fields": service.form_fields.all(),
            "order_url": reverse("cart:add", kwargs={"slug": service.slug}),
            "order_label": "RICHIEDI PREVENTIVO" if service.is_on_quote else "ACQUISTA",
        },
    )
