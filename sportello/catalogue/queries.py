from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from sportello.catalogue.models import Category, FieldChoice, FormField, Service
from sportello.core.prefetch import attach_prefetched


def menu_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True).only("name", "slug"))


def featured_services(limit: int = 6) -> list[Service]:
    """Services staff marked "in evidenza" first, then the rest in catalogue order."""
    return list(
        active_services()
        .select_related("category")
        .order_by("-is_featured", "category__position", "category__name", "position", "name")[
            :limit
        ]
    )


def form_fields_prefetch(lookup: str = "form_fields") -> Prefetch:
    """Prefetch a service's form fields with their choices, in order."""
    return Prefetch(
        lookup,
        queryset=FormField.objects.order_by("position", "id").prefetch_related(
            Prefetch("choices", queryset=FieldChoice.objects.order_by("position", "id"))
        ),
    )


def form_definitions(service_ids: Iterable[int]) -> dict[int, list[FormField]]:
    """Each service's form fields in order, each field's choices in order behind
    `field.choices.all()`: two queries whatever the number of services (one without fields)."""
    by_service: dict[int, list[FormField]] = {pk: [] for pk in service_ids}
    if not by_service:
        return by_service
    fields = list(FormField.objects.filter(service_id__in=by_service).order_by("position", "id"))
    choices: dict[int, list[FieldChoice]] = defaultdict(list)
    if fields:
        by_pk = {definition.pk: definition for definition in fields}
        for choice in FieldChoice.objects.filter(field_id__in=by_pk).order_by("position", "id"):
            choice._state.fields_cache["field"] = by_pk[choice.field_id]
            choices[choice.field_id].append(choice)
    for definition in fields:
        attach_prefetched(definition, "choices", FieldChoice, choices[definition.pk])
        by_service[definition.service_id].append(definition)
    return by_service


def active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True, category__is_active=True)


def service_with_form(slug: str) -> Service:
    """An active service with its form fields and choices (`service.form_fields.all()`,
    `field.choices.all()`, in order), or 404: three plain queries (the service page's form
    is read on every visit; `prefetch_related` builds a queryset per field to fill them)."""
    service = get_object_or_404(active_services().select_related("category"), slug=slug)
    fields = form_definitions([service.pk])[service.pk]
    for field in fields:
        field._state.fields_cache["service"] = service
    attach_prefetched(service, "form_fields", FormField, fields)
    return service


def _active_services_prefetch() -> Prefetch:
    return Prefetch(
        "services",
        queryset=Service.objects.filter(is_active=True).order_by("position", "name"),
        to_attr="active_services",
    )


def categories_with_services() -> list[Category]:
    """Active categories, each with `active_services` in order (two queries)."""
    return list(
        Category.objects.filter(is_active=True).prefetch_related(_active_services_prefetch())
    )


def category_with_services(slug: str) -> Category:
    """An active category with `active_services` in order, or 404 (two queries)."""
    return get_object_or_404(
        Category.objects.filter(is_active=True).prefetch_related(_active_services_prefetch()),
        slug=slug,
    )


def service_for_page(slug: str) -> Service:
    """An active service with its category and the labels of its form fields, or 404."""
    return get_object_or_404(
        active_services()
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "form_fields",
                queryset=FormField.objects.order_by("position", "id").only(
                    "service_id", "label", "is_required", "field_type", "position"
                ),
            )
        ),
        slug=slug,
    )


def home_categories() -> list[Category]:
    """Active categories with their descriptions, for the home page."""
    return list(Category.objects.filter(is_active=True).only("name", "slug", "description"))
