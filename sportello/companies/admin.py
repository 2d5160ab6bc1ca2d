"""Back-office views of company accounts. Members and invitations change only through the
company's own pages (sportello.companies.actions, with their locks and audit rows): here
they are read-only, while staff may correct the company's billing data."""

from django.contrib import admin

from sportello.companies.models import Company, Invitation, Membership

MEMBERSHIP_FIELDS = (
    "company",
    "user",
    "role",
    "can_see_colleague_orders",
    "created_at",
    "removed_at",
    "removed_by",
)
INVITATION_FIELDS = (
    "company",
    "email",
    "role",
    "can_see_colleague_orders",
    "invited_by",
    "created_at",
    "expires_at",
    "accepted_at",
    "accepted_by",
    "revoked_at",
)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "company"
    extra = 0
    can_delete = False
    fields = ["user", "role", "can_see_colleague_orders", "created_at", "removed_at"]
    readonly_fields = ["user", "role", "can_see_colleague_orders", "created_at", "removed_at"]
    verbose_name = "membro"
    verbose_name_plural = "membri"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "partita_iva", "comune", "provincia", "created_at"]
    search_fields = ["name", "partita_iva", "codice_fiscale", "pec"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("name", "partita_iva", "codice_fiscale")}),
        ("Fatturazione elettronica", {"fields": ("sdi_code", "pec")}),
        ("Sede", {"fields": ("address", "cap", "comune", "provincia", "country")}),
        ("Date", {"fields": ("created_by", "created_at", "updated_at")}),
    )
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "company",
        "role",
        "can_see_colleague_orders",
        "created_at",
        "removed_at",
    ]
    list_filter = ["role", "can_see_colleague_orders"]
    search_fields = ["user__email", "company__name", "company__partita_iva"]
    list_select_related = ["user", "company"]
    fields = MEMBERSHIP_FIELDS
    readonly_fields = MEMBERSHIP_FIELDS

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "company", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "company__name"]
    list_select_related = ["company"]
    fields = INVITATION_FIELDS
    readonly_fields = INVITATION_FIELDS

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
