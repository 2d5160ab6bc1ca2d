"""Readable summaries of answers: labels, not keys."""

from decimal import Decimal

import pytest

from sportello.catalogue.answers import AnswerItem, summarize_answers
from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory
from sportello.catalogue.tests.helpers import definitions, field_with_choices

pytestmark = pytest.mark.django_db


def test_summary_uses_labels_and_italian_formats():
    service = ServiceFactory()
    field_with_choices(
        FieldType.CHOICE,
        [("appartamento", "Appartamento", Decimal("0")), ("villa", "Villa", Decimal("0"))],
        service=service,
        key="tipologia",
        label="Tipologia dell'immobile",
        position=1,
    )
    field_with_choices(
        FieldType.MULTIPLE_CHOICE,
        [("bilanci", "Bilanci", Decimal("25")), ("protesti", "Protesti", Decimal("15"))],
        service=service,
        key="sezioni",
        label="Sezioni aggiuntive",
        position=2,
    )
    for position, (key, label, field_type) in enumerate(
        [
            ("urgente", "Consegna urgente", FieldType.BOOLEAN),
            ("sopralluogo", "Data del sopralluogo", FieldType.DATE),
            ("superficie", "Superficie (m²)", FieldType.DECIMAL),
            ("provincia", "Provincia", FieldType.PROVINCIA),
            ("planimetria", "Planimetria", FieldType.FILE),
            ("piano", "Piano", FieldType.INTEGER),
            ("note", "Note", FieldType.TEXTAREA),
        ],
        start=3,
    ):
        FormFieldFactory(
            service=service, key=key, label=label, field_type=field_type, position=position
        )
    answers = {
        "tipologia": "villa",
        "sezioni": ["bilanci", "protesti"],
        "urgente": False,
        "sopralluogo": "2026-03-05",
        "superficie": "85.50",
        "provincia": "BO",
        "planimetria": {"file_id": 7, "name": "pianta.pdf"},
        "piano": 3,
        "note": None,
    }

    summary = summarize_answers(definitions(service), answers)

    assert summary == [
        AnswerItem("tipologia", "Tipologia dell'immobile", "Villa"),
        AnswerItem("sezioni", "Sezioni aggiuntive", "Bilanci, Protesti"),
        AnswerItem("urgente", "Consegna urgente", "No"),
        AnswerItem("sopralluogo", "Data del sopralluogo", "05/03/2026"),
        AnswerItem("superficie", "Superficie (m²)", "85,50"),
        AnswerItem("provincia", "Provincia", "Bologna (BO)"),
        AnswerItem("planimetria", "Planimetria", "pianta.pdf", file_id=7),
        AnswerItem("piano", "Piano", "3"),
        AnswerItem("note", "Note", "—"),
    ]


def test_yes_is_shown_as_si():
    service = ServiceFactory()
    FormFieldFactory(service=service, key="urgente", label="Urgente", field_type=FieldType.BOOLEAN)
    assert summarize_answers(definitions(service), {"urgente": True}) == [
        AnswerItem("urgente", "Urgente", "Sì")
    ]


def test_field_missing_from_old_answers_is_shown_as_a_dash():
    service = ServiceFactory()
    FormFieldFactory(service=service, key="nuovo", label="Campo aggiunto dopo")
    assert summarize_answers(definitions(service), {}) == [
        AnswerItem("nuovo", "Campo aggiunto dopo", "—")
    ]
