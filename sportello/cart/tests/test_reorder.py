""" "Ordina di nuovo" (issue 15): a past order's lines back into the cart, answers validated
again against today's form, files re-attached only while still kept."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from sportello.cart.actions import update_line
from sportello.cart.models import Cart, CartKind, CartLine, CartLineFile
from sportello.cart.queries import NOTE_ANSWERS_TO_COMPLETE, priced_cart, review_note
from sportello.catalogue.actions import bump_form_version
from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import (
    FieldChoiceFactory,
    FormFieldFactory,
    ServiceFactory,
)
from sportello.orders.tests.factories import OrderFactory, OrderLineFactory
from sportello.uploads.models import Upload

pytestmark = pytest.mark.django_db

URGENT = {"comune": "Bologna", "urgenza": "urgente", "note": "Citofonare Rossi"}


@pytest.fixture
def past_order(customer, appraisal):
    order = OrderFactory(customer=customer)
    OrderLineFactory(order=order, service=appraisal, answers=dict(URGENT), position=0)
    return order


def _url(order) -> str:
    return reverse("cart:reorder", kwargs={"number": order.number})


def _cart_lines(customer) -> list[CartLine]:
    return list(CartLine.objects.filter(cart__user=customer, cart__kind=CartKind.PURCHASE))


def _upload(owner, name="planimetria.pdf") -> Upload:
    upload = Upload(original_name=name, size=9, content_type="application/pdf", owner=owner)
    upload.file.save(name, ContentFile(b"%PDF-1.4\n"), save=False)
    upload.save()
    return upload


def test_same_form_puts_the_lines_back_with_the_same_answers(customer_client, customer, past_order):
    response = customer_client.post(_url(past_order))
    assert response.status_code == 302
    assert response["Location"] == reverse("cart:detail")
    [line] = _cart_lines(customer)
    assert line.answers == URGENT
    assert line.flagged_fields == []
    assert review_note(line) == ""
    # Priced like any cart line, from today's catalogue: 130,00 + 22% IVA.
    assert priced_cart(line.cart).total.gross == Decimal("158.60")
    page = customer_client.get(reverse("cart:detail"))
    assert f"I servizi dell&#x27;ordine {past_order.number} sono stati aggiunti" in (
        page.content.decode()
    )


def test_lines_are_added_to_what_the_cart_already_holds(customer_client, customer, past_order):
    customer_client.post(_url(past_order))
    customer_client.post(_url(past_order))
    assert len(_cart_lines(customer)) == 2
    assert Cart.objects.filter(user=customer).count() == 1


def test_changed_form_flags_the_answers_it_refuses(
    customer_client, customer, past_order, appraisal
):
    # Today "Consegna urgente" is gone and a new required question was added.
    appraisal.form_fields.get(key="urgenza").choices.filter(value="urgente").delete()
    FieldChoiceFactory(
        field=appraisal.form_fields.get(key="urgenza"), position=3, value="rapida", label="Rapida"
    )
    FormFieldFactory(
        service=appraisal, position=4, key="piano", label="Piano", field_type=FieldType.INTEGER
    )
    bump_form_version(appraisal)
    customer_client.post(_url(past_order))
    [line] = _cart_lines(customer)
    assert line.flagged_fields == ["urgenza", "piano"]
    assert line.answers == {
        "comune": "Bologna",
        "urgenza": None,
        "note": "Citofonare Rossi",
        "piano": None,
    }
    assert line.form_version == appraisal.form_version
    assert review_note(line) == NOTE_ANSWERS_TO_COMPLETE
    # The cart will not go on to the checkout until the customer has answered.
    assert priced_cart(line.cart).needs_review
    response = customer_client.get(reverse("cart:proceed"))
    assert response["Location"] == reverse("cart:detail")

    edit = customer_client.get(reverse("cart:edit_line", kwargs={"pk": line.pk}))
    text = edit.content.decode()
    assert "Il modulo di questo servizio è cambiato dal tuo ordine" in text
    assert 'id="id_urgenza_error"' in text or 'aria-describedby="id_urgenza_error"' in text
    assert 'aria-describedby="id_piano_error"' in text
    assert 'value="Bologna"' in text  # what still holds is kept
    response = customer_client.post(
        reverse("cart:edit_line", kwargs={"pk": line.pk}),
        {"comune": "Bologna", "urgenza": "rapida", "note": "", "piano": "3"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.flagged_fields == []
    assert review_note(line) == ""


def test_file_is_reattached_while_it_is_kept(customer_client, customer, db):
    service = _service_with_file()
    upload = _upload(customer)
    order = OrderFactory(customer=customer)
    OrderLineFactory(
        order=order,
        service=service,
        answers={"planimetria": {"file_id": upload.pk, "name": "planimetria.pdf"}},
    )
    customer_client.post(_url(order))
    [line] = _cart_lines(customer)
    assert line.answers == {"planimetria": {"file_id": upload.pk, "name": "planimetria.pdf"}}
    assert line.flagged_fields == []
    assert CartLineFile.objects.get(line=line).upload == upload


def test_file_no_longer_kept_is_asked_again(customer_client, customer, other_customer):
    service = _service_with_file()
    theirs = _upload(other_customer)
    order = OrderFactory(customer=customer)
    # One answer names an upload since deleted, the other someone else's file.
    OrderLineFactory(
        order=order,
        service=service,
        position=0,
        answers={"planimetria": {"file_id": 999_999, "name": "vecchia.pdf"}},
    )
    OrderLineFactory(
        order=order,
        service=service,
        position=1,
        answers={"planimetria": {"file_id": theirs.pk, "name": "planimetria.pdf"}},
    )
    customer_client.post(_url(order))
    lines = _cart_lines(customer)
    assert [line.flagged_fields for line in lines] == [["planimetria"], ["planimetria"]]
    assert [line.answers for line in lines] == [{"planimetria": None}] * 2
    assert not CartLineFile.objects.filter(line__in=lines).exists()


def test_services_no_longer_on_sale_are_left_out(customer_client, customer, past_order, appraisal):
    appraisal.is_active = False
    appraisal.save()
    response = customer_client.post(_url(past_order), follow=True)
    assert _cart_lines(customer) == []
    assert "Non più acquistabili online, non aggiunti: «Perizia immobiliare»." in (
        response.content.decode()
    )


def test_another_customers_order_is_not_found(client, other_customer, past_order, customer):
    client.force_login(other_customer)
    assert client.post(_url(past_order)).status_code == 404
    assert not CartLine.objects.exists()


def test_reorder_is_post_only_and_needs_a_login(client, customer_client, past_order):
    assert customer_client.get(_url(past_order)).status_code == 405
    client.logout()
    response = client.post(_url(past_order))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not CartLine.objects.exists()


def test_order_page_offers_ordina_di_nuovo(customer_client, past_order):
    page = customer_client.get(reverse("orders:detail", kwargs={"number": past_order.number}))
    text = page.content.decode()
    assert f'action="{_url(past_order)}"' in text
    assert "Ordina di nuovo</button>" in text


def test_modifica_empties_the_flags(customer, appraisal):
    cart = Cart.objects.create(user=customer, kind=CartKind.PURCHASE)
    line = CartLine.objects.create(
        cart=cart, service=appraisal, answers={}, form_version=1, flagged_fields=["urgenza"]
    )
    update_line(line=line, answers=dict(URGENT), form_version=appraisal.form_version)
    line.refresh_from_db()
    assert line.flagged_fields == []


def _service_with_file():
    service = ServiceFactory(name="Attestato di prestazione energetica", slug="ape")
    FormFieldFactory(
        service=service,
        position=1,
        key="planimetria",
        label="Planimetria",
        field_type=FieldType.FILE,
    )
    return service


def test_optional_file_no_longer_kept_is_flagged_too(customer_client, customer):
    service = ServiceFactory(name="Visura catastale", slug="visura-catastale")
    FormFieldFactory(
        service=service,
        position=1,
        key="allegato",
        label="Allegato",
        field_type=FieldType.FILE,
        is_required=False,
    )
    order = OrderFactory(customer=customer)
    OrderLineFactory(
        order=order, service=service, answers={"allegato": {"file_id": 999_999, "name": "a.pdf"}}
    )
    customer_client.post(_url(order))
    [line] = _cart_lines(customer)
    assert line.answers == {"allegato": None}
    assert line.flagged_fields == ["allegato"]
    edit = customer_client.get(reverse("cart:edit_line", kwargs={"pk": line.pk}))
    assert "compila di nuovo questo campo" in edit.content.decode()
