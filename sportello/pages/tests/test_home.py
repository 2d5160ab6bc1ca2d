from decimal import Decimal

import pytest
from django.urls import reverse

from sportello.catalogue.tests.factories import (
    CategoryFactory,
    QuoteServiceFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


def test_home_shows_categories_and_featured_services_first(client):
    visure = CategoryFactory(name="Visure e certificati catastali", description="Visure.")
    CategoryFactory(name="Categoria nascosta", is_active=False)
    ServiceFactory(category=visure, name="Servizio comune", position=1)
    ServiceFactory(
        category=visure,
        name="Visura catastale",
        net_price=Decimal("18.00"),
        is_featured=True,
        position=2,
    )
    QuoteServiceFactory(category=visure, name="Due diligence", is_featured=True, position=3)
    ServiceFactory(category=visure, name="Servizio ritirato", is_active=False, is_featured=True)

    response = client.get(reverse("pages:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Visure e certificati catastali" in html
    assert "Categoria nascosta" not in html
    assert "Servizio ritirato" not in html
    assert [service.name for service in response.context["services"]] == [
        "Visura catastale",
        "Due diligence",
        "Servizio comune",
    ]
    assert "18,00\u00a0€" in html
    assert '21,96\u00a0€ <span class="price-note">IVA inclusa</span>' in html  # consumers first
    assert "Su preventivo" in html


def test_featured_services_are_limited_to_six(client):
    for number in range(8):
        ServiceFactory(slug=f"servizio-{number}")
    response = client.get(reverse("pages:home"))
    assert len(response.context["services"]) == 6


@pytest.mark.parametrize("services", [1, 10])
def test_home_query_count(client, django_assert_num_queries, services):
    for _ in range(services):
        ServiceFactory(is_featured=True)
    # 1 menu categories (context processor), 2 categories with descriptions, 3 featured services
    with django_assert_num_queries(3):
        assert client.get(reverse("pages:home")).status_code == 200
