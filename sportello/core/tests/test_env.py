from decimal import Decimal

import pytest

from sportello.core.env import (
    ImproperEnvValue,
    env_bool,
    env_decimal,
    env_int,
    env_list,
    env_str,
)


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_variable_counts_as_unset(monkeypatch, value):
    # `SITE_URL=` in an environment file must not give e-mails links without a host.
    for name in ("SITE_URL", "ENABLED", "ATTEMPTS", "VAT", "HOSTS"):
        monkeypatch.setenv(name, value)

    assert env_str("SITE_URL", "http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert env_bool("ENABLED", True) is True
    assert env_int("ATTEMPTS", 8) == 8
    assert env_decimal("VAT", "22.00") == Decimal("22.00")
    assert env_list("HOSTS", "127.0.0.1,localhost") == ["127.0.0.1", "localhost"]


def test_set_variables_win_over_the_defaults(monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://shop.example.it")
    monkeypatch.setenv("ENABLED", "0")
    monkeypatch.setenv("ATTEMPTS", "3")
    monkeypatch.setenv("VAT", "10")
    monkeypatch.setenv("HOSTS", " shop.example.it , www.shop.example.it ")

    assert env_str("SITE_URL", "http://127.0.0.1:8000") == "https://shop.example.it"
    assert env_bool("ENABLED", True) is False
    assert env_int("ATTEMPTS", 8) == 3
    assert env_decimal("VAT", "22.00") == Decimal("10")
    assert env_list("HOSTS", "127.0.0.1") == ["shop.example.it", "www.shop.example.it"]


@pytest.mark.parametrize(
    ("reader", "value"),
    [(env_bool, "forse"), (env_int, "otto"), (env_decimal, "22%")],
)
def test_malformed_values_fail_loudly(monkeypatch, reader, value):
    monkeypatch.setenv("SETTING", value)
    default = {env_bool: False, env_int: 1, env_decimal: "1"}[reader]

    with pytest.raises(ImproperEnvValue, match="SETTING"):
        reader("SETTING", default)
