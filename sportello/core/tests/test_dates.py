"""Dates as customers read them: "giovedì 3 dicembre 2026", on the shop's local day."""

import datetime as dt

import pytest
from django.template import Context, Template

from sportello.core.dates import long_date, long_datetime

ROME = dt.timezone(dt.timedelta(hours=1))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.date(2026, 12, 3), "giovedì 3 dicembre 2026"),
        (dt.date(2026, 1, 1), "giovedì 1 gennaio 2026"),
        (dt.date(2026, 3, 15), "domenica 15 marzo 2026"),
        (dt.date(2027, 8, 2), "lunedì 2 agosto 2027"),
    ],
)
def test_long_date(value, text):
    assert long_date(value) == text


def test_datetimes_are_shown_on_the_day_in_rome():
    # 23:30 UTC on 2 December is already 3 December in Rome.
    late_evening = dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC)
    assert long_date(late_evening) == "giovedì 3 dicembre 2026"
    assert long_datetime(late_evening) == "giovedì 3 dicembre 2026 alle 00:30"
    summer = dt.datetime(2026, 7, 9, 12, 5, tzinfo=dt.UTC)
    assert long_datetime(summer) == "giovedì 9 luglio 2026 alle 14:05"


def test_template_filters_are_builtins():
    template = Template("{{ day|long_date }} · {{ moment|long_datetime }} · [{{ none|long_date }}]")
    text = template.render(
        Context(
            {
                "day": dt.date(2026, 12, 3),
                "moment": dt.datetime(2026, 12, 3, 9, 0, tzinfo=ROME),
                "none": None,
            }
        )
    )
    assert text == "giovedì 3 dicembre 2026 · giovedì 3 dicembre 2026 alle 09:00 · []"
