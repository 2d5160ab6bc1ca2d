"""The back-office login shares the shop's failed-login rate limit.

Django's admin login has none of its own: without this, anyone could try passwords for a staff
account at full speed at /admin/login/, while the shop's login stops them after a few tries.
"""

from functools import wraps

from allauth.core import ratelimit
from django.shortcuts import render

ACTION = "login_failed"


def rate_limited_login(login_view):
    @wraps(login_view)
    def view(request, *args, **kwargs):
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        key = (request.POST.get("username") or "").strip().lower()
        # Checked before the password: once the limit is reached, nothing more is tried.
        if not ratelimit.consume(request, action=ACTION, key=key, dry_run=True):
            return render(request, "429.html", status=429)
        response = login_view(request, *args, **kwargs)
        if request.user.is_authenticated:
            ratelimit.clear(request, action=ACTION, key=key)
        else:
            ratelimit.consume(request, action=ACTION, key=key)
        return response

    return view
