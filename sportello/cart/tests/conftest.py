from decimal import Decimal

import pytest

from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import (
    FieldChoiceFactory,
    FormFieldFactory,
    QuoteServiceFactory,
    ServiceFactory,
)


def build_appraisal(**service_kwargs):
    """A fixed-price service (100,00 € + 22% IVA) whose form has an urgency supplement."""
    service = ServiceFactory(
        name="Perizia immobiliare",
        net_price=Decimal("100.00"),
        vat_rate=Decimal("22.00"),
        **service_kwargs,
    )
    FormFieldFactory(
        service=service, position=1, key="comune", label="Comune", field_type=FieldType.COMUNE
    )
    urgency = FormFieldFactory(
        service=service, position=2, key="urgenza", label="Urgenza", field_type=FieldType.CHOICE
    )
    FieldChoiceFactory(field=urgency, position=1, value="standard", label="Standard")
    FieldChoiceFactory(
        field=urgency,
        position=2,
        value="urgente",
        label="Consegna urgente",
        price_supplement=Decimal("30.00"),
    )
    FormFieldFactory(
        service=service,
        position=3,
        key="note",
        label="Note per il tecnico",
        field_type=FieldType.TEXTAREA,
        is_required=False,
    )
    return service


@pytest.fixture
def appraisal(db):
    return build_appraisal(slug="perizia-immobiliare")


@pytest.fixture
def due_diligence(db):
    """A service sold on quote, with one required question."""
    service = QuoteServiceFactory(name="Due diligence immobiliare", slug="due-diligence")
    FormFieldFactory(
        service=service,
        position=1,
        key="indirizzo",
        label="Indirizzo dell'immobile",
        field_type=FieldType.TEXT,
    )
    return service
