from django.shortcuts import render
from django.urls import reverse

from sportello.catalogue import queries


def index(request):
    return render(
        request, "catalogue/index.html", {"categories": queries.categories_with_services()}
    )


def category(request, slug):
    category = queries.category_with_services(slug)
    return render(
        request,
        "catalogue/category.html",
        # Set by the query's Prefetch(to_attr="active_services").
        {"category": category, "services": category.active_services},  # type: ignore[attr-defined]
    )


def service(request, slug):
    service = queries.service_for_page(slug)
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
