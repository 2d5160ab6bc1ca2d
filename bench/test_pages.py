"""Benchmarks of the main customer pages (run with `make bench`; not part of `make test`).

For each page: median and 95th-percentile time of a full request through Django's test client
on the demo catalogue, and the number of SQL queries. Targets (2 cores): median under 50 ms,
queries constant with catalogue and cart size. Results are printed, not asserted on time.
"""

import statistics
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sportello.cart.actions import add_line, get_or_create_cart
from sportello.cart.models import CartKind
from sportello.catalogue.models import Category, Service

pytestmark = pytest.mark.django_db

RUNS = 50


def measure(client, url: str) -> tuple[float, float, int]:
    client.get(url)  # warm caches and template loaders
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(queries)


def test_customer_pages(client, customer, capsys):
    call_command("load_demo_catalogue", verbosity=0)
    category = Category.objects.first()
    service = Service.objects.filter(pricing_mode="fixed").first()
    client.force_login(customer)
    request = client.get("/").wsgi_request
    cart = get_or_create_cart(request, CartKind.PURCHASE)
    for fixed in Service.objects.filter(pricing_mode="fixed")[:10]:
        add_line(cart=cart, service=fixed, answers={}, form_version=fixed.form_version)

    pages = {
        "home": reverse("pages:home"),
        "all services": reverse("catalogue:index"),
        "category": category.get_absolute_url(),
        "service": service.get_absolute_url(),
        "service form": reverse("cart:add", kwargs={"slug": service.slug}),
        "cart (10 lines)": reverse("cart:detail"),
    }
    rows = [(name, *measure(client, url)) for name, url in pages.items()]
    with capsys.disabled():
        print(f"\n{'page':<18}{'median ms':>11}{'p95 ms':>9}{'queries':>9}")
        for name, median, p95, queries in rows:
            print(f"{name:<18}{median:>11.1f}{p95:>9.1f}{queries:>9}")
