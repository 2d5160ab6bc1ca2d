"""Back-office: credit accounts are read-only (their movements below them); staff with the
permission may add a manual adjustment with its reason ("Rettifica manuale")."""

from __future__ import annotations

from django.contrib import admin

from sportello.core.admin import ReadOnlyAdminMixin, ReadOnlyInline
from sportello.core.admin_actions import ActionPage, ActionPagesAdmin, Button
from sportello.core.money import format_euro
from sportello.credit import actions
from sportello.credit.forms import AdjustmentForm
from sportello.credit.models import CreditAccount, CreditMovement, CreditTopUp


class CreditMovementInline(ReadOnlyInline):
    model = CreditMovement
    fields = ("created_at", "kind", "amount", "balance_after", "order", "actor", "note")
    readonly_fields = fields
    ordering = ("-id",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "actor")


@admin.register(CreditAccount)
class CreditAccountAdmin(ReadOnlyAdminMixin, ActionPagesAdmin):
    list_display = ("company", "balance", "updated_at")
    search_fields = ("company__name", "company__partita_iva")
    fields = ("company", "balance", "created_at", "updated_at")
    readonly_fields = fields
    inlines = (CreditMovementInline,)
    manage_permission = "credit.adjust_creditaccount"
    action_object_name = "account"
    action_pages = (ActionPage("adjust", "rettifica/", "adjust_view"),)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company")

    def action_queryset(self, request):
        return CreditAccount.objects.select_related("company")

    def action_buttons(self, request, obj) -> list[Button]:
        if not self.has_manage_permission(request):
            return []
        return [Button("Rettifica manuale", self.action_url(obj, "adjust"))]

    def adjust_view(self, request, account):
        form = AdjustmentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                movement = actions.adjust(
                    company=account.company,
                    amount=form.signed_amount(),
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except actions.AdjustmentNotAllowed as exc:
                form.add_error("amount", str(exc))
            else:
                return self.action_done(
                    request,
                    account,
                    message=(
                        f"Rettifica di {format_euro(movement.amount)} registrata: "
                        f"saldo {format_euro(movement.balance_after)}."
                    ),
                    history=f"Rettifica manuale di {format_euro(movement.amount)}",
                    note=movement.note,
                )
        return self.render_action_page(
            request,
            account,
            "admin/credit/creditaccount/adjust.html",
            "Rettifica manuale",
            form=form,
        )


@admin.register(CreditMovement)
class CreditMovementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "account", "kind", "amount", "balance_after", "order", "actor")
    list_filter = ("kind",)
    search_fields = ("account__company__name", "order__number")
    list_select_related = ("account__company", "order", "actor")
    readonly_fields = (
        "account",
        "kind",
        "amount",
        "balance_after",
        "order",
        "payment",
        "refund",
        "actor",
        "note",
        "created_at",
    )
    fields = readonly_fields


@admin.register(CreditTopUp)
class CreditTopUpAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("order", "company", "amount", "created_at")
    list_select_related = ("order", "company")
    search_fields = ("order__number", "company__name")
    fields = ("order", "company", "amount", "created_at")
    readonly_fields = fields
