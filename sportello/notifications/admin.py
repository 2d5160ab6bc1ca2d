from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html

from sportello.core.admin import ReadOnlyAdminMixin, ReadOnlyInline
from sportello.notifications.actions import requeue
from sportello.notifications.emails import ACCOUNT_TEMPLATES
from sportello.notifications.models import EmailStatus, OutgoingEmail, OutgoingEmailStatusChange

# Messages carrying a way into the account (a verification code, a password reset link): their
# bodies stay out of the back-office, or any staff member could log in as the customer.
SECRET_TEMPLATES = frozenset(
    {f"{ACCOUNT_TEMPLATES}/email_verification", f"{ACCOUNT_TEMPLATES}/password_reset"}
)
SECRET_NOTICE = "Contenuto riservato: contiene un codice o un link di accesso del cliente."


def _status_label(value: str) -> str:
    return EmailStatus(value).label if value in EmailStatus.values else (value or "—")


class StatusChangeInline(ReadOnlyInline):
    model = OutgoingEmailStatusChange
    fields = ("created_at", "from_label", "to_label", "actor", "note")
    readonly_fields = fields

    @admin.display(description="da")
    def from_label(self, change):
        return _status_label(change.from_status)

    @admin.display(description="a")
    def to_label(self, change):
        return _status_label(change.to_status)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The outbox, read-only: rows change only through sportello.notifications.actions."""

    list_display = [
        "created_at",
        "to",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    # Not by template: its code names ("orders/email/…") mean nothing to staff.
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    inlines = [StatusChangeInline]
    fieldsets = [
        (None, {"fields": ["status", "to", "from_email", "subject", "template", "related_object"]}),
        (
            "Consegna",
            {
                "fields": [
                    "attempts",
                    "last_error",
                    "next_attempt_at",
                    "claimed_at",
                    "sent_at",
                    "created_at",
                    "message_id",
                    "key",
                ]
            },
        ),
        ("Contenuto", {"fields": ["text_preview", "html_preview"]}),
    ]
    readonly_fields = [
        "status",
        "to",
        "from_email",
        "subject",
        "template",
        "related_object",
        "attempts",
        "last_error",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "created_at",
        "message_id",
        "key",
        "text_preview",
        "html_preview",
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            # The list never shows the bodies, which can be large.
            queryset = queryset.defer("text_body", "html_body")
        return queryset

    def has_resend_permission(self, request):
        return request.user.has_perm("notifications.change_outgoingemail")

    @admin.display(description="oggetto collegato")
    def related_object(self, obj):
        if obj.related_content_type_id is None:
            return "—"
        return f"{obj.related_content_type.name} #{obj.related_object_id}"

    @admin.display(description="testo")
    def text_preview(self, obj):
        if obj.template in SECRET_TEMPLATES:
            return SECRET_NOTICE
        return format_html(
            '<pre style="white-space:pre-wrap;max-width:60rem;">{}</pre>', obj.text_body
        )

    @admin.display(description="HTML")
    def html_preview(self, obj):
        if obj.template in SECRET_TEMPLATES:
            return SECRET_NOTICE
        if not obj.html_body:
            return "—"
        # The message's HTML runs in a sandbox: no scripts, forms or navigation of the admin.
        return format_html(
            '<iframe sandbox="" srcdoc="{}" title="Anteprima HTML" '
            'style="width:40rem;max-width:100%;height:32rem;border:1px solid #ccc;"></iframe>',
            obj.html_body,
        )

    @admin.action(description="Reinvia le e-mail selezionate non inviate", permissions=["resend"])
    def resend(self, request, queryset):
        selected = list(queryset.only("pk", "status"))
        requeued = 0
        with transaction.atomic():
            for email in selected:
                if email.status == EmailStatus.FAILED and requeue(email, actor=request.user):
                    requeued += 1
                    # The admin history of the e-mail (its "Storia" button) says who asked.
                    self.log_change(request, email, "Reinvio richiesto")
        skipped = len(selected) - requeued
        if requeued:
            self.message_user(
                request, f"{requeued} e-mail rimesse in coda per l'invio.", messages.SUCCESS
            )
        if skipped:
            self.message_user(
                request,
                f"{skipped} e-mail ignorate: si possono reinviare solo quelle con invio fallito.",
                messages.WARNING,
            )
