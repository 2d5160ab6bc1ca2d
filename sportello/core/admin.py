"""Back-office building blocks shared by the apps (this module registers no model)."""

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.db import models
from django.templatetags.static import static
from django.utils.html import format_html

from sportello.core.state import status_label

_BOOLEAN_ICONS = {True: ("yes", "Sì"), False: ("no", "No"), None: ("unknown", "Non indicato")}


def boolean_icon(value) -> str:
    """Django's yes/no icon of the back-office, with an Italian text for screen readers."""
    icon, text = _BOOLEAN_ICONS[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


class TextareaField(forms.CharField):
    """A back-office text area's value with the browser's line breaks ("\r\n") as stored
    ("\n"): a text staff did not touch is not "changed" in the history."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class ReadOnlyAdminMixin:
    """For rows that change only through actions: the back-office may look, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class StatusHistoryInline(ReadOnlyInline):
    """The history rows of a state machine (`StatusChangeBase`), statuses in Italian.

    Subclasses set `model` and `status_choices` (the machine's TextChoices).
    """

    status_choices: type[models.TextChoices]
    fields = ("created_at", "from_label", "to_label", "actor", "note")
    readonly_fields = fields

    @admin.display(description="da")
    def from_label(self, change):
        return status_label(self.status_choices, change.from_status)

    @admin.display(description="a")
    def to_label(self, change):
        return status_label(self.status_choices, change.to_status)


def labelled_values_filter(field: str, title: str, label: Callable[[str], str]):
    """A list filter on `field` that shows each stored value by its Italian label (for codes
    such as payment methods, which have no choices on the model)."""

    class LabelledValuesFilter(admin.SimpleListFilter):
        parameter_name = field.replace("__", "_")

        def lookups(self, request, model_admin):
            values = (
                model_admin.get_queryset(request)
                .order_by()
                .values_list(field, flat=True)
                .distinct()
            )
            return sorted(((value, label(value)) for value in values if value), key=lambda x: x[1])

        def queryset(self, request, queryset):
            value = self.value()
            return queryset.filter(**{field: value}) if value else queryset

    LabelledValuesFilter.title = title
    return LabelledValuesFilter
