# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from cobranca.calendar import BankCalendar
from cobranca.contact_hours import (
    DEFAULT_WINDOWS,
    SATURDAY,
    SUNDAY,
    ContactHoursError,
    ContactWindow,
    NoContactWindow,
    check_windows,
    is_contact_time,
    next_contact_time,
)
from hypothesis import given
from hypothesis import strategies as st

CAL = BankCalendar()
MOMENTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31, 23, 59)
)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Friday 27 November 2026 (a business day)
        ("2026-11-27 07:59", "2026-11-27 08:00"),
        ("2026-11-27 08:00", "2026-11-27 08:00"),
        ("2026-11-27 19:59", "2026-11-27 19:59"),
        ("2026-11-27 20:00", "2026-11-28 08:00"),  # Saturday morning
        ("2026-11-27 21:00", "2026-11-28 08:00"),
        ("2026-11-28 13:59", "2026-11-28 13:59"),
        ("2026-11-28 14:00", "2026-11-30 08:00"),  # never on Sundays
        ("2026-11-29 10:00", "2026-11-30 08:00"),
        # Christmas (Friday 25 December 2026) is a holiday: Saturday
        ("2026-12-24 20:30", "2026-12-26 08:00"),
        # 31 December 2026 (Thursday) is a bank holiday; 1 January too
        ("2026-12-30 21:00", "2027-01-02 08:00"),
        # Carnaval Monday and Tuesday 2027 (8 and 9 February)
        ("2027-02-06 15:00", "2027-02-10 08:00"),
    ],
)
def test_next_contact_time_with_the_bank_calendar(moment, expected):
    result = next_contact_time(datetime.fromisoformat(moment), DEFAULT_WINDOWS, CAL)
    assert result == datetime.fromisoformat(expected)


def test_holidays_as_dates_and_aware_datetimes():
    tz = ZoneInfo("America/Sao_Paulo")
    friday_night = datetime(2026, 11, 27, 21, 0, tzinfo=tz)
    assert next_contact_time(friday_night, holidays={date(2026, 11, 28)}) == (
        datetime(2026, 11, 30, 8, 0, tzinfo=tz)
    )
    assert not is_contact_time(datetime(2026, 11, 20, 10), holidays=CAL)
    assert is_contact_time(datetime(2026, 11, 20, 10))  # no holidays given


def test_own_windows():
    windows = [
        ContactWindow(0, time(9), time(12)),
        ContactWindow(0, time(14), time(18)),
        ContactWindow(SUNDAY, time(10)),  # until midnight
    ]
    monday = datetime(2026, 11, 30, 12, 30)
    assert next_contact_time(monday, windows) == datetime(2026, 11, 30, 14)
    assert next_contact_time(monday.replace(hour=18), windows) == datetime(
        2026, 12, 6, 10
    )
    assert is_contact_time(datetime(2026, 12, 6, 23, 59), windows)


def test_bad_windows():
    with pytest.raises(ContactHoursError):
        ContactWindow(7, time(8), time(9))
    with pytest.raises(ContactHoursError):
        ContactWindow(0, time(9), time(8))
    with pytest.raises(ContactHoursError):
        ContactWindow(0, time(9), time(9))
    with pytest.raises(ContactHoursError):
        check_windows([ContactWindow(0, time(8), time(12)), ContactWindow(0, time(11))])
    with pytest.raises(NoContactWindow):
        next_contact_time(datetime(2026, 11, 27, 21), [])
    with pytest.raises(TypeError):
        next_contact_time(date(2026, 11, 27))


@given(MOMENTS)
def test_next_contact_time_is_the_first_open_moment(moment):
    result = next_contact_time(moment, DEFAULT_WINDOWS, CAL)
    assert result >= moment
    assert is_contact_time(result, DEFAULT_WINDOWS, CAL)
    assert result.weekday() != SUNDAY
    assert result.date() not in CAL.holidays_in_year(result.year)
    assert (
        time(8)
        <= result.time()
        < (time(14) if result.weekday() == SATURDAY else time(20))
    )
    if result != moment:
        # A window start, and nothing open between the two (checked by the
        # quarter-hour).
        assert result.time() == time(8)
        probe = moment
        while probe < result - timedelta(minutes=15):
            probe += timedelta(minutes=15)
            if probe < result:
                assert not is_contact_time(probe, DEFAULT_WINDOWS, CAL)
    assert next_contact_time(result, DEFAULT_WINDOWS, CAL) == result
