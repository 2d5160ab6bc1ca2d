"""BillingForm: private person or company, Italian identifiers, e-invoicing, address."""

import pytest

from sportello.accounts.forms import BillingForm
from sportello.checkout.forms import CheckoutBillingForm
from sportello.checkout.tests.conftest import (
    CF_MARIO,
    COMPANY_BILLING,
    PERSON_BILLING,
    PIVA_ACME,
    PIVA_OTHER,
)


def _form(**changes) -> BillingForm:
    return BillingForm(data={**PERSON_BILLING, **changes})


def _company(**changes) -> BillingForm:
    return BillingForm(data={**COMPANY_BILLING, **changes})


def test_private_person_is_valid_and_normalised():
    form = _form(codice_fiscale="rss mra 85t10 a562s", comune="  San  Lazzaro di Savena ")
    assert form.is_valid(), form.errors
    assert form.billing_data() == {
        **PERSON_BILLING,
        "codice_fiscale": CF_MARIO,
        "comune": "San Lazzaro di Savena",
    }


def test_private_person_drops_company_fields_typed_before_switching():
    form = _form(company_name="Acme", partita_iva=PIVA_ACME, sdi_code="ABCDEFG", pec="a@pec.it")
    assert form.is_valid(), form.errors
    data = form.billing_data()
    assert (data["company_name"], data["partita_iva"], data["sdi_code"], data["pec"]) == (
        "",
        "",
        "",
        "",
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Questo campo è obbligatorio."),
        ({"last_name": "  "}, "last_name", "Questo campo è obbligatorio."),
        ({"codice_fiscale": ""}, "codice_fiscale", "Questo campo è obbligatorio."),
        (
            {"codice_fiscale": "RSSMRA85T10A562T"},
            "codice_fiscale",
            "Il codice fiscale non è valido: il carattere di controllo non corrisponde.",
        ),
        (
            {"codice_fiscale": "RSSMRA85T10A56"},
            "codice_fiscale",
            "Il codice fiscale deve avere 16 caratteri.",
        ),
        (
            {"codice_fiscale": PIVA_ACME},
            "codice_fiscale",
            "Il codice fiscale di un privato ha 16 caratteri (lettere e cifre).",
        ),
        ({"cap": "4012"}, "cap", "Il CAP deve essere composto da 5 cifre."),
        ({"cap": "40I21"}, "cap", "Il CAP deve essere composto da 5 cifre."),
        ({"cap": ""}, "cap", "Questo campo è obbligatorio."),
        ({"provincia": "XX"}, "provincia", "Seleziona una provincia italiana dall'elenco."),
        ({"comune": "B0l0gna!"}, "comune", "Inserisci il nome del comune (solo lettere)."),
        ({"address": ""}, "address", "Questo campo è obbligatorio."),
        ({"kind": ""}, "kind", "Indica se sei un privato o un'azienda / professionista."),
    ],
)
def test_private_person_errors_sit_next_to_their_field(changes, field, message):
    form = _form(**changes)
    assert not form.is_valid()
    assert form.errors[field] == [message]
    assert set(form.errors) == {field}


def test_only_italy_is_accepted_for_now():
    form = _form(country="FR")
    assert not form.is_valid()
    assert list(form.errors) == ["country"]


@pytest.mark.parametrize(
    "changes",
    [
        {"sdi_code": "M5UXCR1", "pec": ""},
        {"sdi_code": "m5ux cr1", "pec": ""},
        {"sdi_code": "", "pec": "acme@pec.it"},
        {"sdi_code": "0000000", "pec": "ACME@PEC.IT"},
        # A professional's codice fiscale is a person's: 16 characters.
        {"codice_fiscale": CF_MARIO},
        {"partita_iva": f"IT {PIVA_OTHER}", "codice_fiscale": PIVA_OTHER},
    ],
)
def test_company_is_valid(changes):
    form = _company(**changes)
    assert form.is_valid(), form.errors


def test_company_keeps_its_data_normalised_and_drops_person_fields():
    form = _company(first_name="Mario", last_name="Rossi", sdi_code="m5ux cr1", pec="Acme@PEC.it")
    assert form.is_valid(), form.errors
    assert form.billing_data() == {
        **COMPANY_BILLING,
        "first_name": "",
        "last_name": "",
        "sdi_code": "M5UXCR1",
        "pec": "acme@pec.it",
    }


def test_a_wrong_partita_iva_typed_before_choosing_privato_does_not_block():
    """The company group is hidden once "Privato" is chosen: its errors would be unreachable."""
    form = _form(partita_iva="12345678901", sdi_code="ABC", pec="not-an-address")
    assert form.is_valid(), form.errors
    data = form.billing_data()
    assert (data["partita_iva"], data["sdi_code"], data["pec"]) == ("", "", "")


def test_a_company_s_empty_codice_fiscale_is_its_partita_iva():
    form = _company(codice_fiscale="", partita_iva=f"IT {PIVA_OTHER}")
    assert form.is_valid(), form.errors
    assert form.billing_data()["codice_fiscale"] == form.billing_data()["partita_iva"]
    assert form.billing_data()["codice_fiscale"].isdigit()


def test_a_company_without_either_is_told_what_to_type():
    form = _company(codice_fiscale="", partita_iva="")
    assert not form.is_valid()
    assert form.errors["partita_iva"] == ["Questo campo è obbligatorio."]
    assert form.errors["codice_fiscale"] == [
        "Indica il codice fiscale, oppure la partita IVA se coincidono."
    ]


def test_a_wrong_partita_iva_is_one_error_not_two():
    form = _company(codice_fiscale="", partita_iva="12345678901")
    assert not form.is_valid()
    assert form.errors["partita_iva"] == [
        "La partita IVA non è valida: controlla le cifre inserite."
    ]
    assert "codice_fiscale" not in form.errors  # left empty to coincide with it


def test_company_needs_sdi_code_or_pec():
    form = _company(sdi_code="", pec="")
    assert not form.is_valid()
    message = "Per la fattura elettronica indica il codice destinatario SDI oppure la PEC."
    assert form.errors == {"sdi_code": [message], "pec": [message]}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"company_name": ""}, "company_name", "Questo campo è obbligatorio."),
        ({"partita_iva": ""}, "partita_iva", "Questo campo è obbligatorio."),
        (
            {"partita_iva": "00743110158"},
            "partita_iva",
            "La partita IVA non è valida: controlla le cifre inserite.",
        ),
        (
            {"partita_iva": "0074311015"},
            "partita_iva",
            "La partita IVA deve essere composta da 11 cifre.",
        ),
        (
            {"codice_fiscale": "00743110158"},
            "codice_fiscale",
            "Il codice fiscale non è valido: controlla le cifre inserite.",
        ),
        (
            {"codice_fiscale": "0074311015"},
            "codice_fiscale",
            "Il codice fiscale numerico deve avere 11 cifre.",
        ),
        (
            {"sdi_code": "M5UXCR"},
            "sdi_code",
            "Il codice destinatario SDI è composto da 7 caratteri (lettere e cifre).",
        ),
        (
            {"sdi_code": "M5UX-R1"},
            "sdi_code",
            "Il codice destinatario SDI è composto da 7 caratteri (lettere e cifre).",
        ),
        (
            {"sdi_code": "", "pec": "acme-at-pec.it"},
            "pec",
            "Inserisci un indirizzo PEC valido (es. nome@pec.it).",
        ),
    ],
)
def test_company_errors_sit_next_to_their_field(changes, field, message):
    form = _company(**changes)
    assert not form.is_valid()
    assert form.errors[field] == [message]
    assert set(form.errors) == {field}


def test_required_fields_follow_the_submitted_kind():
    person = BillingForm(data={"kind": "person"})
    company = BillingForm(data={"kind": "company"})
    unbound = BillingForm()
    assert person.fields["first_name"].required
    assert not person.fields["company_name"].required
    assert company.fields["company_name"].required
    assert not company.fields["first_name"].required
    # Unbound, each group shows its own required fields (the page says whom a group is for).
    assert unbound.fields["first_name"].required
    assert unbound.fields["partita_iva"].required
    assert unbound.initial["kind"] == "person"
    assert unbound.initial["country"] == "IT"


def test_rendered_fields_have_no_browser_required_attribute():
    """A hidden group's empty fields must not block the submit: the server checks them."""
    html = BillingForm().as_div()
    assert " required" not in html
    assert 'name="codice_fiscale"' in html


def test_checkout_form_adds_the_save_choice():
    form = CheckoutBillingForm(data={**PERSON_BILLING, "save_profile": "on"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["save_profile"] is True
    assert "save_profile" not in form.billing_data()
