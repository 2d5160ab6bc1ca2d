"""The service form's live price (issue 15): the cart's own pricing, on every change."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from sportello.cart.models import Cart, CartKind
from sportello.cart.queries import live_price, priced_cart, pricing_field_keys
from sportello.cart.tests.factories import CartLineFactory
from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import (
    FieldChoiceFactory,
    FormFieldFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def appraisal_with_extras(appraisal):
    """The appraisal, plus a yes/no supplement and a multiple choice with supplements."""
    FormFieldFactory(
        service=appraisal,
        position=4,
        key="sopralluogo",
        label="Sopralluogo",
        field_type=FieldType.BOOLEAN,
        is_required=False,
        price_supplement=Decimal("15.50"),
    )
    extras = FormFieldFactory(
        service=appraisal,
        position=5,
        key="allegati",
        label="Allegati",
        field_type=FieldType.MULTIPLE_CHOICE,
        is_required=False,
    )
    FieldChoiceFactory(field=extras, position=1, value="foto", label="Foto", price_supplement=0)
    FieldChoiceFactory(
        field=extras,
        position=2,
        value="planimetria",
        label="Planimetria",
        price_supplement=Decimal("9.99"),
    )
    return appraisal


def _url(service) -> str:
    return reverse("cart:live_price", kwargs={"slug": service.slug})


def test_pricing_fields_are_the_questions_with_supplements(appraisal_with_extras):
    fields = list(appraisal_with_extras.form_fields.prefetch_related("choices"))
    assert pricing_field_keys(fields) == ["urgenza", "sopralluogo", "allegati"]


def test_live_price_is_the_price_the_cart_shows(customer, appraisal_with_extras):
    data = QueryDict(mutable=True)
    data.update({"urgenza": "urgente", "sopralluogo": "si"})
    data.setlist("allegati", ["foto", "planimetria"])
    price = live_price(appraisal_with_extras, data)
    # 100,00 + 30,00 + 15,50 + 9,99 = 155,49 net; VAT 34,21 (rounded half up per line).
    assert price.price.net == Decimal("155.49")
    assert price.price.vat == Decimal("34.21")
    assert price.price.gross == Decimal("189.70")
    cart = Cart.objects.create(user=customer, kind=CartKind.PURCHASE)
    CartLineFactory(
        cart=cart,
        service=appraisal_with_extras,
        answers={
            "comune": "Bologna",
            "urgenza": "urgente",
            "note": None,
            "sopralluogo": True,
            "allegati": ["foto", "planimetria"],
        },
    )
    assert priced_cart(cart).lines[0].price == price


def test_invalid_or_missing_answers_add_nothing(appraisal_with_extras):
    price = live_price(appraisal_with_extras, QueryDict("urgenza=lampo&sopralluogo=forse"))
    assert price.price.gross == Decimal("122.00")
    assert price.supplements == []


def test_endpoint_returns_the_fragment_with_the_new_total(client, appraisal_with_extras):
    response = client.get(_url(appraisal_with_extras), {"urgenza": "urgente"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "<html" not in text
    assert "158,60\u00a0€" in text
    assert "Urgenza: Consegna urgente: +30,00\u00a0€ + IVA" in text


def test_endpoint_reads_only(client, appraisal_with_extras):
    assert client.post(_url(appraisal_with_extras), {"urgenza": "urgente"}).status_code == 405
    assert Cart.objects.count() == 0


def test_form_page_wires_the_live_price_and_works_without_it(client, appraisal_with_extras):
    page = client.get(reverse("cart:add", kwargs={"slug": appraisal_with_extras.slug}))
    text = page.content.decode()
    trigger = (
        "change from:[name=urgenza], change from:[name=sopralluogo], change from:[name=allegati]"
    )
    assert f'hx-get="{_url(appraisal_with_extras)}" hx-trigger="{trigger}"' in text
    assert 'hx-params="urgenza,sopralluogo,allegati"' in text
    assert 'id="live-price" role="status" aria-live="polite"' in text
    assert "122,00\u00a0€" in text
    assert "il prezzo con le opzioni scelte è sotto il modulo" in text
    # Without JavaScript the form posts as before; a re-shown form prices what was chosen.
    response = client.post(
        reverse("cart:add", kwargs={"slug": appraisal_with_extras.slug}),
        {"urgenza": "urgente", "sopralluogo": "no"},
    )
    assert response.status_code == 200  # "comune" is missing
    assert "158,60\u00a0€" in response.content.decode()


def test_edit_page_shows_the_line_price(customer_client, customer, appraisal_with_extras):
    cart = Cart.objects.create(user=customer, kind=CartKind.PURCHASE)
    line = CartLineFactory(
        cart=cart,
        service=appraisal_with_extras,
        answers={"comune": "Bologna", "urgenza": "urgente", "sopralluogo": True},
    )
    page = customer_client.get(reverse("cart:edit_line", kwargs={"pk": line.pk}))
    # 145,50 net + 32,01 VAT.
    assert "177,51\u00a0€" in page.content.decode()


def test_service_without_supplements_has_no_live_price(client, db):
    service = ServiceFactory(net_price=Decimal("50.00"))
    text = client.get(reverse("cart:add", kwargs={"slug": service.slug})).content.decode()
    assert "hx-get" not in text
    assert 'id="live-price"' not in text
