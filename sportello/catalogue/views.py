from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from sportello.catalogue import queries
from sportello.catalogue import search as search_module
from sportello.catalogue.cache import remember, whole_page_for_new_visitors
from sportello.catalogue.structured_data import as_json_ld, service_data


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
            "json_ld": as_json_ld(service_data(service)),
        },
    )


def search(request):
    """The header's search box: services by name, summary and description, best first."""
    query = search_module.clean_query(request.GET.get("q", ""))
    categories = queries.home_categories()
    # The filter is resolved from the list the page shows anyway: no extra query.
    selected = next((c for c in categories if c.slug == request.GET.get("categoria")), None)
    services = search_module.search_services(query, category=selected) if query else []
    return render(
        request,
        "catalogue/search.html",
        {
            "query": query,
            # The header's box keeps what was searched.
            "search_query": query,
            "categories": categories,
            "selected_category": selected,
            "services": services,
            "result_count": len(services),
            "is_capped": len(services) >= search_module.MAX_RESULTS,
        },
    )
