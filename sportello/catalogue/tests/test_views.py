"""Catalogue pages: all services, a category, a service."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import (
    CategoryFactory,
    FormFieldFactory,
    QuoteServiceFactory,
    ServiceFactory,
)
from sportello.catalogue.tests.helpers import field_with_choices

pytestmark = pytest.mark.django_db


@pytest.fixture
def perizie():
    return CategoryFactory(
        name="Perizie e valutazioni immobiliari",
        slug="perizie",
        description="Stime del valore di mercato.",
        position=1,
    )


@pytest.fixture
def perizia(perizie):
    return ServiceFactory(
        category=perizie,
        name="Perizia di stima",
        slug="perizia-di-stima",
        summary="Valore di mercato con sopralluogo.",
        description="Un perito esegue il sopralluogo.\n\nLa relazione comprende le foto.",
        delivery_time="10 giorni lavorativi",
        net_price=Decimal("100.00"),
        position=1,
    )


@pytest.fixture
def contenzioso(perizie):
    return QuoteServiceFactory(
        category=perizie,
        name="Perizia per contenzioso",
        slug="perizia-contenzioso",
        delivery_time="Da concordare",
        position=2,
    )


def content(response) -> str:
    return response.content.decode()


# --- All services ---------------------------------------------------------------------------


def test_index_lists_active_categories_with_their_active_services(client, perizia, contenzioso):
    hidden_category = CategoryFactory(name="Categoria nascosta", is_active=False)
    ServiceFactory(category=hidden_category, name="Servizio in categoria nascosta")
    ServiceFactory(category=perizia.category, name="Servizio ritirato", is_active=False)

    response = client.get(reverse("catalogue:index"))

    assert response.status_code == 200
    html = content(response)
    assert "Perizie e valutazioni immobiliari" in html
    assert "Perizia di stima" in html
    assert "Perizia per contenzioso" in html
    assert "Categoria nascosta" not in html
    assert "Servizio in categoria nascosta" not in html
    assert "Servizio ritirato" not in html
    assert html.index("Perizia di stima") < html.index("Perizia per contenzioso")


# --- Category -------------------------------------------------------------------------------


def choose_company_prices(client):
    """ "Privato / Azienda" → Azienda: net + VAT, as businesses read prices."""
    client.post(reverse("pages:buyer_kind"), {"kind": "company", "next": "/"})


def test_consumers_see_the_price_with_vat_first_and_the_withdrawal_right(
    client, perizia, contenzioso
):
    html = content(client.get(reverse("catalogue:category", kwargs={"slug": "perizie"})))
    assert '122,00\u00a0€ <span class="price-note">IVA inclusa</span>' in html
    assert '<p class="price-note price-minor">100,00\u00a0€ + IVA</p>' in html

    page = content(client.get(perizia.get_absolute_url()))
    assert '<p class="price price-main">122,00\u00a0€ <span class="price-note">IVA inclusa' in page
    assert "Prezzo netto 100,00\u00a0€ + IVA 22% 22,00\u00a0€" in page
    assert "puoi recedere entro 14 giorni" in page
    assert "completamente prestato" in page

    choose_company_prices(client)
    page = content(client.get(perizia.get_absolute_url()))
    assert "puoi recedere entro 14 giorni" not in page


def test_category_lists_prices_net_and_vat_inclusive_or_on_quote(client, perizia, contenzioso):
    choose_company_prices(client)
    response = client.get(reverse("catalogue:category", kwargs={"slug": "perizie"}))

    assert response.status_code == 200
    html = content(response)
    assert "<h1>Perizie e valutazioni immobiliari</h1>" in html
    assert f'href="{perizia.get_absolute_url()}"' in html
    assert '100,00\u00a0€ <span class="price-note">+ IVA</span>' in html
    assert "122,00\u00a0€ IVA inclusa" in html
    assert '<p class="on-quote">Su preventivo</p>' in html
    assert "Tempi di consegna: 10 giorni lavorativi" in html


def test_category_breadcrumbs(client, perizia):
    html = content(client.get(reverse("catalogue:category", kwargs={"slug": "perizie"})))
    assert '<li><a href="/servizi/">Servizi</a></li>' in html
    assert '<li aria-current="page">Perizie e valutazioni immobiliari</li>' in html


def test_category_hides_inactive_services(client, perizia):
    ServiceFactory(category=perizia.category, name="Servizio ritirato", is_active=False)
    html = content(client.get(reverse("catalogue:category", kwargs={"slug": "perizie"})))
    assert "Servizio ritirato" not in html


def test_inactive_category_is_not_found(client, perizia):
    perizia.category.is_active = False
    perizia.category.save()
    response = client.get(reverse("catalogue:category", kwargs={"slug": "perizie"}))
    assert response.status_code == 404


def test_unknown_category_is_not_found(client):
    assert client.get("/servizi/categoria/non-esiste/").status_code == 404


# --- Service --------------------------------------------------------------------------------


def test_fixed_price_service_page(client, perizia):
    choose_company_prices(client)
    FormFieldFactory(service=perizia, label="Indirizzo dell'immobile", position=1)
    FormFieldFactory(service=perizia, label="Planimetria", is_required=False, position=2)

    response = client.get(perizia.get_absolute_url())

    assert response.status_code == 200
    html = content(response)
    assert "<h1>Perizia di stima</h1>" in html
    assert "<p>Un perito esegue il sopralluogo.</p>" in html
    assert '<dt>Prezzo netto</dt><dd class="num">100,00\u00a0€</dd>' in html
    assert '<dt>IVA 22%</dt><dd class="num">22,00\u00a0€</dd>' in html
    assert '<dt>Totale IVA inclusa</dt><dd class="num price">122,00\u00a0€</dd>' in html
    assert "<strong>Tempi di consegna:</strong> 10 giorni lavorativi" in html
    buy_url = reverse("cart:add", kwargs={"slug": "perizia-di-stima"})
    assert f'<a class="button" href="{buy_url}">ACQUISTA</a>' in html
    assert "RICHIEDI PREVENTIVO" not in html
    assert "<li>Indirizzo dell&#x27;immobile</li>" in html
    assert '<li>Planimetria <span class="muted">(facoltativo)</span></li>' in html


def test_quote_service_page(client, contenzioso):
    response = client.get(contenzioso.get_absolute_url())

    html = content(response)
    assert '<p class="on-quote">Su preventivo</p>' in html
    assert "Prezzo netto" not in html
    quote_url = reverse("cart:add", kwargs={"slug": "perizia-contenzioso"})
    assert f'<a class="button button-accent" href="{quote_url}">RICHIEDI PREVENTIVO</a>' in html
    assert "ACQUISTA" not in html


def test_service_breadcrumbs(client, perizia):
    html = content(client.get(perizia.get_absolute_url()))
    assert '<li><a href="/">Home</a></li>' in html
    assert '<li><a href="/servizi/">Servizi</a></li>' in html
    assert (
        '<li><a href="/servizi/categoria/perizie/">Perizie e valutazioni immobiliari</a></li>'
        in (html)
    )
    assert '<li aria-current="page">Perizia di stima</li>' in html


def test_service_price_uses_the_services_vat_rate(client, perizia):
    choose_company_prices(client)
    perizia.net_price = Decimal("10.25")
    perizia.vat_rate = Decimal("10.00")
    perizia.save()
    html = content(client.get(perizia.get_absolute_url()))
    assert '<dt>IVA 10%</dt><dd class="num">1,03\u00a0€</dd>' in html
    assert '<dd class="num price">11,28\u00a0€</dd>' in html


def test_inactive_service_is_not_found(client, perizia):
    perizia.is_active = False
    perizia.save()
    assert client.get(perizia.get_absolute_url()).status_code == 404


def test_service_of_an_inactive_category_is_not_found(client, perizia):
    perizia.category.is_active = False
    perizia.category.save()
    assert client.get(perizia.get_absolute_url()).status_code == 404


def test_unknown_service_is_not_found(client):
    assert client.get("/servizi/non-esiste/").status_code == 404


# --- Query counts: they do not grow with the number of services or fields --------------------
#
# Anonymous visitor without a session: the base template's context processor runs one query for
# the menu categories; cart_counts needs none without a session.


def add_services(category, count):
    for number in range(count):
        service = ServiceFactory(category=category, slug=f"extra-{category.slug}-{number}")
        FormFieldFactory(service=service)
        field_with_choices(
            FieldType.CHOICE, [("a", "A", Decimal("0")), ("b", "B", Decimal("5"))], service=service
        )
    QuoteServiceFactory(category=category, slug=f"extra-{category.slug}-preventivo")


@pytest.mark.parametrize("extra", [0, 12])
def test_index_query_count(client, django_assert_num_queries, perizia, extra):
    add_services(perizia.category, extra)
    add_services(CategoryFactory(), extra)
    # 1 menu categories, 2 active categories, 3 their active services (one prefetch)
    with django_assert_num_queries(3):
        assert client.get(reverse("catalogue:index")).status_code == 200


@pytest.mark.parametrize("extra", [0, 12])
def test_category_query_count(client, django_assert_num_queries, perizia, extra):
    add_services(perizia.category, extra)
    # 1 menu categories, 2 the category, 3 its active services (one prefetch)
    with django_assert_num_queries(3):
        response = client.get(reverse("catalogue:category", kwargs={"slug": "perizie"}))
    assert response.status_code == 200
    assert len(response.context["services"]) == 1 + extra + 1  # perizia, extras, one on quote


@pytest.mark.parametrize("fields", [1, 15])
def test_service_query_count(client, django_assert_num_queries, perizia, fields):
    for _ in range(fields):
        field_with_choices(FieldType.MULTIPLE_CHOICE, [("a", "A", Decimal("0"))], service=perizia)
    # 1 menu categories, 2 the service with its category, 3 its form fields' labels
    with django_assert_num_queries(3):
        assert client.get(perizia.get_absolute_url()).status_code == 200
