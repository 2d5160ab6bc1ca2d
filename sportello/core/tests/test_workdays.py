"""Italian working days: weekends, national holidays (8 December, Easter Monday), the
patron-saint day."""

import datetime as dt

import pytest

from sportello.core.workdays import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # Friday + 1 working day = Monday.
        (dt.date(2026, 11, 27), 1, dt.date(2026, 11, 30)),
        # Friday 4 December + 2: Monday 7, (Tuesday 8 December is a holiday), Wednesday 9.
        (dt.date(2026, 12, 4), 2, dt.date(2026, 12, 9)),
        # Thursday 2 April 2026 + 2: Friday 3, (Easter Monday 6 April), Tuesday 7.
        (dt.date(2026, 4, 2), 2, dt.date(2026, 4, 7)),
        # Across Christmas and Saint Stephen (a Saturday in 2026) and New Year.
        (dt.date(2026, 12, 23), 3, dt.date(2026, 12, 29)),
        # Ten working days from Tuesday 1 December 2026: the 8th does not count.
        (dt.date(2026, 12, 1), 10, dt.date(2026, 12, 16)),
        # Zero days on a Saturday: the next working day.
        (dt.date(2026, 11, 28), 0, dt.date(2026, 11, 30)),
    ],
)
def test_add_working_days(start, count, expected):
    assert add_working_days(start, count) == expected


def test_holidays_are_not_working_days():
    assert not is_working_day(dt.date(2026, 12, 8))
    assert not is_working_day(dt.date(2027, 3, 29))  # Easter Monday 2027
    assert not is_working_day(dt.date(2026, 12, 5))  # Saturday
    assert is_working_day(dt.date(2026, 12, 9))


def test_patron_saint_day_from_settings(settings):
    # Saint John, patron of Turin, Genoa, Florence: 24 June (a Wednesday in 2026).
    assert is_working_day(dt.date(2026, 6, 24))
    settings.PATRON_SAINT_DAY = "06-24"
    assert not is_working_day(dt.date(2026, 6, 24))
    assert add_working_days(dt.date(2026, 6, 23), 1) == dt.date(2026, 6, 25)


def test_working_days_between_counts_the_pause():
    # Friday 4 to Wednesday 9 December: Monday 7 and Wednesday 9.
    assert working_days_between(dt.date(2026, 12, 4), dt.date(2026, 12, 9)) == 2
    assert working_days_between(dt.date(2026, 12, 9), dt.date(2026, 12, 9)) == 0
