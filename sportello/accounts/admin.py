from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils.html import format_html

from sportello.accounts.models import StaffAuthenticator, User


class EmailUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


def shop_permissions():
    """The permissions staff are given: the shop's apps' and Django's users and groups. The
    libraries' own (content types, sessions, MFA authenticators, sites…) mean nothing to staff
    and carry English names Django cannot translate."""
    labels = [c.label for c in apps.get_app_configs() if c.name.startswith("sportello.")]
    return Permission.objects.filter(content_type__app_label__in=[*labels, "auth"]).select_related(
        "content_type"
    )


class ShopPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["queryset"] = shop_permissions()
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ShopPermissionsMixin, DjangoGroupAdmin):
    pass


@admin.register(User)
class UserAdmin(ShopPermissionsMixin, DjangoUserAdmin):
    """Django's user admin for an e-mail login: no username anywhere."""

    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    list_display = [
        "email",
        "first_name",
        "last_name",
        "phone",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    ordering = ["email"]
    readonly_fields = ["last_login", "date_joined", "audit_trail_link"]
    # Who may grant rights: a staff member who may edit customers (a phone number, a name)
    # must not be able to make themselves, or anyone, a superuser or give out permissions.
    PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Dati personali", {"fields": ("first_name", "last_name", "phone")}),
        (
            "Permessi",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Date", {"fields": ("last_login", "date_joined")}),
        ("Registro attività", {"fields": ("audit_trail_link",)}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )

    @admin.display(description="attività")
    def audit_trail_link(self, user):
        # By URL name, not by import: the audit app sits above accounts.
        if user.pk is None:
            return "—"
        url = f"{reverse('admin:audit_auditevent_changelist')}?customer={user.pk}"
        return format_html('<a href="{}">Ordini, preventivi e pagamenti del cliente</a>', url)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [name for name in self.PRIVILEGE_FIELDS if name not in fields]
        return fields


@admin.register(StaffAuthenticator)
class StaffAuthenticatorAdmin(admin.ModelAdmin):
    """Second factors: listed and removable (a lost phone), never created or edited here.

    allauth's fields have English names: every column is labelled here."""

    list_display = ("owner", "type_label", "created", "last_used")
    search_fields = ("user__email",)
    fields = ("owner", "type_label", "created", "last_used")
    readonly_fields = fields
    list_select_related = ("user",)

    @admin.display(description="utente")
    def owner(self, obj) -> str:
        return obj.user.email

    @admin.display(description="tipo")
    def type_label(self, obj) -> str:
        return {"totp": "App di autenticazione", "recovery_codes": "Codici di recupero"}.get(
            obj.type, obj.type
        )

    @admin.display(description="attivato il")
    def created(self, obj):
        return obj.created_at

    @admin.display(description="ultimo uso")
    def last_used(self, obj):
        return obj.last_used_at or "—"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
