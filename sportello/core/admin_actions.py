"""One base for the back-office pages behind an object's buttons (orders, quotes, e-mails).

A ModelAdmin subclass declares its pages (`ActionPage`: a path under the object's URL, the
method that handles it, whether it needs the "manage" permission) and which buttons its change
page shows (`action_buttons`). The base routes them (`admin:<app>_<model>_<name>`, first URL
argument the object's id), checks the permission, fetches the object (404), renders the page
with the admin's chrome, and ends a done action the same way: a line in the object's admin
history (LogEntry, the "Storico" button), a message to the staff member, back to the object.

The pages only parse the form and call an action: what happens to the object is the action's
business (and the action writes the audit trail).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import update_wrapper

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

MANAGE = "manage"
VIEW = "view"


@dataclass(frozen=True)
class ActionPage:
    name: str  # URL name suffix: admin:<app>_<model>_<name>
    route: str  # after "<int:object_id>/", e.g. "annulla/" or "azione/<slug:action>/"
    view: str  # the ModelAdmin method: view(request, obj, **route_kwargs)
    needs: str = MANAGE  # MANAGE: the manage permission; VIEW: the view permission


@dataclass(frozen=True)
class Button:
    label: str
    url: str


class ActionPagesAdmin(admin.ModelAdmin):
    action_pages: Sequence[ActionPage] = ()
    # "app_label.codename" of the permission that allows acting (not just looking).
    manage_permission: str = ""
    # The name the object has in the pages' templates ("order", "quote", "email").
    action_object_name: str = "object"
    change_form_template = "admin/action_change_form.html"

    # --- Permission ----------------------------------------------------------------------

    def has_manage_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_perm(self.manage_permission))

    # --- Routing -------------------------------------------------------------------------

    def action_url_name(self, name: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{name}"

    def action_url(self, obj, name: str, *args) -> str:
        return reverse(f"admin:{self.action_url_name(name)}", args=[obj.pk, *args])

    def get_urls(self):
        pages = [
            path(
                f"<int:object_id>/{page.route}",
                self.admin_site.admin_view(self._guarded(page)),
                name=self.action_url_name(page.name),
            )
            for page in self.action_pages
        ]
        return [*pages, *super().get_urls()]

    def action_queryset(self, request):
        """The objects the pages act on (add select_related for what the pages show)."""
        return self.model._default_manager.all()

    def _guarded(self, page: ActionPage):
        handler = getattr(self, page.view)

        def view(request, object_id, **kwargs):
            if page.needs == MANAGE:
                allowed = self.has_manage_permission(request)
            else:
                allowed = self.has_view_permission(request)
            if not allowed:
                raise PermissionDenied
            obj = get_object_or_404(self.action_queryset(request), pk=object_id)
            return handler(request, obj, **kwargs)

        return update_wrapper(view, handler)

    # --- Buttons on the change page ------------------------------------------------------

    def action_buttons(self, request, obj) -> list[Button]:
        """The buttons this staff member may use on `obj` now; override."""
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        # get_object tolerates a malformed id (the admin then says the object does not exist).
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context["action_buttons"] = self.action_buttons(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    # --- The pages and their ending ------------------------------------------------------

    def change_url(self, obj) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def render_action_page(self, request, obj, template: str, title: str, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "object": obj,
                self.action_object_name: obj,
                "title": title,
                "action_label": title,
                "change_url": self.change_url(obj),
                **context,
            },
        )

    def log_staff_action(self, request, obj, message: str, note: str = "") -> None:
        """Write what staff did to the object's admin history, with their note if any."""
        if note.strip():
            message = f"{message} (nota: {note.strip()})"
        self.log_change(request, obj, message)

    def action_done(
        self,
        request,
        obj,
        *,
        message: str,
        history: str = "",
        note: str = "",
        redirect_to: str = "",
    ) -> HttpResponseRedirect:
        """A done action: its line in the admin history (when `history`), the message to the
        staff member, back to the object (or `redirect_to`)."""
        if history:
            self.log_staff_action(request, obj, history, note)
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(redirect_to or self.change_url(obj))

    def action_refused(self, request, obj, message: str, redirect_to: str = ""):
        self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(redirect_to or self.change_url(obj))
