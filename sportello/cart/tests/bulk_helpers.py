"""A service for "Ordine multiplo" tests and files built like a customer would fill them."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import (
    FieldChoiceFactory,
    FormFieldFactory,
    ServiceFactory,
)

VALID_CF = "RSSMRA80A01H501U"
HEADER = ["Intestatario", "Codice fiscale", "CAP", "Provincia", "Tipo di visura", "Urgente"]


def build_visura(**kwargs):
    """100,00 € + 22% IVA; "Storica" adds 10,00 €, "Urgente: Sì" adds 20,00 €."""
    service = ServiceFactory(
        name="Visura catastale",
        slug="visura-catastale",
        net_price=Decimal("100.00"),
        vat_rate=Decimal("22.00"),
        **kwargs,
    )
    FormFieldFactory(service=service, position=1, key="intestatario", label="Intestatario")
    FormFieldFactory(
        service=service,
        position=2,
        key="codice_fiscale",
        label="Codice fiscale",
        field_type=FieldType.CODICE_FISCALE,
    )
    FormFieldFactory(service=service, position=3, key="cap", label="CAP", field_type=FieldType.CAP)
    FormFieldFactory(
        service=service,
        position=4,
        key="provincia",
        label="Provincia",
        field_type=FieldType.PROVINCIA,
    )
    kind = FormFieldFactory(
        service=service,
        position=5,
        key="tipo",
        label="Tipo di visura",
        field_type=FieldType.CHOICE,
    )
    FieldChoiceFactory(field=kind, position=1, value="attuale", label="Attuale")
    FieldChoiceFactory(
        field=kind, position=2, value="storica", label="Storica", price_supplement=Decimal("10.00")
    )
    FormFieldFactory(
        service=service,
        position=6,
        key="urgente",
        label="Urgente",
        field_type=FieldType.BOOLEAN,
        is_required=False,
        price_supplement=Decimal("20.00"),
    )
    return service


def csv_file(rows, *, header=None, delimiter=";", name="ordine.csv") -> SimpleUploadedFile:
    lines = [delimiter.join(header or HEADER), *(delimiter.join(row) for row in rows)]
    content = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
    return SimpleUploadedFile(name, content, content_type="text/csv")


def xlsx_file(rows, *, header=None, name="ordine.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ordine"
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


GOOD_ROW = ["Mario Rossi", VALID_CF, "40121", "BO", "Attuale", "No"]
