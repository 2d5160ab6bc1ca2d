"""The customer's path through Django's test client: browse, fill the form, correct, remove."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sportello.cart.models import Cart, CartKind, CartLine
from sportello.cart.queries import priced_cart
from sportello.cart.tests.conftest import build_appraisal
from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import (
    FieldChoiceFactory,
    FormFieldFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

URGENT = {"comune": "Bologna", "urgenza": "urgente", "note": "Citofonare Rossi"}
STANDARD = {"comune": "Modena", "urgenza": "standard", "note": ""}


def _only_line() -> CartLine:
    (line,) = CartLine.objects.all()
    return line


def test_browse_buy_correct_and_remove(client, appraisal):
    add_url = reverse("cart:add", kwargs={"slug": appraisal.slug})

    category_page = client.get(appraisal.category.get_absolute_url())
    assert appraisal.get_absolute_url() in category_page.text
    service_page = client.get(appraisal.get_absolute_url())
    assert "ACQUISTA" in service_page.text
    assert f'href="{add_url}"' in service_page.text

    form_page = client.get(add_url)
    assert form_page.status_code == 200
    assert "Aggiungi al carrello" in form_page.text
    assert "Perizia immobiliare" in form_page.text
    assert "100,00\u00a0€" in form_page.text
    assert "Consegna urgente (+30,00\u00a0€ + IVA)" in form_page.text

    added = client.post(add_url, URGENT)
    assert added.status_code == 302
    assert added["Location"] == reverse("cart:detail")
    line = _only_line()
    assert line.cart.kind == CartKind.PURCHASE
    assert line.cart.user is None
    assert line.answers == {"comune": "Bologna", "urgenza": "urgente", "note": "Citofonare Rossi"}
    assert line.form_version == appraisal.form_version
    assert set(client.session["cart_ids"]) == {"purchase"}
    assert "anonymous_upload_key" not in client.session  # no file was sent

    cart_page = client.get(reverse("cart:detail"))
    text = cart_page.text
    assert "«Perizia immobiliare» è stato aggiunto al carrello." in text
    # Labels, not keys, in the summary of the answers.
    assert "<dt>Urgenza</dt><dd>Consegna urgente</dd>" in text
    assert "<dt>Comune</dt><dd>Bologna</dd>" in text
    assert "Urgenza: Consegna urgente: +30,00\u00a0€" in text
    assert 'id="cart-total-net">130,00\u00a0€' in text
    assert 'id="cart-total-vat">28,60\u00a0€' in text
    assert 'id="cart-total-gross">158,60\u00a0€' in text
    assert "PROCEDI ALL'ACQUISTO" in text

    edit_url = reverse("cart:edit_line", kwargs={"pk": line.pk})
    assert f'href="{edit_url}"' in text
    edit_page = client.get(edit_url)
    assert edit_page.status_code == 200
    assert 'value="Bologna"' in edit_page.text
    assert 'value="urgente" required id="id_urgenza_1" checked' in edit_page.text
    assert "Citofonare Rossi</textarea>" in edit_page.text

    saved = client.post(edit_url, STANDARD)
    assert saved.status_code == 302
    assert saved["Location"] == reverse("cart:detail")
    corrected = _only_line()
    assert corrected.pk == line.pk
    assert corrected.answers == {"comune": "Modena", "urgenza": "standard", "note": None}
    cart_page = client.get(reverse("cart:detail"))
    assert "I dati di «Perizia immobiliare» sono stati aggiornati." in cart_page.text
    assert 'id="cart-total-gross">122,00\u00a0€' in cart_page.text

    removed = client.post(reverse("cart:remove_line", kwargs={"pk": line.pk}))
    assert removed.status_code == 302
    assert removed["Location"] == reverse("cart:detail")
    assert not CartLine.objects.exists()
    cart_page = client.get(reverse("cart:detail"))
    assert "«Perizia immobiliare» è stato rimosso." in cart_page.text
    assert "Il carrello è vuoto." in cart_page.text


def test_errors_are_shown_next_to_fields_and_input_is_kept(client, appraisal):
    response = client.post(
        reverse("cart:add", kwargs={"slug": appraisal.slug}),
        {"comune": "", "urgenza": "urgente", "note": "Citofonare Rossi"},
    )
    assert response.status_code == 200
    text = response.text
    assert "Il modulo contiene errori." in text
    assert '<p class="field-error" id="id_comune_error">Questo campo è obbligatorio.</p>' in text
    assert 'value="urgente" required id="id_urgenza_1" checked' in text
    assert "Citofonare Rossi</textarea>" in text
    assert not Cart.objects.exists()
    assert not CartLine.objects.exists()


def test_invalid_choice_is_refused(client, appraisal):
    response = client.post(
        reverse("cart:add", kwargs={"slug": appraisal.slug}),
        {"comune": "Bologna", "urgenza": "gratis"},
    )
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida." in response.text
    assert not CartLine.objects.exists()


def test_same_service_twice_gives_two_lines(client, appraisal):
    add_url = reverse("cart:add", kwargs={"slug": appraisal.slug})
    client.post(add_url, URGENT)
    client.post(add_url, STANDARD)

    assert Cart.objects.count() == 1
    lines = list(CartLine.objects.order_by("pk"))
    assert [line.answers["comune"] for line in lines] == ["Bologna", "Modena"]
    priced = priced_cart(Cart.objects.get())
    assert [p.price.price.gross for p in priced.lines] == [Decimal("158.60"), Decimal("122.00")]
    assert priced.total.net == Decimal("230.00")
    assert priced.total.vat == Decimal("50.60")
    assert priced.total.gross == Decimal("280.60")
    page = client.get(reverse("cart:detail"))
    assert 'id="cart-total-gross">280,60\u00a0€' in page.text


def test_tampered_price_fields_are_ignored(client, appraisal):
    tampered = {
        **URGENT,
        "price": "0.01",
        "net_price": "0.01",
        "vat_rate": "0",
        "total": "0.01",
        "price_supplement": "0",
    }
    client.post(reverse("cart:add", kwargs={"slug": appraisal.slug}), tampered)
    line = _only_line()
    assert set(line.answers) == {"comune", "urgenza", "note"}
    total = priced_cart(line.cart).total
    assert (total.net, total.vat, total.gross) == (
        Decimal("130.00"),
        Decimal("28.60"),
        Decimal("158.60"),
    )

    client.post(reverse("cart:edit_line", kwargs={"pk": line.pk}), {**STANDARD, "net_price": "1"})
    line.refresh_from_db()
    assert set(line.answers) == {"comune", "urgenza", "note"}
    assert priced_cart(line.cart).total.gross == Decimal("122.00")
    appraisal.refresh_from_db()
    assert appraisal.net_price == Decimal("100.00")


def test_quote_service_goes_to_the_quote_cart(client, due_diligence):
    add_url = reverse("cart:add", kwargs={"slug": due_diligence.slug})
    service_page = client.get(due_diligence.get_absolute_url())
    assert f'href="{add_url}"' in service_page.text

    form_page = client.get(add_url)
    assert "RICHIEDI PREVENTIVO" in form_page.text
    assert "Su preventivo" in form_page.text
    assert "Aggiungi al carrello" not in form_page.text

    response = client.post(add_url, {"indirizzo": "Via Indipendenza 1, Bologna"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cart:quote_detail")
    line = _only_line()
    assert line.cart.kind == CartKind.QUOTE
    assert line.answers == {"indirizzo": "Via Indipendenza 1, Bologna"}

    page = client.get(reverse("cart:quote_detail"))
    text = page.text
    assert "«Due diligence immobiliare» è stato aggiunto al carrello preventivi." in text
    assert "<dt>Indirizzo dell&#x27;immobile</dt><dd>Via Indipendenza 1, Bologna</dd>" in text
    assert "Su preventivo" in text
    assert "€" not in text.split('id="cart-content"')[1]
    assert "PROCEDI ALLA RICHIESTA DI PREVENTIVO" in text
    assert f'href="{reverse("cart:quote_proceed")}"' in text
    assert "Il carrello è vuoto." in client.get(reverse("cart:detail")).text

    edit_url = reverse("cart:edit_line", kwargs={"pk": line.pk})
    client.post(edit_url, {"indirizzo": "Via Rizzoli 2, Bologna"})
    line.refresh_from_db()
    assert line.answers == {"indirizzo": "Via Rizzoli 2, Bologna"}

    client.post(reverse("cart:remove_line", kwargs={"pk": line.pk}))
    assert not CartLine.objects.exists()
    assert "Il carrello preventivi è vuoto." in client.get(reverse("cart:quote_detail")).text


def test_inactive_or_unknown_service_cannot_be_added(client, appraisal):
    appraisal.is_active = False
    appraisal.save()
    assert client.get(reverse("cart:add", kwargs={"slug": appraisal.slug})).status_code == 404
    response = client.post(reverse("cart:add", kwargs={"slug": appraisal.slug}), URGENT)
    assert response.status_code == 404
    assert client.get(reverse("cart:add", kwargs={"slug": "non-esiste"})).status_code == 404
    assert not CartLine.objects.exists()


def test_edit_returns_to_a_safe_next_url_only(client, appraisal):
    client.post(reverse("cart:add", kwargs={"slug": appraisal.slug}), URGENT)
    line = _only_line()
    edit_url = reverse("cart:edit_line", kwargs={"pk": line.pk})

    page = client.get(edit_url, {"next": "/checkout/riepilogo/"})
    assert '<input type="hidden" name="next" value="/checkout/riepilogo/">' in page.text
    back = client.post(edit_url, {**STANDARD, "next": "/checkout/riepilogo/"})
    assert back["Location"] == "/checkout/riepilogo/"

    evil = client.post(edit_url, {**URGENT, "next": "https://evil.example/"})
    assert evil["Location"] == reverse("cart:detail")
    page = client.get(edit_url, {"next": "//evil.example/"})
    assert "evil.example" not in page.text


def test_anonymous_proceed_goes_to_login_and_back(client, appraisal, settings):
    settings.ROOT_URLCONF = "sportello.cart.tests.urls_without_checkout"
    client.post(reverse("cart:add", kwargs={"slug": appraisal.slug}), URGENT)
    page = client.get(reverse("cart:detail"))
    assert f'href="{reverse("cart:proceed")}"' in page.text

    response = client.get(reverse("cart:proceed"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/carrello/procedi/"

    quote = client.get(reverse("cart:quote_proceed"))
    assert quote["Location"] == f"{reverse('account_login')}?next=/carrello/preventivi/procedi/"


def test_logged_in_proceed_with_an_empty_cart_stays_on_the_cart(customer_client):
    response = customer_client.get(reverse("cart:proceed"), follow=True)
    assert response.redirect_chain == [(reverse("cart:detail"), 302)]
    assert "Il carrello è vuoto." in response.text


def test_logged_in_quote_proceed_leads_to_the_quote_request(customer_client, due_diligence):
    customer_client.post(
        reverse("cart:add", kwargs={"slug": due_diligence.slug}), {"indirizzo": "Via Roma 1"}
    )
    response = customer_client.get(reverse("cart:quote_proceed"), follow=True)
    assert response.redirect_chain == [(reverse("quotes:request"), 302)]
    assert "RICHIEDI PREVENTIVO" in response.text
    assert CartLine.objects.filter(cart__kind=CartKind.QUOTE).count() == 1


def test_customer_adds_to_own_cart(customer_client, customer):
    service = build_appraisal(slug="perizia-cliente")
    customer_client.post(reverse("cart:add", kwargs={"slug": service.slug}), URGENT)
    line = _only_line()
    assert line.cart.user == customer
    assert line.cart.kind == CartKind.PURCHASE


@pytest.mark.parametrize(
    ("urlconf", "expected"),
    [
        ("sportello.cart.tests.urls_without_checkout", "/carrello/"),
        ("sportello.cart.tests.urls_with_checkout", "/cassa/"),
    ],
)
def test_logged_in_proceed_goes_to_the_checkout_once_it_exists(
    customer_client, appraisal, settings, urlconf, expected
):
    settings.ROOT_URLCONF = urlconf
    customer_client.post(reverse("cart:add", kwargs={"slug": appraisal.slug}), URGENT)

    response = customer_client.get(reverse("cart:proceed"))

    assert response.status_code == 302
    assert response["Location"] == expected
    button = customer_client.get(reverse("cart:detail")).text
    link = "/cassa/" if expected == "/cassa/" else reverse("cart:proceed")
    assert f'<a class="button" href="{link}">PROCEDI ALL\'ACQUISTO</a>' in button


def test_modifica_prefills_every_kind_of_answer_and_keeps_supplements(client):
    service = ServiceFactory(slug="ape", net_price=Decimal("200.00"))
    FormFieldFactory(service=service, key="data", label="Data", field_type=FieldType.DATE)
    FormFieldFactory(service=service, key="mq", label="Superficie", field_type=FieldType.DECIMAL)
    FormFieldFactory(
        service=service,
        key="sopralluogo",
        label="Sopralluogo",
        field_type=FieldType.BOOLEAN,
        price_supplement=Decimal("20.00"),
    )
    extras = FormFieldFactory(
        service=service, key="extra", label="Extra", field_type=FieldType.MULTIPLE_CHOICE
    )
    FieldChoiceFactory(
        field=extras, value="copia", label="Copia cartacea", price_supplement=Decimal("5.00")
    )
    FieldChoiceFactory(field=extras, value="pec", label="Invio PEC")
    FormFieldFactory(
        service=service, key="provincia", label="Provincia", field_type=FieldType.PROVINCIA
    )
    data = {
        "data": "15/03/2026",
        "mq": "120,50",
        "sopralluogo": "si",
        "extra": ["copia", "pec"],
        "provincia": "BO",
    }
    client.post(reverse("cart:add", kwargs={"slug": "ape"}), data)
    line = _only_line()
    expected = {
        "data": "2026-03-15",
        "mq": "120.50",
        "sopralluogo": True,
        "extra": ["copia", "pec"],
        "provincia": "BO",
    }
    assert line.answers == expected

    edit_page = client.get(reverse("cart:edit_line", kwargs={"pk": line.pk})).text
    assert 'name="data" value="2026-03-15"' in edit_page
    assert 'name="mq" value="120,50"' in edit_page
    assert 'value="si" required id="id_sopralluogo_0" checked' in edit_page
    assert 'value="copia" id="id_extra_0" checked' in edit_page
    assert 'value="pec" id="id_extra_1" checked' in edit_page
    assert '<option value="BO" selected>' in edit_page

    # Saving the pre-filled form unchanged gives back the same answers and the same price.
    client.post(reverse("cart:edit_line", kwargs={"pk": line.pk}), {**data, "data": "2026-03-15"})
    line.refresh_from_db()
    assert line.answers == expected
    cart_page = client.get(reverse("cart:detail")).text
    assert "<dt>Data</dt><dd>15/03/2026</dd>" in cart_page
    assert "<dt>Extra</dt><dd>Copia cartacea, Invio PEC</dd>" in cart_page
    assert "<dt>Provincia</dt><dd>Bologna (BO)</dd>" in cart_page
    # 200 + 20 + 5 = 225 net, 49,50 VAT.
    assert 'id="cart-total-gross">274,50\u00a0€' in cart_page


def test_remove_returns_to_a_safe_next_url_only(client, appraisal):
    add_url = reverse("cart:add", kwargs={"slug": appraisal.slug})
    client.post(add_url, URGENT)
    client.post(add_url, STANDARD)
    first, second = CartLine.objects.order_by("pk")

    back = client.post(
        reverse("cart:remove_line", kwargs={"pk": first.pk}), {"next": "/checkout/riepilogo/"}
    )
    assert back["Location"] == "/checkout/riepilogo/"
    evil = client.post(
        reverse("cart:remove_line", kwargs={"pk": second.pk}), {"next": "https://evil.example/"}
    )
    assert evil["Location"] == reverse("cart:detail")
    assert not CartLine.objects.exists()
