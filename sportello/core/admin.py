"""Back-office building blocks shared by the apps (this module registers no model)."""

from django.contrib import admin


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
