import uuid
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from sportello.cart.actions import place_order
from sportello.cart.tests.factories import CartFactory, CartLineFactory
from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import (
    FieldChoiceFactory,
    FormFieldFactory,
    ServiceFactory,
)
from sportello.contracts.queries import current_terms
from sportello.contracts.rules import TermsAcceptance
from sportello.uploads.models import Upload

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"

BILLING = {
    "kind": "person",
    "first_name": "Mario",
    "last_name": "Rossi",
    "codice_fiscale": "RSSMRA80A01H501U",
    "address": "Via Roma 1",
    "cap": "40121",
    "comune": "Bologna",
    "provincia": "BO",
    "country": "IT",
}


def build_appraisal():
    """100,00 € + 22% IVA; the "urgente" choice adds 30,00 €."""
    service = ServiceFactory(
        name="Perizia immobiliare", net_price=Decimal("100.00"), vat_rate=Decimal("22.00")
    )
    FormFieldFactory(service=service, position=1, key="indirizzo", label="Indirizzo")
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
    return service


def build_certificate():
    """50,00 € + 22% IVA; answering "Sì" to the sworn copy adds 10,00 €; asks for a PDF."""
    service = ServiceFactory(
        name="Visura catastale", net_price=Decimal("50.00"), vat_rate=Decimal("22.00")
    )
    FormFieldFactory(
        service=service,
        position=1,
        key="copia_conforme",
        label="Copia conforme",
        field_type=FieldType.BOOLEAN,
        is_required=False,
        price_supplement=Decimal("10.00"),
    )
    FormFieldFactory(
        service=service,
        position=2,
        key="planimetria",
        label="Planimetria",
        field_type=FieldType.FILE,
        is_required=False,
    )
    return service


def answer_file(owner, name="planimetria.pdf") -> Upload:
    item = Upload(
        original_name=name, content_type="application/pdf", size=len(PDF_BYTES), owner=owner
    )
    item.file.save(name, ContentFile(PDF_BYTES), save=False)
    item.save()
    return item


@pytest.fixture
def appraisal(db):
    return build_appraisal()


@pytest.fixture
def certificate(db):
    return build_certificate()


@pytest.fixture
def full_cart(customer, appraisal, certificate):
    """Two lines: appraisal with urgency (130 + 28,60) and certificate with sworn copy and
    a planimetry PDF (60 + 13,20). Totals: 190,00 + 41,80 = 231,80 €."""
    cart = CartFactory(user=customer)
    CartLineFactory(
        cart=cart,
        service=appraisal,
        answers={"indirizzo": "Via Roma 1, Bologna", "urgenza": "urgente"},
    )
    upload = answer_file(customer)
    CartLineFactory(
        cart=cart,
        service=certificate,
        answers={
            "copia_conforme": True,
            "planimetria": {"file_id": upload.pk, "name": upload.original_name},
        },
    )
    return cart


@pytest.fixture
def place(customer):
    """place_order with the test billing data: place(cart, payment_method=…, token=…)."""

    def _place(cart, *, payment_method="test_gateway", token=None, who=None, early_start=True):
        # By default the consumer asks to start at once, so staff may work on the order.
        return place_order(
            customer=who or customer,
            cart=cart,
            billing=BILLING,
            payment_method=payment_method,
            checkout_token=token or uuid.uuid4(),
            acceptance=TermsAcceptance(
                terms=current_terms(),
                accepted_at=timezone.now(),
                early_start_requested=early_start,
            ),
        )

    return _place


@pytest.fixture
def placed_order(full_cart, place):
    return place(full_cart)
