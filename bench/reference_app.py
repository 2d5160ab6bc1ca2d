"""The ladder's two reference endpoints (bench only: never part of the shop's URLs).

A separate WSGI application with its own minimal settings, served by its own gunicorn:

- L1 `/l1/`: a bare Django view, no middleware at all.
- L2 `/l2/`: Django's default middleware (as `startproject` writes it) and a 20-item template,
  no queries.

    .venv/bin/gunicorn --pythonpath bench reference_app:application --workers 2
"""

from __future__ import annotations

import django
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.test.utils import override_settings
from django.urls import path

DEFAULT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

L2_TEMPLATE = """<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1>
<ul>{% for item in items %}
<li><a href="/item/{{ item.slug }}/">{{ item.name }}</a> {{ item.price }}</li>{% endfor %}
</ul>
</body></html>
"""

ITEMS = [{"slug": f"item-{n}", "name": f"Elemento {n}", "price": f"{n},00 €"} for n in range(20)]


def l1(request):
    return HttpResponse("L1: a bare Django view.\n", content_type="text/plain")


def l2(request):
    return render(request, "l2.html", {"title": "L2", "items": ITEMS})


urlpatterns = [path("l1/", l1), path("l2/", l2)]

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-reference-only-not-a-secret",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=DEFAULT_MIDDLEWARE,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ],
                "loaders": [("django.template.loaders.locmem.Loader", {"l2.html": L2_TEMPLATE})],
            },
        }
    ],
    USE_TZ=True,
)
django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402  (after settings.configure)

_with_middleware = WSGIHandler()
with override_settings(MIDDLEWARE=[]):
    _bare = WSGIHandler()


def application(environ, start_response):
    """L1 through a handler built without middleware, everything else through the default stack."""
    handler = _bare if environ.get("PATH_INFO", "").startswith("/l1/") else _with_middleware
    return handler(environ, start_response)
