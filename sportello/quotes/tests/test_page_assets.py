"""I MIEI PREVENTIVI pages load their stylesheet in <head> and rely on site.css for what it
already styles (.visually-hidden, a line's answers, tables stacked on phones)."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _head_and_body(html: str) -> tuple[str, str]:
    head, _, body = html.partition("</head>")
    return head, body


def _stylesheet(path: str) -> str:
    return f'<link rel="stylesheet" href="{static(path)}">'


@pytest.mark.parametrize("page", ["list", "detail", "request"])
def test_quote_pages_link_their_stylesheet_in_the_head(customer_client, quote, quote_cart, page):
    url = {
        "list": reverse("quotes:list"),
        "detail": quote.get_absolute_url(),
        "request": reverse("quotes:request"),
    }[page]

    response = customer_client.get(url)

    assert response.status_code == 200
    head, body = _head_and_body(response.text)
    assert _stylesheet("quotes/quotes.css") in head
    assert "quotes/quotes.css" not in body


def test_quote_tables_stack_on_phones_with_labelled_cells(customer_client, quote, quote_cart):
    # site.css stacks a table on phones only when its cells carry data-label.
    listing = customer_client.get(reverse("quotes:list")).text
    request_page = customer_client.get(reverse("quotes:request")).text

    assert f'<td data-label="Preventivo"><a href="{quote.get_absolute_url()}">' in listing
    assert '<td data-label="Stato"><span class="status status-sent">Inviata</span></td>' in listing
    assert '<td data-label="Servizio">\n          <strong>Perizia di stima</strong>' in request_page
    assert '<td data-label="Prezzo" class="on-quote">Su preventivo</td>' in request_page


def test_quotes_css_leaves_shared_rules_to_site_css():
    with open(finders.find("quotes/quotes.css"), encoding="utf-8") as handle:
        css = handle.read()

    assert ".visually-hidden {" not in css
    # The old grid (max-content labels, 1fr values) beat site.css's rule and widened the tables.
    assert "grid-template-columns" not in css
    assert ".quote-table dl.answers dd { overflow-wrap: anywhere; }" in css
