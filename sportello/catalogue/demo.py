"""Load the demo catalogue (`manage.py load_demo_catalogue`): idempotent, matched by slug and key.

`make run` loads it at every start, so by default the loader only adds the categories and
services (with their forms) that are missing: whatever staff changed in the back-office —
prices, texts, forms, an inactive service — stays as they left it.

With `reset=True` (`load_demo_catalogue --reset`) the definitions in `demo_data` are
authoritative for the slugs they name: the loader brings those categories, services, form
fields and choices back to the definition, removes fields and choices the definition no
longer has, and bumps a service's form version when its form changed.
A run that finds everything in place writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from django.db import models, transaction

from sportello.catalogue.actions import bump_form_version
from sportello.catalogue.demo_data import CATALOGUE, DemoField, DemoService
from sportello.catalogue.models import (
    Category,
    DeliveryStart,
    FieldChoice,
    FormField,
    PricingMode,
    Service,
)


class SyncState(Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class LoadReport:
    categories: dict[SyncState, int] = field(default_factory=lambda: dict.fromkeys(SyncState, 0))
    services: dict[SyncState, int] = field(default_factory=lambda: dict.fromkeys(SyncState, 0))
    forms_changed: int = 0  # forms of existing services that changed (version bumped)

    def summary(self) -> str:
        def counts(states: dict[SyncState, int], ending: str) -> str:
            return (
                f"{states[SyncState.CREATED]} creat{ending}, "
                f"{states[SyncState.UPDATED]} aggiornat{ending}, "
                f"{states[SyncState.UNCHANGED]} invariat{ending}"
            )

        return (
            f"Catalogo demo: {sum(self.categories.values())} categorie "
            f"({counts(self.categories, 'e')}), {sum(self.services.values())} servizi "
            f"({counts(self.services, 'i')}), moduli modificati: {self.forms_changed}."
        )


def _sync(
    model: type[models.Model], lookup: dict, values: dict, *, reset: bool = True
) -> tuple[Any, SyncState]:
    """Create the row, or (with reset) update only the attributes that differ; save nothing
    otherwise."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**lookup, **values), SyncState.CREATED
    if not reset:
        return obj, SyncState.UNCHANGED
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, SyncState.UNCHANGED
    for name in changed:
        setattr(obj, name, values[name])
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        changed.append("updated_at")
    obj.save(update_fields=changed)
    return obj, SyncState.UPDATED


# "3 giorni lavorativi", "10 giorni lavorativi dal sopralluogo": the structured delivery time
# that gives each paid service its due date (other wordings have none).
_WORKING_DAYS = re.compile(r"^(\d+) giorn[oi] lavorativ[oi]( dal sopralluogo)?$")


def _delivery(delivery_time: str) -> dict:
    match = _WORKING_DAYS.match(delivery_time)
    if match is None:
        return {"delivery_working_days": None, "delivery_starts_from": DeliveryStart.PAYMENT}
    starts = DeliveryStart.INSPECTION if match.group(2) else DeliveryStart.PAYMENT
    return {"delivery_working_days": int(match.group(1)), "delivery_starts_from": starts}


def _service_values(definition: DemoService, category: Category, position: int) -> dict:
    net_price = None if definition.net_price is None else Decimal(definition.net_price)
    return {
        **_delivery(definition.delivery_time),
        "category_id": category.pk,
        "name": definition.name,
        "summary": definition.summary,
        "description": definition.description,
        "delivery_time": definition.delivery_time,
        "is_active": True,
        "is_featured": definition.featured,
        "position": position,
        "pricing_mode": PricingMode.QUOTE if net_price is None else PricingMode.FIXED,
        "net_price": net_price,
        "vat_rate": Decimal(definition.vat_rate),
    }


def _decimal_or_none(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _sync_form(service: Service, fields: tuple[DemoField, ...]) -> bool:
    """Make the service's form match the definition. Returns whether anything changed."""
    changed = False
    wanted_keys = [definition.key for definition in fields]
    stale = service.form_fields.exclude(key__in=wanted_keys)
    if stale.exists():
        stale.delete()
        changed = True
    for position, definition in enumerate(fields, start=1):
        form_field, state = _sync(
            FormField,
            {"service": service, "key": definition.key},
            {
                "position": position,
                "label": definition.label,
                "field_type": definition.field_type,
                "is_required": definition.required,
                "help_text": definition.help_text,
                "price_supplement": Decimal(definition.supplement),
                "allowed_extensions": definition.extensions,
                "min_value": _decimal_or_none(definition.min_value),
                "max_value": _decimal_or_none(definition.max_value),
                "date_limit": definition.date_limit,
                "text_format": definition.text_format,
            },
        )
        changed |= state is not SyncState.UNCHANGED
        stale_choices = form_field.choices.exclude(
            value__in=[choice.value for choice in definition.choices]
        )
        if stale_choices.exists():
            stale_choices.delete()
            changed = True
        for choice_position, choice in enumerate(definition.choices, start=1):
            _choice, state = _sync(
                FieldChoice,
                {"field": form_field, "value": choice.value},
                {
                    "position": choice_position,
                    "label": choice.label,
                    "price_supplement": Decimal(choice.supplement),
                },
            )
            changed |= state is not SyncState.UNCHANGED
    return changed


@transaction.atomic
def load_demo_catalogue(*, reset: bool = False) -> LoadReport:
    """Add the missing demo rows; with `reset`, also bring existing ones back to the demo."""
    report = LoadReport()
    for category_position, category_definition in enumerate(CATALOGUE, start=1):
        category, state = _sync(
            Category,
            {"slug": category_definition.slug},
            {
                "name": category_definition.name,
                "description": category_definition.description,
                "position": category_position,
                "is_active": True,
            },
            reset=reset,
        )
        report.categories[state] += 1
        for service_position, service_definition in enumerate(
            category_definition.services, start=1
        ):
            service, state = _sync(
                Service,
                {"slug": service_definition.slug},
                _service_values(service_definition, category, service_position),
                reset=reset,
            )
            report.services[state] += 1
            if state is SyncState.UNCHANGED and not reset:
                continue  # staff own it now: its form is theirs too
            form_changed = _sync_form(service, service_definition.fields)
            if form_changed and state is not SyncState.CREATED:
                bump_form_version(service)
                report.forms_changed += 1
    return report
