"""`manage.py check --deploy`: the seller's data must be present and valid with DEBUG off."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from sportello.invoicing.checks import check_invoice_settings, check_invoice_settings_for_deploy
from sportello.invoicing.seller import DEMO_SELLER, seller_from_env, seller_problems


def test_demo_seller_passes_the_checks():
    assert seller_problems(DEMO_SELLER) == []


def test_check_command_is_clean_with_valid_data(settings):
    settings.DEBUG = False
    call_command("check", stdout=io.StringIO())


@pytest.mark.parametrize(
    ("key", "value", "env"),
    [
        ("partita_iva", "", "INVOICE_SELLER_PARTITA_IVA"),
        ("partita_iva", "01234560372", "INVOICE_SELLER_PARTITA_IVA"),  # check digit
        ("partita_iva", "01234561017", "INVOICE_SELLER_PARTITA_IVA"),  # office code 101
        ("codice_fiscale", "RSSMRA80A01H501X", "INVOICE_SELLER_CODICE_FISCALE"),
        ("regime_fiscale", "RF99", "INVOICE_SELLER_REGIME_FISCALE"),
        ("cap", "4012", "INVOICE_SELLER_CAP"),
        ("provincia", "bo", "INVOICE_SELLER_PROVINCIA"),
        ("name", "", "INVOICE_SELLER_NAME"),
        ("address", "", "INVOICE_SELLER_ADDRESS"),
        ("comune", "", "INVOICE_SELLER_COMUNE"),
        ("pec", "not-an-address", "INVOICE_SELLER_PEC"),
        ("rea_office", "Bologna", "INVOICE_SELLER_REA_OFFICE"),
        ("share_capital", "diecimila", "INVOICE_SELLER_SHARE_CAPITAL"),
        ("sole_shareholder", "X", "INVOICE_SELLER_SOLE_SHAREHOLDER"),
        ("liquidation", "", "INVOICE_SELLER_LIQUIDATION"),
    ],
)
def test_missing_or_invalid_value_is_an_error_with_debug_off(settings, key, value, env):
    settings.DEBUG = False
    settings.INVOICE_SELLER = {**DEMO_SELLER, key: value}

    messages = check_invoice_settings_for_deploy(None)

    assert [m.id for m in messages] == ["invoicing.E001"]
    assert messages[0].msg.startswith(env)
    with pytest.raises(SystemCheckError, match=f"invoicing.E001. {env}"):
        call_command("check", "--deploy", stdout=io.StringIO(), stderr=io.StringIO())
    # Every other command (makemigrations, migrate…) only warns: the models need no seller.
    assert [m.id for m in check_invoice_settings(None)] == ["invoicing.W001"]
    call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


def test_with_debug_on_it_is_a_warning(settings):
    settings.DEBUG = True
    settings.INVOICE_SELLER = {**DEMO_SELLER, "partita_iva": ""}

    assert [m.id for m in check_invoice_settings(None)] == ["invoicing.W001"]


def test_other_invoice_settings_are_checked(settings):
    settings.DEBUG = False
    settings.INVOICE_NUMBER_PREFIX = "FATTURA-DEL-"
    settings.INVOICE_ZERO_RATE_NATURA = "N9"
    settings.INVOICE_CHANNEL = "pec"

    ids = [m.msg.split()[0] for m in check_invoice_settings_for_deploy(None)]
    assert ids == ["INVOICE_NUMBER_PREFIX", "INVOICE_ZERO_RATE_NATURA", "INVOICE_CHANNEL"]


def test_settings_take_demo_values_only_with_debug():
    environment = {"INVOICE_SELLER_NAME": "Mia S.r.l."}

    def read(name, default):
        return environment.get(name, default)

    production = seller_from_env(read, demo=False)
    assert production["name"] == "Mia S.r.l."
    assert production["partita_iva"] == ""
    assert (production["regime_fiscale"], production["country"]) == ("RF01", "IT")
    assert seller_from_env(read, demo=True)["partita_iva"] == DEMO_SELLER["partita_iva"]
