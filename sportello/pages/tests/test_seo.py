"""What search engines and link previews read: meta, canonical, Open Graph, JSON-LD,
robots.txt, sitemap.xml and the favicon."""

import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from sportello.catalogue.tests.factories import (
    CategoryFactory,
    QuoteServiceFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.SITE_URL = "https://sportello.example"


@pytest.fixture
def category():
    return CategoryFactory(
        name="Visure catastali", slug="visure", description="Visure e certificati del Catasto."
    )


@pytest.fixture
def service(category):
    return ServiceFactory(
        category=category,
        name="Visura storica",
        slug="visura-storica",
        summary="Tutti i passaggi di proprietà di un immobile.",
        net_price=Decimal("20.00"),
        vat_rate=Decimal("22.00"),
    )


def _meta(html: str, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    assert match, f"no {name}"
    return match.group(1)


def _json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def test_service_page_meta_canonical_and_open_graph(client, service):
    html = client.get(service.get_absolute_url()).content.decode()

    description = "Tutti i passaggi di proprietà di un immobile."
    assert _meta(html, "name", "description") == description
    assert '<link rel="canonical" href="https://sportello.example/servizi/visura-storica/">' in html
    assert _meta(html, "property", "og:title") == "Visura storica"
    assert _meta(html, "property", "og:description") == description
    assert _meta(html, "property", "og:url") == "https://sportello.example/servizi/visura-storica/"
    assert _meta(html, "property", "og:locale") == "it_IT"


def test_service_page_json_ld_service_with_offer(client, service):
    data = _json_ld(client.get(service.get_absolute_url()).content.decode())

    assert data["@type"] == "Service"
    assert data["name"] == "Visura storica"
    assert data["url"] == "https://sportello.example/servizi/visura-storica/"
    assert data["serviceType"] == "Visure catastali"
    assert data["offers"]["@type"] == "Offer"
    assert data["offers"]["price"] == "24.40"
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["offers"]["priceSpecification"]["valueAddedTaxIncluded"] is True


def test_json_ld_cannot_close_its_script_element(client, category):
    service = ServiceFactory(
        category=category, slug="trappola", summary="</script><script>alert(1)</script> & co."
    )
    html = client.get(service.get_absolute_url()).content.decode()

    assert "</script><script>alert(1)" not in html
    assert _json_ld(html)["description"] == "</script><script>alert(1)</script> & co."


def test_quote_service_has_no_price_offer(client, category):
    service = QuoteServiceFactory(category=category, slug="perizia")
    data = _json_ld(client.get(service.get_absolute_url()).content.decode())
    assert data["@type"] == "Service"
    assert "offers" not in data


def test_category_and_home_have_their_own_description(client, category):
    html = client.get(category.get_absolute_url()).content.decode()
    assert (
        _meta(html, "name", "description") == "Visure catastali: Visure e certificati del Catasto."
    )
    assert _meta(html, "property", "og:title") == "Visure catastali"

    home = client.get(reverse("pages:home")).content.decode()
    assert _meta(home, "name", "description").startswith("Sportello: perizie, visure")
    assert '<link rel="canonical" href="https://sportello.example/">' in home


def test_long_descriptions_are_cut_for_the_meta_tag(client, category):
    service = ServiceFactory(
        category=category, slug="lungo", summary="", description="parola " * 80
    )
    description = _meta(
        client.get(service.get_absolute_url()).content.decode(), "name", "description"
    )
    assert len(description) <= 160
    assert description.endswith("…")


def test_canonical_ignores_the_query_string(client, category):
    html = client.get(category.get_absolute_url(), {"utm_source": "x"}).content.decode()
    assert (
        '<link rel="canonical" href="https://sportello.example/servizi/categoria/visure/">' in html
    )


def test_favicon_links_and_redirect(client):
    html = client.get(reverse("pages:home")).content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg" type="image/svg\+xml">', html)
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.ico"', html)
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")


def test_robots_txt(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for private in ("/account/", "/il-mio-account/", "/checkout/", "/admin/", "/carrello/procedi/"):
        assert f"Disallow: {private}" in lines
    # The public catalogue and the cart pages stay crawlable.
    assert "Disallow: /servizi/" not in lines
    assert "Disallow: /carrello/" not in lines
    assert lines[-1] == "Sitemap: https://sportello.example/sitemap.xml"


@pytest.mark.parametrize("path", ["/robots.txt", "/favicon.ico", "/.well-known/security.txt"])
def test_crawler_files_answer_head_requests(client, path):
    """Crawlers and uptime checks often ask with HEAD first: it answers as GET does."""
    assert client.head(path).status_code == client.get(path).status_code
    assert client.post(path).status_code == 405


def test_sitemap_lists_active_categories_and_services(client, service, django_assert_num_queries):
    CategoryFactory(slug="nascosta", is_active=False)
    ServiceFactory(category=service.category, slug="ritirato", is_active=False)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    xml = response.content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert locations == [
        "https://sportello.example/",
        "https://sportello.example/servizi/",
        "https://sportello.example/servizi/categoria/visure/",
        "https://sportello.example/servizi/visura-storica/",
    ]


def test_sitemap_query_count_is_constant(client, category, django_assert_num_queries):
    ServiceFactory.create_batch(3, category=category)
    with django_assert_num_queries(4) as first:
        client.get("/sitemap.xml")
    ServiceFactory.create_batch(10, category=CategoryFactory())
    with django_assert_num_queries(len(first.captured_queries)):
        client.get("/sitemap.xml")
