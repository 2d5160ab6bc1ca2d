"""`manage.py load_demo_catalogue`: a realistic catalogue, loaded idempotently."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from sportello.catalogue.models import (
    CHOICE_TYPES,
    Category,
    FieldChoice,
    FieldType,
    FormField,
    PricingMode,
    Service,
)
from sportello.catalogue.pricing import price_line
from sportello.catalogue.tests.helpers import answers_form, definitions

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo_catalogue", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every catalogue row with every column, timestamps and form versions included."""
    return {
        model.__name__: sorted(
            (
                {
                    **model_to_dict(row),
                    "id": row.pk,
                    **{
                        name: getattr(row, name)
                        for name in ("created_at", "updated_at")
                        if hasattr(row, name)
                    },
                }
                for row in model.objects.all()
            ),
            key=lambda values: values["id"],
        )
        for model in (Category, Service, FormField, FieldChoice)
    }


def form_of(slug: str) -> dict[str, FormField]:
    return {field.key: field for field in definitions(Service.objects.get(slug=slug))}


def test_meets_the_minimums():
    output = load()

    assert Category.objects.filter(is_active=True).count() >= 4
    assert Service.objects.filter(is_active=True).count() >= 12
    assert Service.objects.filter(pricing_mode=PricingMode.QUOTE).count() >= 3
    assert "Catalogo demo: 5 categorie (5 create" in output
    for category in Category.objects.all():
        assert category.services.count() >= 2, category
    for service in Service.objects.all():
        assert service.description and service.summary and service.delivery_time, service
        assert service.form_fields.exists(), service
        if service.pricing_mode == PricingMode.FIXED:
            assert service.net_price > 0, service
        else:
            assert service.net_price is None, service


def test_running_twice_changes_nothing():
    load()
    before = snapshot()

    output = load()

    assert snapshot() == before
    assert "0 create, 0 aggiornate, 5 invariate" in output
    assert "0 creati, 0 aggiornati, 18 invariati" in output
    assert "moduli modificati: 0" in output


def edit_the_appraisal_in_the_back_office() -> Service:
    service = Service.objects.get(slug="perizia-immobile-residenziale")
    service.net_price = Decimal("1.00")
    service.is_active = False
    service.save()
    service.form_fields.get(key="cap").delete()
    service.form_fields.filter(key="indirizzo").update(label="Cambiata")
    FormField.objects.create(service=service, key="extra", label="Extra", field_type="text")
    urgente = FieldChoice.objects.get(field__service=service, value="urgente")
    urgente.price_supplement = Decimal("99.00")
    urgente.save()
    service.category.name = "Perizie (staff)"
    service.category.save()
    return service


def test_staff_edits_survive_the_next_make_run():
    # `make run` loads the demo at every start: restarting must not undo the back-office.
    load()
    service = edit_the_appraisal_in_the_back_office()
    Service.objects.get(slug="visura-catastale").delete()
    before = {
        row["id"]: row
        for rows in snapshot().values()
        for row in rows
        if "service" in row and row["service"] == service.pk
    }

    output = load()

    service.refresh_from_db()
    assert service.net_price == Decimal("1.00")
    assert service.is_active is False
    assert service.category.name == "Perizie (staff)"
    assert service.form_version == 1
    form = {field.key: field for field in service.form_fields.all()}
    assert "cap" not in form
    assert "extra" in form
    assert form["indirizzo"].label == "Cambiata"
    assert FieldChoice.objects.get(field__service=service, value="urgente").price_supplement == (
        Decimal("99.00")
    )
    after = {
        row["id"]: row
        for rows in snapshot().values()
        for row in rows
        if "service" in row and row["service"] == service.pk
    }
    assert after == before
    # What is missing from the demo comes back, with its form.
    assert form_of("visura-catastale")["foglio"].field_type == FieldType.TEXT
    assert "0 create, 0 aggiornate, 5 invariate" in output
    assert "1 creati, 0 aggiornati, 17 invariati" in output
    assert "moduli modificati: 0" in output


def test_reset_brings_edits_back_and_bumps_the_form_version_once():
    load()
    service = Service.objects.get(slug="perizia-immobile-residenziale")
    service.net_price = Decimal("1.00")
    service.save()
    service.form_fields.get(key="cap").delete()
    service.form_fields.filter(key="indirizzo").update(label="Cambiata")
    FormField.objects.create(service=service, key="extra", label="Extra", field_type="text")
    urgente = FieldChoice.objects.get(field__service=service, value="urgente")
    urgente.price_supplement = Decimal("99.00")
    urgente.save()
    untouched = Service.objects.get(slug="visura-catastale")

    output = load("--reset")

    service.refresh_from_db()
    assert service.net_price == Decimal("390.00")
    assert service.form_version == 2
    form = form_of("perizia-immobile-residenziale")
    assert "cap" in form
    assert "extra" not in form
    assert form["indirizzo"].label == "Indirizzo dell'immobile"
    assert FieldChoice.objects.get(field__service=service, value="urgente").price_supplement == (
        Decimal("30.00")
    )
    assert Service.objects.get(pk=untouched.pk).form_version == 1
    assert "moduli modificati: 1" in output


def test_every_choice_field_has_choices_and_every_form_builds():
    load()
    for service in Service.objects.all():
        form = answers_form(service)
        fields = form.fields_definition
        assert len({field.key for field in fields}) == len(fields)
        for field in fields:
            if field.field_type in CHOICE_TYPES:
                assert len(field.choices.all()) >= 2, (service, field)
            if field.field_type == FieldType.FILE:
                assert field.upload_extensions(), (service, field)


def test_cadastral_certificate_form():
    load()
    form = form_of("certificato-catastale")
    assert {
        "comune": FieldType.COMUNE,
        "provincia": FieldType.PROVINCIA,
        "foglio": FieldType.TEXT,
        "particella": FieldType.TEXT,
        "subalterno": FieldType.TEXT,
        "codice_fiscale_intestatario": FieldType.CODICE_FISCALE,
    }.items() <= {key: field.field_type for key, field in form.items()}.items()


def test_property_appraisal_form_with_urgent_delivery_supplement():
    load()
    form = form_of("perizia-immobile-residenziale")
    assert form["indirizzo"].field_type == FieldType.TEXT
    assert form["tipologia"].field_type == FieldType.CHOICE
    assert form["superficie"].field_type == FieldType.DECIMAL
    assert form["telefono"].field_type == FieldType.PHONE
    assert form["planimetria"].field_type == FieldType.FILE
    assert form["planimetria"].upload_extensions() == ["pdf"]
    urgent = form["tempi_consegna"].choices.model.objects.get(
        field=form["tempi_consegna"], value="urgente"
    )
    assert urgent.label.startswith("Consegna urgente")
    assert urgent.price_supplement == Decimal("30.00")


def test_a_filled_appraisal_is_priced_with_its_supplement():
    load()
    service = Service.objects.get(slug="perizia-immobile-residenziale")
    form = answers_form(
        service,
        {
            "indirizzo": "Via dell'Indipendenza 12",
            "cap": "40121",
            "comune": "Bologna",
            "provincia": "BO",
            "tipologia": "appartamento",
            "superficie": "85,5",
            "referente_sopralluogo": "Mario Rossi",
            "telefono": "051 1234567",
            "tempi_consegna": "urgente",
        },
    )
    assert form.is_valid(), form.errors

    line = price_line(service, form.fields_definition, form.answers())

    assert line.price.net == Decimal("420.00")
    assert line.price.vat == Decimal("92.40")
    assert line.price.gross == Decimal("512.40")


def test_energy_certificate_and_company_credit_report():
    load()
    assert "superficie" in form_of("attestato-prestazione-energetica")
    report = form_of("report-affidabilita-impresa")
    assert report["partita_iva"].field_type == FieldType.PARTITA_IVA
    extras = report["sezioni_aggiuntive"]
    assert extras.field_type == FieldType.MULTIPLE_CHOICE
    assert all(choice.price_supplement > 0 for choice in extras.choices.all())


def test_quote_services_include_the_examples():
    load()
    on_quote = set(
        Service.objects.filter(pricing_mode=PricingMode.QUOTE).values_list("slug", flat=True)
    )
    assert {
        "due-diligence-immobiliare",
        "perizia-contenzioso",
        "valutazione-portafoglio-immobiliare",
    } <= on_quote


def test_company_register_extract_takes_a_partita_iva_or_a_sole_trader_s_codice_fiscale():
    load()
    service = Service.objects.get(slug="visura-camerale")
    for answer in ("00743110157", "IT 00743110157", "RSSMRA85T10A562S"):
        form = answers_form(service, {"partita_iva": answer, "tipo_visura": "ordinaria"})
        assert form.is_valid(), (answer, form.errors)
    wrong = answers_form(service, {"partita_iva": "RSSMRA85T10A562X", "tipo_visura": "ordinaria"})
    assert not wrong.is_valid()
    assert "codice fiscale" in wrong.errors["partita_iva"][0]


def test_implausible_answers_are_refused_next_to_their_field(client):
    """A birth date in the future, a surface of 0 m², no property to appraise: refused on the
    service form with the message beside the field, and what was typed is kept."""
    from django.urls import reverse
    from django.utils import timezone

    load()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    url = reverse("cart:add", kwargs={"slug": "verifica-protesti-persona"})

    response = client.post(
        url,
        {
            "codice_fiscale": "RSSMRA80A01H501U",
            "cognome_nome": "Mario Rossi",
            "data_nascita": tomorrow.isoformat(),
            "legittimo_interesse": "Valutazione di un garante",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "La data non può essere nel futuro." in page
    assert 'aria-invalid="true"' in page
    assert "Valutazione di un garante" in page
    assert form_of("verifica-protesti-persona")["data_nascita"].date_limit == "birth"
    surfaces = FormField.objects.filter(key="superficie")
    assert surfaces.exists()
    assert set(surfaces.values_list("min_value", flat=True)) == {Decimal("1.00")}
    assert set(
        FormField.objects.filter(key="numero_immobili").values_list("min_value", flat=True)
    ) == {Decimal("1.00")}


def test_services_with_a_number_of_working_days_get_due_dates():
    """The demo's "3 giorni lavorativi" and "… dal sopralluogo" are structured, so paid demo
    orders get due dates on the desk; other wordings ("In giornata") stay without."""
    from sportello.catalogue.models import DeliveryStart

    load()

    by_time = {
        service.delivery_time: (service.delivery_working_days, service.delivery_starts_from)
        for service in Service.objects.all()
    }
    assert by_time["3 giorni lavorativi"] == (3, DeliveryStart.PAYMENT)
    assert by_time["10 giorni lavorativi dal sopralluogo"] == (10, DeliveryStart.INSPECTION)
    assert by_time["1 giorno lavorativo"] == (1, DeliveryStart.PAYMENT)
    assert by_time["In giornata"] == (None, DeliveryStart.PAYMENT)
