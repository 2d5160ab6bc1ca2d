"""allauth's pages in the site's layout, in Italian, with a label for every input."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from sportello.accounts.tests.conftest import signup_data

pytestmark = pytest.mark.django_db


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.label_targets: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"input", "select", "textarea"} and attributes.get("type") != "hidden":
            self.inputs.append(attributes)
        if tag == "label" and attributes.get("for"):
            self.label_targets.add(attributes["for"])


def assert_every_input_labelled(html: str) -> None:
    parser = _Inputs()
    parser.feed(html)
    assert parser.inputs, "no inputs found"
    for attributes in parser.inputs:
        assert attributes.get("id") in parser.label_targets, attributes


def assert_site_layout(html: str) -> None:
    assert '<html lang="it">' in html
    assert 'class="site-header"' in html
    assert 'class="site-footer"' in html


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("account_login", "Accedi"),
        ("account_signup", "Registrati"),
        ("account_reset_password", "Reimposta la password"),
    ],
)
def test_entrance_pages(client, url_name, heading):
    html = client.get(reverse(url_name)).content.decode()

    assert f"<h1>{heading}</h1>" in html
    assert_site_layout(html)
    assert_every_input_labelled(html)


def test_code_page(client):
    client.post(reverse("account_signup"), signup_data())

    html = client.get(reverse("account_email_verification_sent")).content.decode()

    assert "<h1>Inserisci il codice di verifica</h1>" in html
    assert "Invia un nuovo codice" in html
    assert "Usa un'altra e-mail" in html
    assert '<label for="id_email">Indirizzo e-mail corretto' in html
    assert_site_layout(html)
    assert_every_input_labelled(html)


def test_password_change_page(customer_client):
    html = customer_client.get(reverse("account_change_password")).content.decode()

    assert "<h1>Cambia password</h1>" in html
    assert '<label for="id_oldpassword">Password attuale' in html
    assert_site_layout(html)
    assert_every_input_labelled(html)


def test_pages_we_did_not_rewrite_still_use_the_site_layout(customer_client):
    html = customer_client.get(reverse("account_email")).content.decode()

    assert_site_layout(html)
    assert_every_input_labelled(html)
