"""Prepares the ladder's database and prints what the load generator needs (JSON on stdout).

Run by bench/ladder.py with the same environment as the gunicorn it starts: migrates, loads the
demo catalogue, gives a bench customer a cart of 10 lines and 50 orders, and opens a session
for them (its cookie lets wrk request the logged-in pages).
"""

from __future__ import annotations

import io
import json
import os
import sys
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.urls import reverse  # noqa: E402

from sportello.accounts.models import User  # noqa: E402
from sportello.cart.actions import add_line  # noqa: E402
from sportello.cart.models import Cart, CartKind  # noqa: E402
from sportello.catalogue.models import Category, FieldType, Service  # noqa: E402
from sportello.orders.models import Order  # noqa: E402
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory  # noqa: E402

EMAIL = "ladder@example.com"
CART_LINES = 10
ORDERS = 50


def main() -> None:
    with redirect_stdout(io.StringIO()):
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_demo_catalogue", verbosity=0)
    customer = User.objects.filter(email=EMAIL).first() or User.objects.create_user(
        email=EMAIL, password=None, first_name="Mario", last_name="Rossi"
    )
    fixed = list(Service.objects.filter(is_active=True, pricing_mode="fixed").order_by("pk"))
    cart, _ = Cart.objects.get_or_create(user=customer, kind=CartKind.PURCHASE)
    cart.lines.all().delete()
    for service in fixed[:CART_LINES]:
        add_line(cart=cart, service=service, answers={}, form_version=service.form_version)
    missing = ORDERS - Order.objects.filter(customer=customer).count()
    for _ in range(max(missing, 0)):
        OrderLineFactory(order=OrderFactory(customer=customer), service=fixed[0])

    engine = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"])
    session = engine.SessionStore()
    session[SESSION_KEY] = str(customer.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = customer.get_session_auth_hash()
    session.create()

    # The page the issue measured: a fixed-price service whose form has the provincia select.
    with_provincia = (
        Service.objects.filter(
            is_active=True, pricing_mode="fixed", form_fields__field_type=FieldType.PROVINCIA
        )
        .order_by("pk")
        .first()
    )
    category = Category.objects.filter(is_active=True).order_by("position", "name").first()
    service = with_provincia or fixed[0]
    print(
        json.dumps(
            {
                "session_cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                "services": Service.objects.count(),
                "pages": {
                    "home": reverse("pages:home"),
                    "all services": reverse("catalogue:index"),
                    "category": category.get_absolute_url(),
                    "service": service.get_absolute_url(),
                    "service form": reverse("cart:add", kwargs={"slug": service.slug}),
                },
                "logged_in_pages": {
                    f"cart ({CART_LINES} lines)": reverse("cart:detail"),
                    f"I MIEI ORDINI ({ORDERS} orders)": reverse("orders:list"),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
