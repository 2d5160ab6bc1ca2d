from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from sportello.catalogue.models import Category, FieldChoice, FormField, Service


def menu_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True).only("name", "slug"))


def featured_services(limit: int = 6) -> list[Service]:
    return list(
        Service.objects.filter(is_active=True, category__is_active=True)
        .select_related("category")
        .order_by("category__position", "position")[:limit]
    )


def form_fields_prefetch(lookup: str = "form_fields") -> Prefetch:
    """Prefetch a service's form fields with their choices, in order."""
    return Prefetch(
        lookup,
        queryset=FormField.objects.order_by("position", "id").prefetch_related(
            Prefetch("choices", queryset=FieldChoice.objects.order_by("position", "id"))
        ),
    )


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True, category__is_active=True)


def service_with_form(slug: str) -> Service:
    """An active service with its form fields and choices, or 404."""
    return get_object_or_404(
        active_services().select_related("category").prefetch_related(form_fields_prefetch()),
        slug=slug,
    )
