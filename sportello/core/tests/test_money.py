from decimal import Decimal

import pytest

from sportello.core.money import TaxedPrice, format_euro, sum_prices, to_money


def test_to_money_rounds_half_up():
    assert to_money("2.675") == Decimal("2.68")
    assert to_money("2.665") == Decimal("2.67")
    assert to_money("-2.675") == Decimal("-2.68")


def test_to_money_refuses_floats():
    with pytest.raises(TypeError):
        to_money(2.5)


def test_taxed_price_from_net_rounds_vat_per_line():
    price = TaxedPrice.from_net("10.25", "22")
    assert price == TaxedPrice(net=Decimal("10.25"), vat=Decimal("2.26"), gross=Decimal("12.51"))


def test_taxed_price_refuses_inconsistent_amounts():
    with pytest.raises(ValueError):
        TaxedPrice(net=Decimal("10.00"), vat=Decimal("2.20"), gross=Decimal("12.21"))
    with pytest.raises(ValueError):
        TaxedPrice(net=Decimal("10.001"), vat=Decimal("0"), gross=Decimal("10.001"))


def test_sum_rounds_per_line_then_adds():
    lines = [TaxedPrice.from_net("0.05", "22")] * 3  # VAT 0.011 -> 0.01 each
    total = sum_prices(lines)
    assert total == TaxedPrice(net=Decimal("0.15"), vat=Decimal("0.03"), gross=Decimal("0.18"))


def test_format_euro_italian():
    assert format_euro(Decimal("1234.5")) == "1.234,50\u00a0€"
    assert format_euro(Decimal("0")) == "0,00\u00a0€"
    assert format_euro(Decimal("1234567.891")) == "1.234.567,89\u00a0€"
    assert format_euro(Decimal("-12.3")) == "-12,30\u00a0€"


def test_format_euro_keeps_the_amount_and_the_sign_together():
    """A non-breaking space (U+00A0), never a plain one, so "€" cannot wrap alone."""
    formatted = format_euro(Decimal("8"))
    assert formatted == "8,00\u00a0€"
    assert " " not in formatted
    assert format_euro(Decimal("-1234.5")) == "-1.234,50\u00a0€"
