"""The catalogue cache (CATALOGUE_CACHE_SECONDS): staff edits show at once, per-visitor parts of
the page stay out of it, and the catalogue pages' queries do not grow with the catalogue."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from sportello.accounts.tests.factories import UserFactory
from sportello.catalogue import cache as catalogue_cache
from sportello.catalogue.cache import CataloguePageMiddleware
from sportello.catalogue.models import Category, FieldType, Service
from sportello.catalogue.tests.factories import CategoryFactory, FormFieldFactory, ServiceFactory
from sportello.catalogue.tests.test_admin import change_service, existing_rows, service_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_on(settings):
    settings.CATALOGUE_CACHE_SECONDS = 300


@pytest.fixture
def service():
    service = ServiceFactory(
        name="Visura ipotecaria",
        slug="visura-ipotecaria",
        category=CategoryFactory(name="Visure", slug="visure"),
        net_price=Decimal("30.00"),
    )
    FormFieldFactory(service=service, key="provincia", label="Provincia", field_type="provincia")
    return service


def catalogue_pages(service):
    return [
        reverse("pages:home"),
        reverse("catalogue:index"),
        service.category.get_absolute_url(),
        service.get_absolute_url(),
        reverse("cart:add", kwargs={"slug": service.slug}),
    ]


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- Staff edits show at once -----------------------------------------------------------------


def test_a_staff_edit_of_a_service_shows_at_once_on_every_catalogue_page(
    cache_on, client, staff_client, service
):
    # An anonymous visitor fills the cache with every page that names the service.
    visitor = Client()
    for url in catalogue_pages(service):
        assert "Visura ipotecaria" in page(visitor, url)

    data = service_post_data(
        service, fields=existing_rows(service), name="Visura ipotecaria per immobile"
    )
    assert change_service(staff_client, service, data).status_code == 302

    for url in catalogue_pages(service):
        assert "Visura ipotecaria per immobile" in page(visitor, url), url


def test_a_new_form_field_shows_at_once_on_the_service_form_and_page(
    cache_on, client, staff_client, service
):
    form_url = reverse("cart:add", kwargs={"slug": service.slug})
    assert "Foglio catastale" not in page(client, form_url)
    assert "Foglio catastale" not in page(client, service.get_absolute_url())

    rows = [*existing_rows(service), {"label": "Foglio catastale", "key": "foglio"}]
    assert (
        change_service(staff_client, service, service_post_data(service, fields=rows)).status_code
        == 302
    )

    client.logout()
    assert 'name="foglio"' in page(client, form_url)
    assert "Foglio catastale" in page(client, service.get_absolute_url())


def test_a_category_edit_and_a_bulk_delete_show_at_once(cache_on, client, staff_client, service):
    other = ServiceFactory(name="Planimetria", category=service.category)
    visitor = Client()
    assert "Visure" in page(visitor, reverse("catalogue:index"))
    assert "Planimetria" in page(visitor, service.category.get_absolute_url())

    response = staff_client.post(
        reverse("admin:catalogue_category_change", args=[service.category.pk]),
        {
            "name": "Visure e certificati",
            "slug": "visure",
            "description": "",
            "position": "0",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert "Visure e certificati" in page(visitor, reverse("catalogue:index"))
    assert "Visure e certificati" in page(visitor, reverse("pages:home"))  # the menu too

    # "Elimina" on the list deletes a queryset: the models' delete() does not run.
    response = staff_client.post(
        reverse("admin:catalogue_service_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Service.objects.filter(pk=other.pk).exists()
    assert "Planimetria" not in page(visitor, service.category.get_absolute_url())
    assert "Planimetria" not in page(visitor, reverse("catalogue:index"))


def test_a_deactivated_service_is_gone_at_once(cache_on, client, service):
    assert client.get(service.get_absolute_url()).status_code == 200
    service.is_active = False
    service.save()
    assert client.get(service.get_absolute_url()).status_code == 404
    assert client.get(reverse("cart:add", kwargs={"slug": service.slug})).status_code == 404


# --- Per-visitor parts stay out of the cached fragments ------------------------------------


def test_cart_counters_login_and_csrf_are_not_cached(cache_on, client, customer, service):
    anonymous = Client()
    first = page(anonymous, service.get_absolute_url())
    assert 'id="cart-count" aria-label="0 servizi nel carrello">0<' in first

    customer_client = Client()
    customer_client.force_login(customer)
    form = reverse("cart:add", kwargs={"slug": service.slug})
    assert customer_client.post(form, {"provincia": "BO"}).status_code == 302
    mine = page(customer_client, service.get_absolute_url())
    assert 'aria-label="1 servizio nel carrello">1<' in mine
    assert customer.display_name in mine

    again = page(anonymous, service.get_absolute_url())
    assert 'aria-label="0 servizi nel carrello">0<' in again
    assert customer.display_name not in again
    assert customer_client.cookies["csrftoken"].value != anonymous.cookies["csrftoken"].value


def test_prices_follow_each_visitors_price_display(cache_on, client, service):
    company = Client()
    company.post(reverse("pages:buyer_kind"), {"kind": "company", "next": "/"})
    person = Client()
    person.post(reverse("pages:buyer_kind"), {"kind": "person", "next": "/"})
    for url in catalogue_pages(service)[:4]:
        assert "36,60\u00a0€" in page(person, url)
        company_page = page(company, url)
        assert "30,00\u00a0€" in company_page
        # The company view shows the net price first.
        assert company_page.index("30,00\u00a0€") < company_page.index("36,60\u00a0€"), url


# --- Queries do not grow with the catalogue (18 and 500 services) ------------------------------


def catalogue_of(size: int) -> Service:
    """The demo catalogue (18 services), grown to `size` services in its categories."""
    call_command("load_demo_catalogue", verbosity=0)
    categories = list(Category.objects.all())
    extra = size - Service.objects.count()
    for number in range(extra):
        ServiceFactory(category=categories[number % len(categories)], is_featured=number < 3)
    assert Service.objects.count() == size
    return (
        Service.objects.filter(pricing_mode="fixed", form_fields__field_type=FieldType.PROVINCIA)
        .order_by("pk")
        .first()
    )


# Anonymous visitor. Without the cache: menu (1) plus each page's own reads. With the cache,
# once warm: the catalogue version (1), nothing else.
QUERIES_WITHOUT_CACHE = {
    "home": 3,  # menu, categories, featured services
    "all services": 3,  # menu, categories, their services
    "category": 3,  # menu, category, its services
    "service": 3,  # menu, service with category, its fields' labels
    "service form": 4,  # menu, service with category, its fields, their choices
}


@pytest.mark.parametrize("size", [18, 500])
@pytest.mark.parametrize("cache_seconds", [0, 300])
def test_catalogue_page_queries_do_not_grow_with_the_catalogue(
    client, settings, django_assert_num_queries, size, cache_seconds
):
    settings.CATALOGUE_CACHE_SECONDS = cache_seconds
    service = catalogue_of(size)
    urls = dict(zip(QUERIES_WITHOUT_CACHE, catalogue_pages(service), strict=True))
    for name, url in urls.items():
        page(client, url)  # warms the cache when it is on
        expected = 1 if cache_seconds else QUERIES_WITHOUT_CACHE[name]
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200, name


# --- Whole pages for visitors without a session -------------------------------------------


def test_each_new_visitor_gets_a_working_csrf_token_of_their_own(cache_on, client, service):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):
        html = page(visitor, service.get_absolute_url())
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match and "csrf-token" not in html
        tokens.append(match.group(1))
        assert f'"X-CSRFToken": "{match.group(1)}"' in html
        response = visitor.post(
            reverse("pages:buyer_kind"),
            {"kind": "company", "next": "/", "csrfmiddlewaretoken": match.group(1)},
        )
        assert response.status_code == 302
    assert tokens[0] != tokens[1]
    # The second visitor now has a session (the price preference): their page is their own.
    assert 'is-current" aria-pressed="true">Azienda' in page(second, service.get_absolute_url())


def test_the_empty_form_is_shared_but_typed_and_saved_answers_are_not(cache_on, customer, service):
    FormFieldFactory(service=service, key="note", label="Note", field_type="text")
    form_url = reverse("cart:add", kwargs={"slug": service.slug})
    first, second = Client(), Client()
    first.force_login(customer)  # a session: the page is rendered, the fields come from the cache
    assert 'name="note"' in page(first, form_url)

    # An error re-shows what the visitor typed, not the cached empty fields.
    response = first.post(form_url, {"provincia": "XX", "note": "Scala B"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Scala B"' in html
    assert 'aria-invalid="true"' in html

    assert first.post(form_url, {"provincia": "MI", "note": "Scala B"}).status_code == 302
    line = customer.carts.get().lines.get()
    edit = page(first, reverse("cart:edit_line", kwargs={"pk": line.pk}))
    assert '<option value="MI" selected>Milano</option>' in edit
    assert 'value="Scala B"' in edit

    # Another visitor with a session still gets the empty form.
    second.force_login(UserFactory())
    fresh = page(second, form_url)
    assert "Scala B" not in fresh
    assert " selected>Milano" not in fresh


def test_a_date_picker_kept_yesterday_is_not_served_today(cache_on, customer, service, monkeypatch):
    """The form's kept page and fields say which days a date question accepts from today:
    at midnight in Rome (not UTC) both are built again."""
    import datetime as dt

    from django.utils import timezone

    FormFieldFactory(
        service=service, key="scadenza", field_type=FieldType.DATE, date_limit="future"
    )
    form_url = reverse("cart:add", kwargs={"slug": service.slug})
    logged_in = Client()
    logged_in.force_login(customer)
    day_one = dt.datetime(2026, 12, 3, 22, 30, tzinfo=dt.UTC)  # 23:30 in Rome
    monkeypatch.setattr(timezone, "now", lambda: day_one)
    for client in (Client(), logged_in):  # the whole page, then the fields' fragment
        assert 'min="2026-12-03"' in page(client, form_url)

    day_two = day_one + dt.timedelta(hours=1)  # 00:30 in Rome, still the 3rd in UTC
    monkeypatch.setattr(timezone, "now", lambda: day_two)
    for client in (Client(), logged_in):
        assert 'min="2026-12-04"' in page(client, form_url)


def test_a_kept_page_is_served_before_the_session_with_the_first_answers_headers(cache_on, service):
    url = service.get_absolute_url()
    first = Client().get(url)
    assert hasattr(first.wsgi_request, "session")  # rendered through the whole stack

    again = Client().get(url)
    # Served by CataloguePageMiddleware: the session middleware and the view never ran.
    assert not hasattr(again.wsgi_request, "session")
    assert again.status_code == 200
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Type", "Vary"):
        assert again[header] == first[header], header
    # The outer middleware (security headers, request id) still runs for this request.
    assert again["X-Content-Type-Options"] == "nosniff"
    assert again["Referrer-Policy"] == first["Referrer-Policy"]
    assert again["X-Request-ID"] != first["X-Request-ID"]
    # A CSRF cookie and token of this visitor's own, and the token works.
    token = again.cookies["csrftoken"].value
    assert token and token != first.cookies["csrftoken"].value
    assert "sessionid" not in again.cookies

    # Not for a visitor with a session, a query string or an htmx request.
    assert hasattr(Client().get(url + "?utm=1").wsgi_request, "session")
    assert hasattr(Client().get(url, HTTP_HX_REQUEST="true").wsgi_request, "session")


def test_a_page_that_used_a_csp_nonce_is_never_kept(cache_on):
    """A nonce is single-use: a page whose policy carries one is rendered for every visitor."""
    middleware = CataloguePageMiddleware(lambda request: HttpResponse())
    plain = HttpResponse("<p>Visure</p>")
    plain["Content-Security-Policy"] = "script-src 'self'"
    assert middleware._keep("catalogue:v1:page:/a/", plain) is True
    with_nonce = HttpResponse('<script nonce="abc"></script>')
    with_nonce["Content-Security-Policy"] = "script-src 'self' 'nonce-abc'"
    assert middleware._keep("catalogue:v1:page:/b/", with_nonce) is False


def test_entries_kept_by_a_release_with_other_columns_are_not_read(cache_on, monkeypatch):
    builds = []

    def build():
        builds.append(1)
        return len(builds)

    monkeypatch.setattr(catalogue_cache, "_columns", lambda: "previous-release")
    assert catalogue_cache.remember(RequestFactory().get("/"), "probe", build=build) == 1
    assert catalogue_cache.remember(RequestFactory().get("/"), "probe", build=build) == 1
    monkeypatch.undo()
    # This release's columns: a new key, the old pickled entry is never unpickled.
    assert catalogue_cache.remember(RequestFactory().get("/"), "probe", build=build) == 2
