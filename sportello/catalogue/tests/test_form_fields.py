"""Every field type of the per-service form: valid input, invalid input, Italian messages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from sportello.catalogue.models import FieldType
from sportello.catalogue.tests.factories import FormFieldFactory, ServiceFactory
from sportello.catalogue.tests.helpers import answers_form, field_with_choices

pytestmark = pytest.mark.django_db

REQUIRED = "Questo campo è obbligatorio."


@pytest.fixture
def service():
    return ServiceFactory(slug="servizio-prova")


def single_field_form(service, field_type, value, *, required=True, **field_kwargs):
    FormFieldFactory(
        service=service,
        key="campo",
        label="Campo",
        field_type=field_type,
        is_required=required,
        **field_kwargs,
    )
    data = {} if value is None else {"campo": value}
    return answers_form(service, data)


def cleaned(form):
    assert form.is_valid(), form.errors
    return form.answers()["campo"]


def errors(form):
    assert not form.is_valid()
    return form.errors["campo"]


# --- Building ---------------------------------------------------------------------------------


def test_form_has_one_field_per_definition_in_order(service):
    FormFieldFactory(service=service, key="secondo", label="Secondo", position=2)
    FormFieldFactory(service=service, key="primo", label="Primo", position=1)
    field_with_choices(
        FieldType.CHOICE, [("a", "Alfa", Decimal("0"))], service=service, key="terzo", position=3
    )

    form = answers_form(service)

    assert list(form.fields) == ["primo", "secondo", "terzo"]
    assert form.fields["primo"].label == "Primo"


def test_error_is_rendered_next_to_its_field_in_italian(service):
    form = single_field_form(service, FieldType.CAP, "123")
    assert not form.is_valid()

    html = render_to_string("includes/form_field.html", {"field": form["campo"]})

    assert 'id="id_campo_error"' in html
    assert "Il CAP deve essere composto da 5 cifre." in html
    assert 'value="123"' in html  # what the customer typed is kept


def test_required_field_left_empty(service):
    assert errors(single_field_form(service, FieldType.TEXT, "")) == [REQUIRED]


def test_optional_field_left_empty_gives_none(service):
    assert cleaned(single_field_form(service, FieldType.TEXT, "", required=False)) is None


# --- Text -------------------------------------------------------------------------------------


def test_short_text(service):
    assert cleaned(single_field_form(service, FieldType.TEXT, "  Via Roma 1 ")) == "Via Roma 1"


def test_short_text_too_long(service):
    assert errors(single_field_form(service, FieldType.TEXT, "x" * 201)) == [
        "Assicurati che questo valore non contenga più di 200 caratteri (ne ha 201)."
    ]


def test_long_text(service):
    text = "Prima riga\nSeconda riga"
    assert cleaned(single_field_form(service, FieldType.TEXTAREA, text)) == text


def test_long_text_too_long(service):
    form = single_field_form(service, FieldType.TEXTAREA, "x" * 4001)
    assert errors(form) == [
        "Assicurati che questo valore non contenga più di 4000 caratteri (ne ha 4001)."
    ]


# --- Numbers ----------------------------------------------------------------------------------


def test_integer(service):
    assert cleaned(single_field_form(service, FieldType.INTEGER, "12")) == 12


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.000", 1000),
        ("12.000.000", 12000000),
        ("1 000", 1000),
        (" 250 ", 250),
    ],
)
def test_integer_accepts_italian_thousands(service, value, expected):
    # Django's IntegerField reads "1.000" as 1: a thousand positions would become one.
    assert cleaned(single_field_form(service, FieldType.INTEGER, value)) == expected


def test_integer_input_keeps_what_was_typed(service):
    # A browser's number input would turn "1.000" into 1 before sending it.
    FormFieldFactory(service=service, key="campo", field_type=FieldType.INTEGER)
    html = str(answers_form(service)["campo"])
    assert 'type="text"' in html
    assert 'inputmode="numeric"' in html


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12,5", "Inserisci un numero intero."),
        ("dodici", "Inserisci un numero intero."),
        ("-1", "Assicurati che questo valore sia maggiore o uguale a 0."),
        ("3.0", "Inserisci un numero intero."),
        ("1.00", "Inserisci un numero intero."),
        ("10000 0", "Inserisci un numero intero."),
        ("2000000000", "Assicurati che questo valore sia minore o uguale a 1000000000."),
    ],
)
def test_integer_invalid(service, value, message):
    assert errors(single_field_form(service, FieldType.INTEGER, value)) == [message]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12,50", "12.50"),
        ("85,5", "85.5"),
        ("1.234,50", "1234.50"),
        ("1.234", "1234"),
        ("12.50", "12.50"),
        ("120", "120"),
    ],
)
def test_decimal_accepts_italian_comma(service, value, expected):
    assert cleaned(single_field_form(service, FieldType.DECIMAL, value)) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "Inserisci un numero."),
        ("1,2,3", "Inserisci un numero."),
        ("12,345", "Assicurati che non vi siano più di 2 cifre decimali."),
        ("-3", "Assicurati che questo valore sia maggiore o uguale a 0."),
    ],
)
def test_decimal_invalid(service, value, message):
    assert errors(single_field_form(service, FieldType.DECIMAL, value)) == [message]


def test_decimal_is_shown_again_with_a_comma(service):
    FormFieldFactory(service=service, key="campo", field_type=FieldType.DECIMAL)
    form = answers_form(service, answers={"campo": "85.50"})
    assert 'value="85,50"' in str(form["campo"])


# --- Date, e-mail, phone ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2026-03-15", "15/03/2026"])
def test_date(service, value):
    assert cleaned(single_field_form(service, FieldType.DATE, value)) == "2026-03-15"


def test_date_invalid(service):
    assert errors(single_field_form(service, FieldType.DATE, "31/02/2026")) == [
        "Inserisci una data valida."
    ]


def test_date_answer_prefills_the_form(service):
    FormFieldFactory(service=service, key="campo", field_type=FieldType.DATE)
    form = answers_form(service, answers={"campo": "2026-03-15"})
    assert form.initial["campo"] == dt.date(2026, 3, 15)
    assert 'value="2026-03-15"' in str(form["campo"])


def test_email(service):
    value = "mario.rossi@example.com"
    assert cleaned(single_field_form(service, FieldType.EMAIL, value)) == value


def test_email_invalid(service):
    assert errors(single_field_form(service, FieldType.EMAIL, "mario@")) == [
        "Inserisci un indirizzo email valido."
    ]


@pytest.mark.parametrize("value", ["051 1234567", "+39 333 123 4567", "051/1234567"])
def test_phone(service, value):
    assert cleaned(single_field_form(service, FieldType.PHONE, value)) == value


@pytest.mark.parametrize("value", ["abc", "12", "051 123 abc"])
def test_phone_invalid(service, value):
    assert errors(single_field_form(service, FieldType.PHONE, value)) == [
        "Inserisci un numero di telefono valido: cifre, con spazi e prefisso internazionale "
        "se vuoi (es. +39 051 1234567)."
    ]


# --- Choices and yes/no -----------------------------------------------------------------------

CHOICES = [("appartamento", "Appartamento", Decimal("0")), ("villa", "Villa", Decimal("50"))]


def choice_form(service, field_type, value, *, required=True):
    field_with_choices(
        field_type, CHOICES, service=service, key="campo", label="Tipo", is_required=required
    )
    return answers_form(service, {} if value is None else {"campo": value})


def test_single_choice(service):
    assert cleaned(choice_form(service, FieldType.CHOICE, "villa")) == "villa"


def test_single_choice_invalid_value(service):
    assert errors(choice_form(service, FieldType.CHOICE, "castello")) == [
        "Scegli un'opzione valida. castello non è tra quelle disponibili."
    ]


def test_single_choice_labels_show_the_supplement(service):
    form = choice_form(service, FieldType.CHOICE, None)
    assert list(form.fields["campo"].choices) == [
        ("appartamento", "Appartamento"),
        ("villa", "Villa (+50,00\u00a0€ + IVA)"),
    ]


def test_optional_single_choice_can_be_left_empty(service):
    assert cleaned(choice_form(service, FieldType.CHOICE, "", required=False)) is None


def test_multiple_choice(service):
    form = choice_form(service, FieldType.MULTIPLE_CHOICE, ["appartamento", "villa"])
    assert cleaned(form) == ["appartamento", "villa"]


def test_multiple_choice_invalid_value(service):
    assert errors(choice_form(service, FieldType.MULTIPLE_CHOICE, ["villa", "castello"])) == [
        "Scegli un'opzione valida. castello non è tra quelle disponibili."
    ]


def test_multiple_choice_required(service):
    assert errors(choice_form(service, FieldType.MULTIPLE_CHOICE, None)) == [REQUIRED]


@pytest.mark.parametrize(("value", "expected"), [("si", True), ("no", False)])
def test_yes_no(service, value, expected):
    assert cleaned(single_field_form(service, FieldType.BOOLEAN, value)) is expected


def test_required_yes_no_must_be_answered(service):
    assert errors(single_field_form(service, FieldType.BOOLEAN, None)) == [REQUIRED]


def test_an_optional_yes_no_left_out_is_no(service):
    """As the site pre-sets it, the API schema ("required": false) and the bulk instructions
    ("Obbligatoria: No") say: leaving it out answers "No"."""
    form = single_field_form(service, FieldType.BOOLEAN, None, required=False)
    assert cleaned(form) is False
    assert not form.fields["campo"].required  # no "*" beside it


def test_yes_no_refuses_other_values(service):
    assert errors(single_field_form(service, FieldType.BOOLEAN, "forse")) == [
        "Scegli un'opzione valida. forse non è tra quelle disponibili."
    ]


def test_optional_yes_no_starts_on_no_and_shows_its_supplement(service):
    FormFieldFactory(
        service=service,
        key="campo",
        label="Consegna urgente",
        field_type=FieldType.BOOLEAN,
        is_required=False,
        price_supplement=Decimal("30.00"),
    )
    form = answers_form(service)
    assert form["campo"].initial == "no"
    assert form.fields["campo"].label == "Consegna urgente (+30,00\u00a0€ + IVA)"


# --- Italian identifiers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("RSSMRA85M01H501Q", "RSSMRA85M01H501Q"),
        ("rssmra85m01h501q", "RSSMRA85M01H501Q"),
        ("RSS MRA 85M01 H501Q", "RSSMRA85M01H501Q"),
        ("00743110157", "00743110157"),  # a company's numeric codice fiscale
    ],
)
def test_codice_fiscale_valid(service, value, expected):
    assert cleaned(single_field_form(service, FieldType.CODICE_FISCALE, value)) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "RSSMRA85M01H501X",
            "Il codice fiscale non è valido: il carattere di controllo non corrisponde.",
        ),
        ("RSSMRA85M01H50", "Il codice fiscale deve avere 16 caratteri."),
        ("RSSMRA8XM01H501Q", "Il codice fiscale non ha un formato valido."),
        ("1234567890123456", "Il codice fiscale numerico deve avere 11 cifre."),
        ("00743110158", "Il codice fiscale non è valido: controlla le cifre inserite."),
        ("0074311015", "Il codice fiscale numerico deve avere 11 cifre."),
    ],
)
def test_codice_fiscale_invalid(service, value, message):
    assert errors(single_field_form(service, FieldType.CODICE_FISCALE, value)) == [message]


@pytest.mark.parametrize(
    "value", ["00743110157", "IT00743110157", "it 00743110157", "007 4311 0157"]
)
def test_partita_iva_valid(service, value):
    assert cleaned(single_field_form(service, FieldType.PARTITA_IVA, value)) == "00743110157"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("00743110158", "La partita IVA non è valida: controlla le cifre inserite."),
        ("0074311015", "La partita IVA deve essere composta da 11 cifre."),
        ("007431101570", "La partita IVA deve essere composta da 11 cifre."),
        ("0074311015A", "La partita IVA deve essere composta da 11 cifre."),
    ],
)
def test_partita_iva_invalid(service, value, message):
    assert errors(single_field_form(service, FieldType.PARTITA_IVA, value)) == [message]


def test_cap(service):
    assert cleaned(single_field_form(service, FieldType.CAP, "40121")) == "40121"


@pytest.mark.parametrize("value", ["4012", "401210", "4O121", "ABCDE"])
def test_cap_invalid(service, value):
    assert errors(single_field_form(service, FieldType.CAP, value)) == [
        "Il CAP deve essere composto da 5 cifre."
    ]


def test_provincia_is_a_select_of_italian_provinces(service):
    form = single_field_form(service, FieldType.PROVINCIA, "BO")
    assert cleaned(form) == "BO"
    html = str(form["campo"])
    assert html.startswith("<select")
    assert '<option value="BO" selected>Bologna</option>' in html
    assert '<option value="RM">Roma</option>' in html


def test_provincia_invalid_code(service):
    assert errors(single_field_form(service, FieldType.PROVINCIA, "XX")) == [
        "Seleziona una provincia italiana dall'elenco."
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Bologna", "Bologna"),
        ("Sant'Agata Bolognese", "Sant'Agata Bolognese"),
        ("  San  Lazzaro di   Savena ", "San Lazzaro di Savena"),
        ("Forlì", "Forlì"),
        # The apostrophe phones and Macs type is the same name.
        ("Sant\u2019Agata Bolognese", "Sant'Agata Bolognese"),
        ("Bolzano/Bozen", "Bolzano/Bozen"),
    ],
)
def test_comune(service, value, expected):
    assert cleaned(single_field_form(service, FieldType.COMUNE, value)) == expected


@pytest.mark.parametrize("value", ["Bologna 2", "B", "<script>"])
def test_comune_invalid(service, value):
    assert errors(single_field_form(service, FieldType.COMUNE, value)) == [
        "Inserisci il nome del comune (solo lettere)."
    ]


# --- Pre-filling from saved answers ("Modifica") ----------------------------------------------


def test_saved_answers_prefill_every_kind_of_field(service):
    FormFieldFactory(service=service, key="testo", field_type=FieldType.TEXT)
    FormFieldFactory(service=service, key="urgente", field_type=FieldType.BOOLEAN)
    field_with_choices(FieldType.MULTIPLE_CHOICE, CHOICES, service=service, key="tipi")
    answers = {"testo": "Via Roma 1", "urgente": True, "tipi": ["villa"]}

    form = answers_form(service, answers=answers)

    assert form.initial == {"testo": "Via Roma 1", "urgente": "si", "tipi": ["villa"]}
    resubmitted = answers_form(service, {"testo": "Via Roma 1", "urgente": "si", "tipi": ["villa"]})
    assert resubmitted.is_valid()
    assert resubmitted.answers() == answers


# --- Limits staff set on numbers and dates ----------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "value", "message"),
    [
        (FieldType.INTEGER, "0", "Il valore minimo è 1."),
        (FieldType.INTEGER, "-1", "Il valore minimo è 1."),
        (FieldType.INTEGER, "1.001", "Il valore massimo è 999,5."),
        (FieldType.DECIMAL, "0,5", "Il valore minimo è 1."),
        (FieldType.DECIMAL, "999,51", "Il valore massimo è 999,5."),
    ],
)
def test_numbers_outside_the_limits_staff_set_are_refused_with_one_message(
    service, field_type, value, message
):
    form = single_field_form(
        service, field_type, value, min_value=Decimal("1.00"), max_value=Decimal("999.50")
    )
    assert errors(form) == [message]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("-0,5", "-0.5"), ("-1.234,5", "-1234.5"), ("-12", "-12"), ("-,5", "-0.5")],
)
def test_a_negative_decimal_is_read_the_italian_way_where_allowed(service, value, expected):
    form = single_field_form(service, FieldType.DECIMAL, value, min_value=Decimal("-2000"))
    assert cleaned(form) == expected


@pytest.mark.parametrize("value", ["--1", "-+1", "-"])
def test_a_malformed_sign_is_not_a_number(service, value):
    form = single_field_form(service, FieldType.DECIMAL, value, min_value=Decimal("-5"))
    assert errors(form) == ["Inserisci un numero."]


@pytest.mark.parametrize("field_type", [FieldType.INTEGER, FieldType.DECIMAL])
def test_numbers_within_the_limits_are_accepted(service, field_type):
    form = single_field_form(
        service, field_type, "1", min_value=Decimal("1"), max_value=Decimal("999.50")
    )
    assert str(cleaned(form)) == "1"


@pytest.fixture
def rome_just_after_midnight(monkeypatch):
    """23:30 UTC on 3 December is already 4 December in Rome: "today" is Rome's."""
    from django.utils import timezone

    fixed = dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("past", "2026-12-05", "La data non può essere nel futuro."),
        ("past", "2026-12-04", None),
        ("past", "1980-01-31", None),
        ("future", "2026-12-03", "La data non può essere nel passato."),
        ("future", "2026-12-04", None),
        ("", "2030-01-01", None),
        ("", "1900-01-01", None),
        ("", "1850-01-01", None),
        ("birth", "2026-12-05", "La data non può essere nel futuro."),
        ("birth", "2026-12-04", None),
        ("birth", "1900-01-01", None),
        ("birth", "1899-12-31", "La data di nascita non può essere prima del 1900."),
    ],
)
def test_dates_follow_the_limit_on_rome_s_calendar(
    service, rome_just_after_midnight, limit, value, message
):
    form = single_field_form(service, FieldType.DATE, value, date_limit=limit)
    if message is None:
        assert cleaned(form) == value
    else:
        assert errors(form) == [message]


@pytest.mark.parametrize(
    ("limit", "attribute"),
    [
        ("past", 'max="2026-12-04"'),
        ("future", 'min="2026-12-04"'),
        ("birth", 'min="1900-01-01" max="2026-12-04"'),
        ("", None),
    ],
)
def test_the_date_picker_offers_only_the_days_accepted(
    service, rome_just_after_midnight, limit, attribute
):
    FormFieldFactory(service=service, key="giorno", field_type=FieldType.DATE, date_limit=limit)

    html = str(answers_form(service)["giorno"])

    if attribute is None:
        assert "min=" not in html and "max=" not in html
    else:
        assert attribute in html


def _person_form(service, data, *, codes=1, births=1):
    for n in range(codes):
        FormFieldFactory(
            service=service,
            key=f"cf{n}",
            label="Codice fiscale",
            field_type=FieldType.CODICE_FISCALE,
        )
    for n in range(births):
        FormFieldFactory(
            service=service, key=f"nascita{n}", field_type=FieldType.DATE, date_limit="birth"
        )
    return answers_form(service, data)


@pytest.mark.parametrize(
    ("code", "born", "matches"),
    [
        ("RSSMRA80A01H501U", "1980-01-01", True),
        ("RSSMRA80A01H501U", "01/01/1980", True),
        ("RSSMRA80A01H501U", "1980-01-02", False),  # a typo in the day
        ("RSSMRA80A01H501U", "1981-01-01", False),
        ("RSSMRA80A01H501U", "1980-02-01", False),
        ("RSSMRA80A41H501Y", "1980-01-01", True),  # a woman: day + 40
        ("RSSMRAULALMHRLMD", "1980-01-01", True),  # omocodia: digits written as letters
    ],
)
def test_the_codice_fiscale_must_give_the_birth_date_asked_beside_it(service, code, born, matches):
    form = _person_form(service, {"cf0": code, "nascita0": born})

    if matches:
        assert form.is_valid(), form.errors
    else:
        assert not form.is_valid()
        day = dt.datetime.strptime(born, "%Y-%m-%d").strftime("%d/%m/%Y")
        assert form.errors["cf0"] == [
            f"Il codice fiscale non corrisponde alla data di nascita ({day}): "
            "controlla l'uno e l'altra."
        ]
        assert "nascita0" not in form.errors


def test_a_form_asking_a_birth_date_wants_a_persons_codice_fiscale(service):
    form = _person_form(service, {"cf0": "01234560371", "nascita0": "1950-05-05"})

    assert not form.is_valid()
    assert form.errors["cf0"] == [
        "Inserisci il codice fiscale di una persona fisica (16 caratteri): il modulo ne "
        "chiede la data di nascita."
    ]


@pytest.mark.parametrize(("codes", "births"), [(2, 1), (1, 2)])
def test_forms_with_several_codes_or_birth_dates_are_not_guessed_at(service, codes, births):
    data = {"cf0": "RSSMRA80A01H501U", "cf1": "RSSMRA80A01H501U"}
    data |= {"nascita0": "1990-05-05", "nascita1": "1990-05-05"}

    assert _person_form(service, data, codes=codes, births=births).is_valid()


def test_a_past_date_is_not_compared_with_the_codice_fiscale(service):
    FormFieldFactory(service=service, key="cf", field_type=FieldType.CODICE_FISCALE)
    FormFieldFactory(service=service, key="atto", field_type=FieldType.DATE, date_limit="past")

    assert answers_form(service, {"cf": "RSSMRA80A01H501U", "atto": "2001-03-04"}).is_valid()


@pytest.mark.parametrize(
    ("text_format", "value", "message"),
    [
        ("digits", "12", None),
        ("digits", " 0012 ", None),  # the surrounding spaces are dropped, the zeros kept
        ("digits", "12a", "Inserisci solo cifre, senza spazi."),
        ("digits", "1 2", "Inserisci solo cifre, senza spazi."),
        ("digits", "abc!!", "Inserisci solo cifre, senza spazi."),
        ("code", "123", None),
        ("code", "123/A", None),
        ("code", "A-12/b", None),
        (
            "code",
            "123/",
            "Inserisci solo lettere e cifre, anche separate da / o - (ad esempio 123/A).",
        ),
        (
            "code",
            "12 3",
            "Inserisci solo lettere e cifre, anche separate da / o - (ad esempio 123/A).",
        ),
        (
            "code",
            "abc!!",
            "Inserisci solo lettere e cifre, anche separate da / o - (ad esempio 123/A).",
        ),
        ("", "abc!! ok", None),
    ],
)
def test_short_texts_follow_their_format(service, text_format, value, message):
    form = single_field_form(service, FieldType.TEXT, value, text_format=text_format)
    if message is None:
        assert cleaned(form) == value.strip()
    else:
        assert errors(form) == [message]


def test_a_digits_only_text_brings_up_the_numeric_keyboard(service):
    FormFieldFactory(service=service, key="foglio", field_type=FieldType.TEXT, text_format="digits")
    FormFieldFactory(
        service=service, key="particella", field_type=FieldType.TEXT, text_format="code"
    )

    form = answers_form(service)

    assert 'inputmode="numeric"' in str(form["foglio"])
    assert "inputmode" not in str(form["particella"])
    assert form.fields["foglio"].help_text == "Formato: solo cifre."
    assert form.fields["particella"].help_text == (
        "Formato: lettere e cifre, anche separate da / o -."
    )


def test_the_limits_are_said_under_the_field_before_any_error(service):
    FormFieldFactory(
        service=service,
        key="superficie",
        field_type=FieldType.DECIMAL,
        help_text="Anche approssimativa",
        min_value=Decimal("1"),
        max_value=Decimal("500"),
    )
    FormFieldFactory(service=service, key="nascita", field_type=FieldType.DATE, date_limit="past")

    form = answers_form(service)

    assert form.fields["superficie"].help_text == (
        "Anche approssimativa · Valori ammessi: da 1 a 500."
    )
    assert form.fields["nascita"].help_text == "Date ammesse: oggi o una data passata."


def test_limits_in_words_for_the_bulk_files(service):
    from sportello.cart.bulk_sheets import column_help

    fields = [
        FormFieldFactory(
            service=service, key="a", field_type=FieldType.INTEGER, min_value=Decimal("1")
        ),
        FormFieldFactory(
            service=service,
            key="b",
            field_type=FieldType.DECIMAL,
            min_value=Decimal("0.5"),
            max_value=Decimal("1000"),
        ),
        FormFieldFactory(service=service, key="c", field_type=FieldType.DATE, date_limit="past"),
        FormFieldFactory(service=service, key="d", field_type=FieldType.TEXT),
    ]

    columns = [(item.format, item.allowed) for item in column_help(fields)]

    assert columns == [
        ("Numero intero, es. 12", ["almeno 1"]),
        ("Numero, es. 12,50", ["da 0,5 a 1000"]),
        ("Data nel formato gg/mm/aaaa", ["oggi o una data passata"]),
        ("Testo", []),
    ]
