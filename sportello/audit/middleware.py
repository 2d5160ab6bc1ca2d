from __future__ import annotations

from django.urls import reverse

from sportello.audit.context import AuditContext, Source, reset_context, set_context


class AuditContextMiddleware:
    """Sets who acts, and from where, for the audit rows a request writes.

    After AuthenticationMiddleware. The back-office is the admin's URLs; a view marked with
    `@audit_source(...)` (webhooks, payment callbacks) names its own source; anything else is
    the customer (or a visitor) using the shop. The user is passed as the lazy `request.user`:
    it costs no query unless an audit row is written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = (
            Source.BACK_OFFICE
            if request.path.startswith(reverse("admin:index"))
            else Source.CUSTOMER
        )
        token = set_context(AuditContext(source=source, actor=getattr(request, "user", None)))
        try:
            return self.get_response(request)
        finally:
            reset_context(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        source = getattr(view_func, "audit_source", None)
        if source is not None:
            # A provider calling us: nobody logged in is acting. Reset in __call__.
            set_context(AuditContext(source=source, actor=None))
        return None
