from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
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
    list_filter = ["status", "template"]
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
        return format_html('<pre class="email-text-preview">{}</pre>', obj.text_body)

    @admin.display(description="HTML")
    def html_preview(self, obj):
        if obj.template in SECRET_TEMPLATES:
            return SECRET_NOTICE
        if not obj.html_body:
            return "—"
        # The message's HTML is its own document (see html_preview_view), in a sandbox: no
        # scripts, forms or navigation of the admin.
        return format_html(
            '<iframe sandbox="" src="{}" title="Anteprima HTML" class="email-html-preview">'
            "</iframe>",
            reverse("admin:notifications_outgoingemail_html_preview", args=[obj.pk]),
        )

    def get_urls(self):
        return [
            path(
                "<int:email_id>/anteprima-html/",
                self.admin_site.admin_view(self.html_preview_view),
                name="notifications_outgoingemail_html_preview",
            ),
            *super().get_urls(),
        ]

    def html_preview_view(self, request, email_id: int) -> HttpResponse:
        """The HTML body alone, for the preview frame of the message page.

        E-mail HTML carries inline styles, which the shop's Content-Security-Policy refuses
        (a srcdoc frame would inherit it): this document gets its own policy, which allows
        those styles and nothing else (no script, no request anywhere), sandboxed, framable
        only by the back-office itself.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        email = get_object_or_404(OutgoingEmail, pk=email_id)
        if email.template in SECRET_TEMPLATES or not email.html_body:
            raise Http404
        response = HttpResponse(email.html_body)
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            "frame-ancestors 'self'; sandbox"
        )
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

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
