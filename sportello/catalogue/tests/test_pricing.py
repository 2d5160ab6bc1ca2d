"""Line prices: base price plus the supplements the answers select, VAT per line, half up."""

from decimal import Decimal

import pytest

from sportello.catalogue.models import FieldType
from sportello.catalogue.pricing import Supplement, price_line
from sportello.catalogue.tests.factories import (
    FormFieldFactory,
    QuoteServiceFactory,
    ServiceFactory,
)
from sportello.catalogue.tests.helpers import answers_form, definitions, field_with_choices
from sportello.core.money import TaxedPrice

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    service = ServiceFactory(slug="perizia", net_price=Decimal("390.00"))
    field_with_choices(
        FieldType.CHOICE,
        [("standard", "Standard", Decimal("0")), ("urgente", "Consegna urgente", Decimal("30"))],
        service=service,
        key="consegna",
        label="Tempi di consegna",
        position=1,
    )
    field_with_choices(
        FieldType.MULTIPLE_CHOICE,
        [
            ("bilanci", "Bilanci", Decimal("25.00")),
            ("protesti", "Protesti", Decimal("15.50")),
            ("visura", "Visura", Decimal("0")),
        ],
        service=service,
        key="sezioni",
        label="Sezioni aggiuntive",
        is_required=False,
        position=2,
    )
    FormFieldFactory(
        service=service,
        key="storica",
        label="Visura storica",
        field_type=FieldType.BOOLEAN,
        is_required=False,
        price_supplement=Decimal("12.00"),
        position=3,
    )
    return service


def test_base_price_only(service):
    line = price_line(service, definitions(service), {"consegna": "standard", "storica": False})

    assert line.base_net == Decimal("390.00")
    assert line.supplements == []
    assert line.vat_rate == Decimal("22.00")
    assert line.price == TaxedPrice(
        net=Decimal("390.00"), vat=Decimal("85.80"), gross=Decimal("475.80")
    )


def test_single_choice_supplement(service):
    line = price_line(service, definitions(service), {"consegna": "urgente"})

    assert line.supplements == [Supplement("Tempi di consegna: Consegna urgente", Decimal("30.00"))]
    assert line.price == TaxedPrice(
        net=Decimal("420.00"), vat=Decimal("92.40"), gross=Decimal("512.40")
    )


def test_multiple_choice_supplements_add_up(service):
    answers = {"consegna": "standard", "sezioni": ["bilanci", "protesti", "visura"]}
    line = price_line(service, definitions(service), answers)

    assert line.supplements == [
        Supplement("Sezioni aggiuntive: Bilanci", Decimal("25.00")),
        Supplement("Sezioni aggiuntive: Protesti", Decimal("15.50")),
    ]
    assert line.supplements_net == Decimal("40.50")
    assert line.price.net == Decimal("430.50")
    assert line.price.vat == Decimal("94.71")
    assert line.price.gross == Decimal("525.21")


def test_yes_no_supplement_only_when_yes(service):
    fields = definitions(service)
    assert price_line(service, fields, {"storica": False}).price.net == Decimal("390.00")

    line = price_line(service, fields, {"storica": True})
    assert line.supplements == [Supplement("Visura storica", Decimal("12.00"))]
    assert line.price.net == Decimal("402.00")


def test_every_supplement_together(service):
    answers = {"consegna": "urgente", "sezioni": ["bilanci"], "storica": True}
    line = price_line(service, definitions(service), answers)

    assert line.price == TaxedPrice(
        net=Decimal("457.00"), vat=Decimal("100.54"), gross=Decimal("557.54")
    )


def test_vat_is_rounded_half_up_on_the_line():
    service = ServiceFactory(net_price=Decimal("10.25"))  # 22% of 10.25 = 2.255
    line = price_line(service, [], {})
    assert line.price == TaxedPrice(
        net=Decimal("10.25"), vat=Decimal("2.26"), gross=Decimal("12.51")
    )


def test_vat_of_base_plus_supplement_is_computed_once_on_the_total():
    # 0.25 + 0.25 at 22%: per part 0.055 -> 0.06 each (0.12); on the line 0.11.
    service = ServiceFactory(net_price=Decimal("0.25"))
    FormFieldFactory(
        service=service,
        key="extra",
        field_type=FieldType.BOOLEAN,
        price_supplement=Decimal("0.25"),
    )
    line = price_line(service, definitions(service), {"extra": True})
    assert line.price == TaxedPrice(net=Decimal("0.50"), vat=Decimal("0.11"), gross=Decimal("0.61"))


def test_other_vat_rate():
    service = ServiceFactory(net_price=Decimal("100.00"), vat_rate=Decimal("10.00"))
    assert price_line(service, [], {}).price == TaxedPrice(
        net=Decimal("100.00"), vat=Decimal("10.00"), gross=Decimal("110.00")
    )


def test_answer_naming_a_choice_that_no_longer_exists_adds_nothing(service):
    line = price_line(service, definitions(service), {"consegna": "lampo", "sezioni": ["nulla"]})
    assert line.supplements == []
    assert line.price.net == Decimal("390.00")


def test_price_follows_the_live_catalogue(service):
    answers = {"consegna": "urgente"}
    service.form_fields.get(key="consegna").choices.filter(value="urgente").update(
        price_supplement=Decimal("45.00")
    )
    service.net_price = Decimal("400.00")
    service.save()

    assert price_line(service, definitions(service), answers).price.net == Decimal("445.00")


def test_quote_only_service_has_no_price():
    service = QuoteServiceFactory()
    FormFieldFactory(
        service=service, key="urgente", field_type=FieldType.BOOLEAN, price_supplement=Decimal("30")
    )
    assert price_line(service, definitions(service), {"urgente": True}) is None


def test_form_answers_price_end_to_end(service):
    form = answers_form(service, {"consegna": "urgente", "sezioni": ["protesti"], "storica": "si"})
    assert form.is_valid(), form.errors

    line = price_line(service, form.fields_definition, form.answers())

    assert line.price == TaxedPrice(
        net=Decimal("447.50"), vat=Decimal("98.45"), gross=Decimal("545.95")
    )
