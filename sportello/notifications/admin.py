from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from sportello.core.admin import ReadOnlyAdminMixin, StatusHistoryInline
from sportello.core.admin_actions import ActionPage, ActionPagesAdmin, Button
from sportello.notifications.actions import requeue
from sportello.notifications.emails import ACCOUNT_TEMPLATES
from sportello.notifications.models import EmailStatus, OutgoingEmail, OutgoingEmailStatusChange

# Messages carrying a way into the account (a verification code, a password reset link): their
# bodies stay out of the back-office, or any staff member could log in as the customer.
SECRET_TEMPLATES = frozenset(
    {f"{ACCOUNT_TEMPLATES}/email_verification", f"{ACCOUNT_TEMPLATES}/password_reset"}
)
SECRET_NOTICE = "Contenuto riservato: contiene un codice o un link di accesso del cliente."


class StatusChangeInline(StatusHistoryInline):
    model = OutgoingEmailStatusChange
    status_choices = EmailStatus


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdminMixin, ActionPagesAdmin):
    """The outbox, read-only: rows change only through sportello.notifications.actions.

    A failed e-mail has a "Reinvia" button (one page of ActionPagesAdmin); the list can
    resend several at once.
    """

    manage_permission = "notifications.change_outgoingemail"
    action_object_name = "email"
    action_pages = (ActionPage("resend", "reinvia/", "resend_view"),)

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
        return self.has_manage_permission(request)

    def action_buttons(self, request, email) -> list[Button]:
        if email.status != EmailStatus.FAILED or not self.has_manage_permission(request):
            return []
        return [Button(label="Reinvia", url=self.action_url(email, "resend"))]

    def resend_view(self, request, email):
        if request.method == "POST":
            if email.status == EmailStatus.FAILED and requeue(email, actor=request.user):
                return self.action_done(
                    request,
                    email,
                    history="Reinvio richiesto",
                    message=f"E-mail a {email.to} rimessa in coda per l'invio.",
                )
            return self.action_refused(
                request, email, "Si possono reinviare solo le e-mail con invio fallito."
            )
        return self.render_action_page(
            request,
            email,
            "admin/action_page.html",
            "Reinvia",
            question=f"L'e-mail «{email.subject}» a {email.to} non è stata consegnata: "
            "rimetterla in coda per l'invio?",
        )

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
                    # The admin history of the e-mail (its "Storico" button) says who asked.
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
