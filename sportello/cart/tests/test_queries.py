"""Header counts, cart pricing from the live catalogue, review notes and query counts."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from sportello.cart.models import CartKind
from sportello.cart.queries import (
    NOTE_FORM_CHANGED,
    NOTE_NOW_ON_QUOTE,
    NOTE_UNAVAILABLE,
    cart_counts,
    cart_for_request,
    priced_cart,
)
from sportello.cart.tests.conftest import build_appraisal
from sportello.cart.tests.factories import CartFactory, CartLineFactory
from sportello.catalogue.models import FieldChoice, FieldType, PricingMode
from sportello.catalogue.tests.factories import (
    FieldChoiceFactory,
    FormFieldFactory,
    QuoteServiceFactory,
)

pytestmark = pytest.mark.django_db

URGENT = {"comune": "Bologna", "urgenza": "urgente", "note": None}


def _request(user=None, **session):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.session.update(session)
    request.user = user or AnonymousUser()
    return request


def test_counts_need_no_query_for_a_visitor_without_cart(django_assert_num_queries):
    request = _request()
    with django_assert_num_queries(0):
        assert cart_counts(request) == {"purchase": 0, "quote": 0}


def test_counts_take_one_query(customer, django_assert_num_queries):
    cart = CartFactory(user=customer)
    CartLineFactory.create_batch(2, cart=cart)
    CartLineFactory(cart=CartFactory(user=customer, kind=CartKind.QUOTE))
    CartLineFactory(cart=CartFactory())  # someone else's anonymous cart
    with django_assert_num_queries(1):
        assert cart_counts(_request(customer)) == {"purchase": 2, "quote": 1}

    anonymous = CartFactory()
    CartLineFactory.create_batch(3, cart=anonymous)
    request = _request(cart_ids={"purchase": anonymous.pk})
    with django_assert_num_queries(1):
        assert cart_counts(request) == {"purchase": 3, "quote": 0}


def test_header_shows_both_counts_on_every_page(client, appraisal, due_diligence):
    add = reverse("cart:add", kwargs={"slug": appraisal.slug})
    client.post(add, {"comune": "Bologna", "urgenza": "urgente"})
    client.post(add, {"comune": "Modena", "urgenza": "standard"})
    client.post(reverse("cart:add", kwargs={"slug": due_diligence.slug}), {"indirizzo": "Via A"})

    for url in (reverse("pages:home"), appraisal.get_absolute_url(), reverse("cart:detail")):
        text = client.get(url).text
        assert 'id="cart-count" aria-label="2 servizi nel carrello">2</span>' in text
        assert 'id="quote-cart-count" aria-label="1 servizio nel carrello preventivi">1</span>' in (
            text
        )


def test_priced_cart_from_the_live_catalogue(customer, appraisal):
    cart = CartFactory(user=customer)
    CartLineFactory(cart=cart, service=appraisal, answers=URGENT)
    CartLineFactory(cart=cart, service=appraisal, answers={**URGENT, "urgenza": "standard"})

    priced = priced_cart(cart)
    first, second = priced.lines
    assert first.price.base_net == Decimal("100.00")
    assert [(s.label, s.net) for s in first.price.supplements] == [
        ("Urgenza: Consegna urgente", Decimal("30.00"))
    ]
    assert first.price.vat_rate == Decimal("22.00")
    assert (first.price.price.net, first.price.price.vat, first.price.price.gross) == (
        Decimal("130.00"),
        Decimal("28.60"),
        Decimal("158.60"),
    )
    assert [(a.label, a.value) for a in first.answers_summary] == [
        ("Comune", "Bologna"),
        ("Urgenza", "Consegna urgente"),
        ("Note per il tecnico", "—"),
    ]
    assert second.price.price.gross == Decimal("122.00")
    assert (priced.total.net, priced.total.vat, priced.total.gross) == (
        Decimal("230.00"),
        Decimal("50.60"),
        Decimal("280.60"),
    )
    assert not priced.is_empty
    assert not priced.needs_review

    # Staff raise the price: the cart follows the catalogue, nothing is frozen on the line.
    appraisal.net_price = Decimal("110.00")
    appraisal.save()
    assert priced_cart(cart).total.gross == Decimal("305.00")


def test_priced_cart_queries_do_not_grow_with_its_lines(customer, django_assert_num_queries):
    cart = CartFactory(user=customer)
    CartLineFactory(cart=cart, service=build_appraisal(slug="perizia-1"), answers=URGENT)
    with django_assert_num_queries(3):  # lines with services, form fields, their choices
        priced = priced_cart(cart)
        assert [a.value for a in priced.lines[0].answers_summary][1] == "Consegna urgente"
    for number in range(2, 6):
        CartLineFactory(
            cart=cart, service=build_appraisal(slug=f"perizia-{number}"), answers=URGENT
        )
    with django_assert_num_queries(3):
        priced = priced_cart(cart)
        # What the templates and the pricing read is in memory: no query per line or field.
        for item in priced.lines:
            for definition in item.service.form_fields.all():
                list(definition.choices.all())
        assert priced.total.gross == Decimal("158.60") * 5


def test_priced_cart_takes_form_definitions_from_the_catalogue_cache_and_sees_edits_at_once(
    customer, settings, django_assert_num_queries
):
    settings.CATALOGUE_CACHE_SECONDS = 300
    appraisal = build_appraisal()
    cart = CartFactory(user=customer)
    CartLineFactory(cart=cart, service=appraisal, answers=URGENT)
    assert priced_cart(cart, request=_request(customer)).total.gross == Decimal("158.60")
    with django_assert_num_queries(2):  # the catalogue version, the lines with their services
        assert priced_cart(cart, request=_request(customer)).total.gross == Decimal("158.60")

    # Staff raise the urgency supplement: the next request prices it (the version moved on).
    urgent = FieldChoice.objects.get(value="urgente")
    urgent.price_supplement = Decimal("50.00")
    urgent.save()
    assert priced_cart(cart, request=_request(customer)).total.gross == Decimal("183.00")
    # Placing an order (no request) always reads the database.
    assert priced_cart(cart).total.gross == Decimal("183.00")


def test_empty_and_missing_carts(customer):
    assert priced_cart(None).is_empty
    assert priced_cart(None).total.gross == Decimal("0.00")
    assert priced_cart(CartFactory(user=customer)).is_empty
    assert cart_for_request(_request(customer), CartKind.QUOTE) is None


def test_changed_form_asks_the_customer_to_check_the_line(customer_client, customer, appraisal):
    cart = CartFactory(user=customer)
    line = CartLineFactory(cart=cart, service=appraisal, answers=URGENT)
    # A new required question the stored answers do not have.
    FormFieldFactory(service=appraisal, position=9, key="foglio", label="Foglio")
    appraisal.form_version += 1
    appraisal.save()

    (priced_line,) = priced_cart(cart).lines
    assert priced_line.needs_review
    assert priced_line.review_note == NOTE_FORM_CHANGED
    assert priced_line.can_edit
    assert priced_line.price.price.gross == Decimal("158.60")
    page = customer_client.get(reverse("cart:detail"))
    assert "Il modulo di questo servizio è cambiato: verifica i dati con Modifica" in page.text
    proceed = customer_client.get(reverse("cart:proceed"), follow=True)
    assert proceed.redirect_chain == [(reverse("cart:detail"), 302)]
    assert "Prima di procedere verifica i servizi segnalati." in proceed.text

    customer_client.post(
        reverse("cart:edit_line", kwargs={"pk": line.pk}),
        {"comune": "Bologna", "urgenza": "urgente", "foglio": "12"},
    )
    line.refresh_from_db()
    assert line.form_version == appraisal.form_version
    assert not priced_cart(cart).needs_review


def test_a_form_change_the_answers_do_not_mind_asks_nothing(customer_client, customer, appraisal):
    """Staff reworded a help text (the form's version moves on): the line's answers pass
    today's form as they are, so the customer is not stopped; the order records today's
    version."""
    cart = CartFactory(user=customer)
    CartLineFactory(cart=cart, service=appraisal, answers=URGENT)
    appraisal.form_fields.filter(key="comune").update(help_text="Il comune dell'immobile")
    appraisal.form_version += 1
    appraisal.save()

    (priced_line,) = priced_cart(cart).lines

    assert not priced_line.needs_review
    assert priced_line.form_version == appraisal.form_version
    page = customer_client.get(reverse("cart:detail")).text
    assert "verifica i dati con Modifica" not in page

    import uuid

    from sportello.cart.actions import place_order
    from sportello.orders.tests.conftest import BILLING

    order = place_order(
        customer=customer,
        cart=cart,
        billing=BILLING,
        payment_method="bank_transfer",
        checkout_token=uuid.uuid4(),
    )
    assert order.lines.get().form_version == appraisal.form_version


def test_the_edit_page_flags_an_answer_a_changed_form_now_refuses(
    customer_client, customer, appraisal
):
    """Staff lowered a number's maximum after the line was filled: "Modifica" shows the
    message next to that answer at once (not only after saving), keeping what was typed."""
    surface = FormFieldFactory(
        service=appraisal,
        position=4,
        key="superficie",
        label="Superficie (m²)",
        field_type=FieldType.INTEGER,
        max_value=Decimal("1000"),
    )
    cart = CartFactory(user=customer)
    line = CartLineFactory(
        cart=cart,
        service=appraisal,
        answers={**URGENT, "superficie": 800},
        form_version=appraisal.form_version,
    )
    edit = reverse("cart:edit_line", kwargs={"pk": line.pk})
    assert "Il valore massimo" not in customer_client.get(edit).text
    surface.max_value = Decimal("500")
    surface.save()
    appraisal.form_version += 1
    appraisal.save()

    page = customer_client.get(edit)

    assert page.status_code == 200
    assert "Il valore massimo è 500." in page.text
    assert "correggi i campi segnalati" in page.text
    assert page.context["form"].errors["superficie"] == ["Il valore massimo è 500."]
    assert 'value="800"' in page.text
    # A changed form that still takes every answer shows no error.
    surface.max_value = None
    surface.save()
    calm = customer_client.get(edit).text
    assert "correggi i campi segnalati" not in calm
    assert "Il valore massimo" not in calm


def test_inactive_service_is_flagged_and_left_out_of_the_total(
    customer_client, customer, appraisal
):
    cart = CartFactory(user=customer)
    line = CartLineFactory(cart=cart, service=appraisal, answers=URGENT)
    appraisal.is_active = False
    appraisal.save()

    priced = priced_cart(cart)
    (priced_line,) = priced.lines
    assert priced_line.review_note == NOTE_UNAVAILABLE
    assert priced_line.price is None
    assert not priced_line.can_edit
    assert priced.total.gross == Decimal("0.00")
    page = customer_client.get(reverse("cart:detail"))
    assert NOTE_UNAVAILABLE in page.text
    assert reverse("cart:edit_line", kwargs={"pk": line.pk}) not in page.text

    response = customer_client.post(
        reverse("cart:edit_line", kwargs={"pk": line.pk}), {"comune": "Modena"}
    )
    assert response["Location"] == reverse("cart:detail")
    line.refresh_from_db()
    assert line.answers == URGENT


def test_service_moved_to_quote_is_flagged_in_the_purchase_cart(customer, appraisal):
    cart = CartFactory(user=customer)
    CartLineFactory(cart=cart, service=appraisal, answers=URGENT)
    appraisal.pricing_mode = PricingMode.QUOTE
    appraisal.net_price = None
    appraisal.save()

    priced = priced_cart(cart)
    assert priced.lines[0].review_note == NOTE_NOW_ON_QUOTE
    assert priced.needs_review
    assert priced.total.gross == Decimal("0.00")


def _fill_cart(cart, count):
    for index in range(count):
        service = build_appraisal(slug=f"perizia-{cart.pk}-{index}")
        CartLineFactory(cart=cart, service=service, answers=URGENT)


@pytest.mark.parametrize("lines", [1, 5])
def test_cart_page_query_count_does_not_grow(
    customer_client, customer, lines, django_assert_num_queries
):
    _fill_cart(CartFactory(user=customer), lines)
    # session, user, cart, lines with services, form fields, choices, header counts, menu
    with django_assert_num_queries(8):
        response = customer_client.get(reverse("cart:detail"))
    assert response.text.count('class="cart-line') == lines


@pytest.mark.parametrize("lines", [1, 5])
def test_anonymous_cart_page_query_count_does_not_grow(client, lines, django_assert_num_queries):
    cart = CartFactory()
    _fill_cart(cart, lines)
    session = client.session
    session["cart_ids"] = {"purchase": cart.pk}
    session.save()
    # session, cart, lines with services, form fields, choices, header counts, menu
    with django_assert_num_queries(7):
        response = client.get(reverse("cart:detail"))
    assert response.text.count('class="cart-line') == lines


@pytest.mark.parametrize("lines", [1, 5])
def test_quote_cart_page_query_count_does_not_grow(
    customer_client, customer, lines, django_assert_num_queries
):
    cart = CartFactory(user=customer, kind=CartKind.QUOTE)
    for _ in range(lines):
        service = QuoteServiceFactory()
        field = FormFieldFactory(service=service, key="tipo", field_type=FieldType.CHOICE)
        FieldChoiceFactory(field=field, value="villa", label="Villa")
        CartLineFactory(cart=cart, service=service, answers={"tipo": "villa"})
    # session, user, cart, lines with services, form fields, choices, header counts, menu
    with django_assert_num_queries(8):
        response = customer_client.get(reverse("cart:quote_detail"))
    assert response.text.count('class="cart-line') == lines
    assert response.text.count("<dt>Domanda") == lines


@pytest.mark.parametrize("lines", [1, 5])
def test_priced_cart_takes_three_queries(customer, lines, django_assert_num_queries):
    cart = CartFactory(user=customer)
    _fill_cart(cart, lines)
    with django_assert_num_queries(3):
        priced = priced_cart(cart)
        # Reading everything the templates read must not query again.
        for item in priced.lines:
            assert item.price.price.gross == Decimal("158.60")
            assert [a.value for a in item.answers_summary][:2] == ["Bologna", "Consegna urgente"]
            assert item.can_edit
    assert priced.total.gross == Decimal("158.60") * lines
