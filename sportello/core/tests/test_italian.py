"""Italian identifiers validated with python-stdnum checksums."""

import pytest
from django.core.exceptions import ValidationError

from sportello.core.italian import (
    normalize_partita_iva,
    province_label,
    validate_codice_fiscale,
    validate_partita_iva,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("RSSMRA85M01H501Q", "RSSMRA85M01H501Q"),
        (" mrtmtt91d08f205j ", "MRTMTT91D08F205J"),
        ("00743110157", "00743110157"),
    ],
)
def test_valid_codice_fiscale(value, expected):
    assert validate_codice_fiscale(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("RSSMRA85M01H501X", "codice_fiscale_checksum"),
        ("RSSMRA85M01H50", "codice_fiscale_length"),
        ("RSSMRA85M01H501QQ", "codice_fiscale_length"),
        ("RSSMRA8XM01H501Q", "codice_fiscale_format"),
        ("00743110158", "codice_fiscale_checksum"),
        ("007431101", "codice_fiscale_length"),
    ],
)
def test_invalid_codice_fiscale(value, code):
    with pytest.raises(ValidationError) as error:
        validate_codice_fiscale(value)
    assert error.value.code == code


def test_numeric_codice_fiscale_can_be_refused_for_people():
    with pytest.raises(ValidationError) as error:
        validate_codice_fiscale("00743110157", allow_numeric=False)
    assert error.value.code == "codice_fiscale_format"


@pytest.mark.parametrize("value", ["00743110157", "IT00743110157", "IT 007.431.101-57"])
def test_valid_partita_iva(value):
    assert validate_partita_iva(value) == "00743110157"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("00743110158", "partita_iva_checksum"),
        ("0074311015", "partita_iva_format"),
        ("DE00743110157", "partita_iva_format"),
        ("", "partita_iva_format"),
    ],
)
def test_invalid_partita_iva(value, code):
    with pytest.raises(ValidationError) as error:
        validate_partita_iva(value)
    assert error.value.code == code


def test_normalize_partita_iva_keeps_only_the_number():
    assert normalize_partita_iva(" it 00743110157 ") == "00743110157"


def test_province_label():
    assert province_label("BO") == "Bologna (BO)"
    assert province_label("ZZ") == "ZZ"
