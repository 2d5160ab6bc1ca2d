"""Back-office: categories, services with their form as an inline, form fields with choices."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sportello.catalogue.models import Category, FieldChoice, FieldType, FormField, Service
from sportello.catalogue.tests.factories import (
    CategoryFactory,
    FieldChoiceFactory,
    FormFieldFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


def service_post_data(service, *, fields=(), **overrides):
    """The change form's POST for a service and its inline fields (dicts of inline values)."""
    data = {
        "category": service.category_id,
        "name": service.name,
        "slug": service.slug,
        "summary": service.summary,
        "description": service.description,
        "pricing_mode": service.pricing_mode,
        "net_price": "" if service.net_price is None else str(service.net_price),
        "vat_rate": str(service.vat_rate),
        "delivery_time": service.delivery_time,
        "delivery_working_days": ""
        if service.delivery_working_days is None
        else str(service.delivery_working_days),
        "delivery_starts_from": service.delivery_starts_from,
        "is_active": "on",
        "position": str(service.position),
        "form_fields-TOTAL_FORMS": str(len(fields)),
        "form_fields-INITIAL_FORMS": str(sum(1 for f in fields if f.get("id"))),
        "form_fields-MIN_NUM_FORMS": "0",
        "form_fields-MAX_NUM_FORMS": "1000",
    }
    for index, values in enumerate(fields):
        row = {
            "id": "",
            "service": service.pk or "",
            "position": "1",
            "label": "",
            "key": "",
            "field_type": FieldType.TEXT,
            "is_required": "on",
            "help_text": "",
            "price_supplement": "0",
            "allowed_extensions": "",
            "new_choices": "",
            **values,
        }
        for name, value in row.items():
            if value is not None:
                data[f"form_fields-{index}-{name}"] = value
    data.update(overrides)
    return data


def existing_rows(service):
    return [
        {
            "id": str(field.pk),
            "position": str(field.position),
            "label": field.label,
            "key": field.key,
            "field_type": field.field_type,
            "is_required": "on" if field.is_required else None,
            "price_supplement": str(field.price_supplement),
        }
        for field in service.form_fields.all()
    ]


def change_service(client, service, data):
    return client.post(reverse("admin:catalogue_service_change", args=[service.pk]), data)


def reloaded_version(service) -> int:
    return Service.objects.get(pk=service.pk).form_version


# --- Access -----------------------------------------------------------------------------------


def test_customer_cannot_open_the_catalogue_admin(customer_client):
    response = customer_client.get(reverse("admin:catalogue_service_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "query", ["", "?q=perizia", "?pricing_mode__exact=quote", "?is_active__exact=1"]
)
def test_service_list_with_filters_and_search(staff_client, query):
    service = ServiceFactory(name="Perizia di stima")
    response = staff_client.get(reverse("admin:catalogue_service_changelist") + query)
    assert response.status_code == 200
    if query in ("", "?q=perizia", "?is_active__exact=1"):
        assert service.name in response.content.decode()


def test_service_list_filters_by_category(staff_client):
    wanted = ServiceFactory(name="Visura catastale")
    ServiceFactory(name="Report impresa")
    response = staff_client.get(
        reverse("admin:catalogue_service_changelist") + f"?category__id__exact={wanted.category_id}"
    )
    html = response.content.decode()
    assert "Visura catastale" in html
    assert "Report impresa" not in html


def test_category_list_and_add(staff_client):
    CategoryFactory(name="Due diligence")
    assert staff_client.get(reverse("admin:catalogue_category_changelist")).status_code == 200

    response = staff_client.post(
        reverse("admin:catalogue_category_add"),
        {"name": "Visure", "slug": "visure", "description": "", "position": "2", "is_active": "on"},
    )

    assert response.status_code == 302
    assert Category.objects.filter(slug="visure", position=2).exists()


def test_service_change_page_shows_the_form_inline(staff_client):
    service = ServiceFactory()
    FormFieldFactory(service=service, label="Indirizzo dell'immobile")
    response = staff_client.get(reverse("admin:catalogue_service_change", args=[service.pk]))
    assert response.status_code == 200
    assert "Indirizzo dell&#x27;immobile" in response.content.decode()


# --- Service validation -----------------------------------------------------------------------


def test_fixed_price_service_needs_a_net_price(staff_client):
    category = CategoryFactory()
    service = Service(category=category, name="Nuovo", slug="nuovo", pricing_mode="fixed")
    data = service_post_data(service, net_price="")

    response = staff_client.post(reverse("admin:catalogue_service_add"), data)

    assert response.status_code == 200
    assert "Indica il prezzo netto: il servizio è a prezzo fisso." in response.content.decode()
    assert not Service.objects.filter(slug="nuovo").exists()


def test_quote_service_needs_no_price(staff_client):
    category = CategoryFactory()
    service = Service(category=category, name="Su misura", slug="su-misura", pricing_mode="quote")

    response = staff_client.post(reverse("admin:catalogue_service_add"), service_post_data(service))

    assert response.status_code == 302
    created = Service.objects.get(slug="su-misura")
    assert created.net_price is None
    assert created.form_version == 1


# --- Form fields inline and the form version --------------------------------------------------


def test_saving_a_service_without_touching_its_form_keeps_the_version(staff_client):
    service = ServiceFactory()
    FormFieldFactory(service=service, key="indirizzo", label="Indirizzo")

    data = service_post_data(service, fields=existing_rows(service), net_price="150.00")
    response = change_service(staff_client, service, data)

    assert response.status_code == 302
    assert Service.objects.get(pk=service.pk).net_price == Decimal("150.00")
    assert reloaded_version(service) == 1


def test_adding_a_field_in_the_inline_bumps_the_version(staff_client):
    service = ServiceFactory()
    FormFieldFactory(service=service, key="indirizzo", label="Indirizzo", position=1)
    rows = [
        *existing_rows(service),
        {"position": "2", "label": "CAP", "key": "cap", "field_type": FieldType.CAP},
    ]

    response = change_service(staff_client, service, service_post_data(service, fields=rows))

    assert response.status_code == 302
    assert list(service.form_fields.values_list("key", flat=True)) == ["indirizzo", "cap"]
    assert reloaded_version(service) == 2


def test_changing_a_label_in_the_inline_bumps_the_version(staff_client):
    service = ServiceFactory()
    FormFieldFactory(service=service, key="indirizzo", label="Indirizzo")
    rows = existing_rows(service)
    rows[0]["label"] = "Indirizzo completo"

    change_service(staff_client, service, service_post_data(service, fields=rows))

    assert service.form_fields.get().label == "Indirizzo completo"
    assert reloaded_version(service) == 2


def test_deleting_a_field_in_the_inline_bumps_the_version(staff_client):
    service = ServiceFactory()
    FormFieldFactory(service=service, key="indirizzo")
    rows = existing_rows(service)
    rows[0]["DELETE"] = "on"

    change_service(staff_client, service, service_post_data(service, fields=rows))

    assert not service.form_fields.exists()
    assert reloaded_version(service) == 2


def test_choice_field_added_inline_with_its_options(staff_client):
    service = ServiceFactory()
    rows = [
        {
            "label": "Tempi di consegna",
            "key": "consegna",
            "field_type": FieldType.CHOICE,
            "new_choices": "Standard\nConsegna urgente | 30,00\n\n",
        }
    ]

    response = change_service(staff_client, service, service_post_data(service, fields=rows))

    assert response.status_code == 302
    field = service.form_fields.get(key="consegna")
    assert list(field.choices.values_list("value", "label", "price_supplement", "position")) == [
        ("standard", "Standard", Decimal("0.00"), 1),
        ("consegna-urgente", "Consegna urgente", Decimal("30.00"), 2),
    ]
    assert reloaded_version(service) == 2


def test_choice_field_without_options_is_refused(staff_client):
    service = ServiceFactory()
    rows = [{"label": "Tipologia", "key": "tipologia", "field_type": FieldType.MULTIPLE_CHOICE}]

    response = change_service(staff_client, service, service_post_data(service, fields=rows))

    assert response.status_code == 200
    assert "Un campo a scelta singola o multipla deve avere almeno un" in (
        response.content.decode()
    )
    assert not FormField.objects.exists()
    assert reloaded_version(service) == 1


def test_existing_choice_field_with_options_needs_no_new_ones(staff_client):
    service = ServiceFactory()
    field = FormFieldFactory(service=service, key="tipo", field_type=FieldType.CHOICE)
    FieldChoiceFactory(field=field)

    data = service_post_data(service, fields=existing_rows(service), name="Nome nuovo")
    response = change_service(staff_client, service, data)

    assert response.status_code == 302
    assert reloaded_version(service) == 1


def test_badly_written_option_line_is_refused(staff_client):
    service = ServiceFactory()
    rows = [
        {
            "label": "Consegna",
            "key": "consegna",
            "field_type": FieldType.CHOICE,
            "new_choices": "Standard\nUrgente | trenta",
        }
    ]

    response = change_service(staff_client, service, service_post_data(service, fields=rows))

    assert response.status_code == 200
    assert "Riga 2: il supplemento «trenta» non è un importo valido" in response.content.decode()
    assert not FormField.objects.exists()


def test_options_on_a_text_field_are_refused(staff_client):
    service = ServiceFactory()
    rows = [{"label": "Note", "key": "note", "new_choices": "Una\nDue"}]

    response = change_service(staff_client, service, service_post_data(service, fields=rows))

    assert "Le opzioni valgono solo per i campi a scelta." in response.content.decode()
    assert not FormField.objects.exists()


def test_yes_supplement_on_a_text_field_is_refused(staff_client):
    service = ServiceFactory()
    rows = [{"label": "Note", "key": "note", "price_supplement": "30"}]

    response = change_service(staff_client, service, service_post_data(service, fields=rows))

    assert "Il supplemento «Sì» vale solo per i campi Sì/No" in response.content.decode()
    assert not FormField.objects.exists()


def test_file_types_outside_the_sites_list_are_refused(staff_client):
    service = ServiceFactory()
    rows = [
        {
            "label": "Documento",
            "key": "documento",
            "field_type": FieldType.FILE,
            "allowed_extensions": "pdf, exe",
        }
    ]

    response = change_service(staff_client, service, service_post_data(service, fields=rows))

    assert "Formati non ammessi dal sito: exe." in response.content.decode()
    assert not FormField.objects.exists()


def test_file_types_are_normalised(staff_client):
    service = ServiceFactory()
    rows = [
        {
            "label": "Documento",
            "key": "documento",
            "field_type": FieldType.FILE,
            "allowed_extensions": ".PDF; jpg",
        }
    ]

    change_service(staff_client, service, service_post_data(service, fields=rows))

    assert service.form_fields.get().allowed_extensions == "pdf, jpg"


def test_duplicate_key_in_the_same_form_is_refused(staff_client):
    service = ServiceFactory()
    FormFieldFactory(service=service, key="indirizzo")
    rows = [*existing_rows(service), {"label": "Altro", "key": "indirizzo", "position": "2"}]

    response = change_service(staff_client, service, service_post_data(service, fields=rows))

    assert response.status_code == 200
    assert service.form_fields.count() == 1
    assert reloaded_version(service) == 1


# --- A form field on its own page, with its choices -------------------------------------------


def field_post_data(field, choices, **overrides):
    data = {
        "service": str(field.service_id),
        "position": str(field.position),
        "label": field.label,
        "key": field.key,
        "field_type": field.field_type,
        "is_required": "on",
        "help_text": "",
        "price_supplement": "0",
        "allowed_extensions": "",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": str(sum(1 for c in choices if c.get("id"))),
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for index, values in enumerate(choices):
        row = {"id": "", "field": str(field.pk or ""), "position": "1", "price_supplement": "0"}
        row.update(values)
        for name, value in row.items():
            data[f"choices-{index}-{name}"] = value
    data.update(overrides)
    return data


@pytest.fixture
def choice_field():
    field = FormFieldFactory(key="consegna", label="Consegna", field_type=FieldType.CHOICE)
    FieldChoiceFactory(field=field, value="standard", label="Standard", position=1)
    FieldChoiceFactory(
        field=field, value="urgente", label="Urgente", price_supplement=Decimal("30"), position=2
    )
    return field


def choice_rows(field):
    return [
        {
            "id": str(choice.pk),
            "position": str(choice.position),
            "label": choice.label,
            "value": choice.value,
            "price_supplement": str(choice.price_supplement),
        }
        for choice in field.choices.all()
    ]


def change_field(client, field, data):
    return client.post(reverse("admin:catalogue_formfield_change", args=[field.pk]), data)


def test_staff_set_the_limits_of_a_number_and_a_date(staff_client):
    number = FormFieldFactory(key="superficie", label="Superficie", field_type=FieldType.DECIMAL)
    date = FormFieldFactory(key="nascita", label="Data di nascita", field_type=FieldType.DATE)
    page = staff_client.get(reverse("admin:catalogue_formfield_change", args=[number.pk])).text
    assert "Valore minimo" in page
    assert "Solo oggi o una data passata" in page

    saved = change_field(
        staff_client, number, field_post_data(number, [], min_value="0,5", max_value="10000")
    )
    change_field(staff_client, date, field_post_data(date, [], date_limit="past"))

    assert saved.status_code == 302
    number.refresh_from_db()
    date.refresh_from_db()
    assert (number.min_value, number.max_value) == (Decimal("0.50"), Decimal("10000.00"))
    assert date.date_limit == "past"
    assert reloaded_version(number.service) == 2


def test_staff_give_a_short_text_a_format(staff_client):
    from sportello.catalogue.tests.helpers import answers_form

    foglio = FormFieldFactory(key="foglio", label="Foglio", field_type=FieldType.TEXT)
    page = staff_client.get(reverse("admin:catalogue_formfield_change", args=[foglio.pk])).text
    assert "Solo cifre (ad esempio foglio, subalterno)" in page

    saved = change_field(staff_client, foglio, field_post_data(foglio, [], text_format="digits"))

    assert saved.status_code == 302
    foglio.refresh_from_db()
    assert foglio.text_format == "digits"
    assert reloaded_version(foglio.service) == 2
    assert answers_form(foglio.service, {"foglio": "abc!!"}).errors["foglio"] == [
        "Inserisci solo cifre, senza spazi."
    ]


def test_a_negative_minimum_allows_a_basement_floor(staff_client):
    from sportello.catalogue.tests.helpers import answers_form

    floor = FormFieldFactory(key="piano", label="Piano", field_type=FieldType.INTEGER)
    saved = change_field(staff_client, floor, field_post_data(floor, [], min_value="-5"))

    assert saved.status_code == 302
    form = answers_form(floor.service, {"piano": "-1"})
    assert form.is_valid(), form.errors
    assert answers_form(floor.service, {"piano": "-6"}).errors["piano"] == [
        "Il valore minimo è -5."
    ]


@pytest.mark.parametrize(
    ("field_type", "overrides", "message"),
    [
        (
            FieldType.TEXT,
            {"min_value": "1"},
            "I valori minimo e massimo valgono solo per i numeri.",
        ),
        (
            FieldType.INTEGER,
            {"min_value": "10", "max_value": "5"},
            "Il valore massimo deve essere almeno il minimo (0 se il minimo è vuoto).",
        ),
        (
            FieldType.INTEGER,
            {"max_value": "-5"},
            "Il valore massimo deve essere almeno il minimo (0 se il minimo è vuoto).",
        ),
        (
            FieldType.INTEGER,
            {"min_value": "1,5"},
            "Per un numero intero il limite è un numero intero.",
        ),
        (FieldType.TEXT, {"date_limit": "past"}, "Le date ammesse valgono solo per i campi Data."),
        (
            FieldType.INTEGER,
            {"text_format": "digits"},
            "Il formato vale solo per i campi Testo breve.",
        ),
    ],
)
def test_limits_that_do_not_fit_the_question_are_refused(
    staff_client, field_type, overrides, message
):
    field = FormFieldFactory(key="campo", label="Campo", field_type=field_type)

    response = change_field(staff_client, field, field_post_data(field, [], **overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    field.refresh_from_db()
    assert (field.min_value, field.max_value, field.date_limit, field.text_format) == (
        None,
        None,
        "",
        "",
    )


def test_changing_a_choice_supplement_bumps_the_version(staff_client, choice_field):
    rows = choice_rows(choice_field)
    rows[1]["price_supplement"] = "45,00"

    response = change_field(staff_client, choice_field, field_post_data(choice_field, rows))

    assert response.status_code == 302
    assert choice_field.choices.get(value="urgente").price_supplement == Decimal("45.00")
    assert reloaded_version(choice_field.service) == 2


def test_saving_a_field_unchanged_keeps_the_version(staff_client, choice_field):
    data = field_post_data(choice_field, choice_rows(choice_field))
    response = change_field(staff_client, choice_field, data)
    assert response.status_code == 302
    assert reloaded_version(choice_field.service) == 1


def test_removing_every_choice_is_refused(staff_client, choice_field):
    rows = [{**row, "DELETE": "on"} for row in choice_rows(choice_field)]

    response = change_field(staff_client, choice_field, field_post_data(choice_field, rows))

    assert response.status_code == 200
    assert "Un campo a scelta singola o multipla deve avere almeno un" in (
        response.content.decode()
    )
    assert choice_field.choices.count() == 2
    assert reloaded_version(choice_field.service) == 1


def test_adding_a_field_on_its_own_page_bumps_the_version(staff_client):
    service = ServiceFactory()
    field = FormField(service=service, key="tipo", label="Tipo", field_type=FieldType.CHOICE)
    data = field_post_data(field, [{"label": "Villa", "value": "villa"}])

    response = staff_client.post(reverse("admin:catalogue_formfield_add"), data)

    assert response.status_code == 302
    assert FieldChoice.objects.get().field.key == "tipo"
    assert reloaded_version(service) == 2


def test_moving_a_field_to_another_service_bumps_both(staff_client, choice_field):
    other = ServiceFactory()
    data = field_post_data(choice_field, choice_rows(choice_field), service=str(other.pk))

    change_field(staff_client, choice_field, data)

    assert reloaded_version(choice_field.service) == 2
    assert reloaded_version(other) == 2


def test_deleting_a_field_bumps_the_version(staff_client, choice_field):
    response = staff_client.post(
        reverse("admin:catalogue_formfield_delete", args=[choice_field.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not FormField.objects.exists()
    assert reloaded_version(choice_field.service) == 2


def test_bulk_deleting_fields_bumps_each_service_once(staff_client):
    first = FormFieldFactory(key="a")
    FormFieldFactory(service=first.service, key="b")
    second = FormFieldFactory(key="c")

    response = staff_client.post(
        reverse("admin:catalogue_formfield_changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": [str(pk) for pk in FormField.objects.values_list("pk", flat=True)],
        },
    )

    assert response.status_code == 302
    assert not FormField.objects.exists()
    assert reloaded_version(first.service) == 2
    assert reloaded_version(second.service) == 2


def test_a_description_left_as_it_was_is_not_recorded_as_changed(staff_client):
    """The browser sends a text area's line breaks as "\\r\\n": the history must not say the
    description changed when staff edited something else."""
    from django.contrib.admin.models import LogEntry

    service = ServiceFactory(description="Prima riga.\nSeconda riga.")
    data = service_post_data(service, name="Nuovo nome")
    data["description"] = "Prima riga.\r\nSeconda riga."

    assert change_service(staff_client, service, data).status_code == 302

    service.refresh_from_db()
    assert service.description == "Prima riga.\nSeconda riga."
    entry = LogEntry.objects.get(object_id=str(service.pk))
    assert "Nome" in entry.change_message
    assert "Descrizione" not in entry.change_message
