"""The shared chrome in sportello/templates: form field and error includes, error pages, head."""

import pytest
from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from sportello.catalogue.tests.factories import ServiceFactory


class SampleForm(forms.Form):
    name = forms.CharField(label="Nome", help_text="Come compare sui documenti.")
    password = forms.CharField(label="Password", help_text=password_validators_help_text_html())
    kind = forms.ChoiceField(
        label="Tipo di cliente",
        choices=[("person", "Privato"), ("company", "Azienda")],
        widget=forms.RadioSelect,
    )

    def clean(self):
        raise forms.ValidationError("Controlla i dati inseriti.")


def render_fields(form) -> str:
    return "".join(render_to_string("includes/form_field.html", {"field": field}) for field in form)


def test_plain_help_text_is_a_paragraph_tied_to_the_input():
    html = render_fields(SampleForm())

    assert '<p class="help" id="id_name_helptext">Come compare sui documenti.</p>' in html
    assert 'aria-describedby="id_name_helptext"' in html


def test_help_text_holding_a_list_is_a_div_so_the_html_stays_valid():
    html = render_fields(SampleForm())

    assert '<div class="help" id="id_password_helptext"><ul>' in html
    assert '<p class="help" id="id_password_helptext">' not in html
    assert 'aria-describedby="id_password_helptext"' in html


def test_field_errors_are_tied_to_their_inputs():
    html = render_fields(SampleForm(data={"name": "", "password": "", "kind": ""}))

    assert 'aria-invalid="true" aria-describedby="id_name_helptext id_name_error"' in html
    assert '<p class="field-error" id="id_name_error">Questo campo è obbligatorio.</p>' in html
    assert (
        '<fieldset aria-describedby="id_kind_error">\n'
        '      <legend>Tipo di cliente <span class="required" aria-hidden="true">*</span></legend>'
    ) in html


def test_error_summary_takes_focus_and_links_every_field_in_error():
    form = SampleForm(data={"name": "Mario", "password": "", "kind": ""})

    html = render_to_string("includes/form_errors.html", {"form": form})

    assert '<div class="form-errors" role="alert" tabindex="-1" id="form-errors" autofocus>' in html
    assert "<li>Controlla i dati inseriti.</li>" in html
    assert '<a href="#id_password">Password: Questo campo è obbligatorio.</a>' in html
    # A radio group has no element with the field's own id: the link goes to its first radio.
    assert '<a href="#id_kind_0">Tipo di cliente: Questo campo è obbligatorio.</a>' in html
    assert "#id_name" not in html


def test_valid_form_has_no_error_summary():
    form = forms.Form(data={})

    assert render_to_string("includes/form_errors.html", {"form": form}).strip() == ""


@pytest.mark.django_db
def test_unknown_page_gets_the_shop_404_page(client):
    response = client.get("/questa-pagina-non-esiste/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Pagina non trovata</h1>" in html
    assert 'aria-label="Menu principale"' in html
    assert f'<a class="button" href="{reverse("catalogue:index")}">Scopri i servizi</a>' in html


def test_server_error_page_needs_no_database():
    # No django_db mark: any query while rendering would raise here.
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Si è verificato un errore</h1>" in html
    assert '<html lang="it">' in html


@pytest.mark.django_db
def test_expired_form_gets_an_italian_page_not_a_technical_one():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("account_login"), {"login": "a@example.com", "password": "x"})

    assert response.status_code == 403
    assert "<h1>Il modulo è scaduto</h1>" in response.content.decode()


@pytest.mark.django_db
def test_page_stylesheets_go_in_the_head(client):
    service = ServiceFactory()

    html = client.get(reverse("cart:add", args=[service.slug])).content.decode()

    head, body = html.split("</head>", 1)
    assert "cart/cart.css" in head
    assert "cart/cart.css" not in body
    assert "js/site.js" in head


@pytest.mark.django_db
def test_a_customer_opening_the_back_office_gets_the_shop_s_403_page(client, customer):
    """A logged-in customer (not staff) on a back-office page: the shop's page in Italian, not
    Django's bare "403 Forbidden"."""
    client.force_login(customer)
    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Accesso non consentito</h1>" in html
    assert "Forbidden" not in html
