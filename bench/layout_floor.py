"""The shop's layout with an empty page, served as the shop is: a floor for the ladder (bench only).

`/floor/` renders `base.html` with no content of its own, through the shop's settings, middleware,
context processors and database — what every page pays before showing anything. The ladder loads
it anonymous and logged in beside the pages, so the table shows how much of each target the layout
alone already takes. Never part of the shop's URLs: gunicorn serves this module only in the ladder.

    .venv/bin/gunicorn --pythonpath bench layout_floor:application --workers 2
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.shortcuts import render
from django.urls import include, path

application = get_wsgi_application()


def empty_page(request):
    return render(request, "base.html", {})


urlpatterns = [path("floor/", empty_page), path("", include("config.urls"))]
settings.ROOT_URLCONF = __name__
