# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, timedelta

import pytest
from cobranca.calendar import BankCalendar
from hypothesis import given
from hypothesis import strategies as st

CAL = BankCalendar()
DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


def _dates(*isoformats):
    return {date.fromisoformat(value) for value in isoformats}


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            2023,  # Easter 9 April; 20 November still a business day
            _dates(
                "2023-01-01", "2023-02-20", "2023-02-21", "2023-04-07",
                "2023-04-21", "2023-05-01", "2023-06-08", "2023-09-07",
                "2023-10-12", "2023-11-02", "2023-11-15", "2023-12-25",
                "2023-12-31",
            ),
        ),
        (
            2024,  # Easter 31 March
            _dates(
                "2024-01-01", "2024-02-12", "2024-02-13", "2024-03-29",
                "2024-04-21", "2024-05-01", "2024-05-30", "2024-09-07",
                "2024-10-12", "2024-11-02", "2024-11-15", "2024-11-20",
                "2024-12-25", "2024-12-31",
            ),
        ),
        (
            2025,  # Easter 20 April
            _dates(
                "2025-01-01", "2025-03-03", "2025-03-04", "2025-04-18",
                "2025-04-21", "2025-05-01", "2025-06-19", "2025-09-07",
                "2025-10-12", "2025-11-02", "2025-11-15", "2025-11-20",
                "2025-12-25", "2025-12-31",
            ),
        ),
        (
            2026,  # Easter 5 April
            _dates(
                "2026-01-01", "2026-02-16", "2026-02-17", "2026-04-03",
                "2026-04-21", "2026-05-01", "2026-06-04", "2026-09-07",
                "2026-10-12", "2026-11-02", "2026-11-15", "2026-11-20",
                "2026-12-25", "2026-12-31",
            ),
        ),
    ],
)  # fmt: skip
def test_holidays_in_year(year, expected):
    assert CAL.holidays_in_year(year) == expected


@pytest.mark.parametrize(
    ("day", "business"),
    [
        ("2023-11-20", True),  # Consciência Negra: national only from 2024
        ("2024-11-20", False),
        ("2025-11-20", False),
        ("2025-03-03", False),  # Carnaval Monday
        ("2025-03-04", False),  # Carnaval Tuesday
        ("2025-03-05", True),  # Ash Wednesday: banks open at noon
        ("2025-04-18", False),  # Good Friday
        ("2025-04-17", True),  # Maundy Thursday
        ("2025-06-19", False),  # Corpus Christi
        ("2025-12-24", True),  # Christmas Eve: reduced hours only
        ("2025-12-31", False),  # no clearing on 31 December
        ("2025-10-28", True),  # Dia do Servidor Público: not a bank holiday
        ("2025-03-01", False),  # Saturday
        ("2025-03-02", False),  # Sunday
        ("2025-06-02", True),  # an ordinary Monday
        ("2025-01-20", True),  # São Sebastião: municipal (Rio), not national
    ],
)
def test_is_business_day(day, business):
    assert CAL.is_business_day(date.fromisoformat(day)) is business


def test_extra_holidays_are_non_business_days():
    rio = BankCalendar(extra_holidays=[date(2025, 1, 20)])
    assert not rio.is_business_day(date(2025, 1, 20))
    assert rio.is_business_day(date(2026, 1, 19))
    assert date(2025, 1, 20) in rio.holidays_in_year(2025)
    assert date(2025, 1, 20) not in rio.holidays_in_year(2026)
    assert rio.next_business_day(date(2025, 1, 18)) == date(2025, 1, 21)


def test_holidays_in_year_returns_a_copy():
    first = CAL.holidays_in_year(2025)
    first.add(date(2025, 6, 2))
    assert date(2025, 6, 2) not in CAL.holidays_in_year(2025)
    assert CAL.is_business_day(date(2025, 6, 2))


@pytest.mark.parametrize(
    ("day", "include", "expected"),
    [
        ("2025-03-01", True, "2025-03-05"),  # weekend + Carnaval
        ("2025-04-18", True, "2025-04-22"),  # Good Friday, weekend, Tiradentes
        ("2025-12-31", True, "2026-01-02"),
        ("2025-06-02", True, "2025-06-02"),
        ("2025-06-02", False, "2025-06-03"),
        ("2025-06-06", False, "2025-06-09"),
        ("2025-06-18", False, "2025-06-20"),  # Corpus Christi
    ],
)
def test_next_business_day(day, include, expected):
    result = CAL.next_business_day(date.fromisoformat(day), include=include)
    assert result == date.fromisoformat(expected)


@pytest.mark.parametrize(
    ("day", "include", "expected"),
    [
        ("2025-03-04", True, "2025-02-28"),
        ("2025-03-05", False, "2025-02-28"),
        ("2025-03-05", True, "2025-03-05"),
        ("2026-01-01", True, "2025-12-30"),  # 31 December skipped
        ("2025-04-21", True, "2025-04-17"),
    ],
)
def test_previous_business_day(day, include, expected):
    result = CAL.previous_business_day(date.fromisoformat(day), include=include)
    assert result == date.fromisoformat(expected)


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        ("2025-02-28", 1, "2025-03-05"),
        ("2025-02-28", 3, "2025-03-07"),
        ("2025-03-05", -1, "2025-02-28"),
        ("2025-03-01", 0, "2025-03-01"),  # zero: the day itself, even a Saturday
        ("2025-03-01", 1, "2025-03-05"),
        ("2025-03-01", -1, "2025-02-28"),
        ("2025-12-30", 1, "2026-01-02"),
        ("2025-06-02", 5, "2025-06-09"),
        ("2025-06-02", -5, "2025-05-26"),
    ],
)
def test_add_business_days(day, count, expected):
    result = CAL.add_business_days(date.fromisoformat(day), count)
    assert result == date.fromisoformat(expected)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-02-28", "2025-03-05", 1),
        ("2025-03-05", "2025-02-28", -1),
        ("2025-06-02", "2025-06-02", 0),
        ("2025-06-01", "2025-06-02", 1),  # the end is counted
        ("2025-06-02", "2025-06-03", 1),  # the start is not
        # December 2025: 22 weekdays after the 1st, minus the 25th and 31st
        ("2025-12-01", "2025-12-31", 20),
    ],
)
def test_business_days_between(start, end, expected):
    result = CAL.business_days_between(
        date.fromisoformat(start), date.fromisoformat(end)
    )
    assert result == expected


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("2025-03-01", "2025-03-05"),
        ("2025-06-02", "2025-06-02"),
        ("2025-12-31", "2026-01-02"),
        ("2024-11-20", "2024-11-21"),
    ],
)
def test_effective_due_date(due, expected):
    result = CAL.effective_due_date(date.fromisoformat(due))
    assert result == date.fromisoformat(expected)


def test_datetimes_and_other_types_are_rejected():
    with pytest.raises(TypeError, match="datetime.date"):
        CAL.is_business_day(datetime(2025, 6, 2, 10, 0))
    with pytest.raises(TypeError, match="datetime.date"):
        CAL.next_business_day("2025-06-02")
    with pytest.raises(TypeError, match="extra_holidays"):
        BankCalendar(extra_holidays=["2025-01-20"])
    with pytest.raises(TypeError, match="count must be an int"):
        CAL.add_business_days(date(2025, 6, 2), 1.0)


def test_vectors_non_business_weekdays(load_vectors):
    vectors = load_vectors("bank_calendar.json")
    for year, listed in vectors["non_business_weekdays"].items():
        start = date(int(year), 1, 1)
        weekdays = (start + timedelta(days=n) for n in range(366))
        found = {
            day
            for day in weekdays
            if day.year == int(year)
            and day.weekday() < 5
            and not CAL.is_business_day(day)
        }
        assert found == {date.fromisoformat(day) for day in listed}


def test_vectors_next_business_day(load_vectors):
    vectors = load_vectors("bank_calendar.json")
    for case in vectors["next_business_day"]:
        day = date.fromisoformat(case["date"])
        assert CAL.next_business_day(day) == date.fromisoformat(case["next"])


@given(DAYS)
def test_weekends_are_never_business_days(day):
    if day.weekday() >= 5:
        assert not CAL.is_business_day(day)


@given(DAYS, st.booleans())
def test_next_business_day_is_the_first_one(day, include):
    result = CAL.next_business_day(day, include=include)
    start = day if include else day + timedelta(days=1)
    assert CAL.is_business_day(result)
    assert result >= start
    skipped = (start + timedelta(days=n) for n in range((result - start).days))
    assert not any(CAL.is_business_day(other) for other in skipped)


@given(DAYS, st.booleans())
def test_previous_business_day_is_the_last_one(day, include):
    result = CAL.previous_business_day(day, include=include)
    start = day if include else day - timedelta(days=1)
    assert CAL.is_business_day(result)
    assert result <= start
    skipped = (start - timedelta(days=n) for n in range((start - result).days))
    assert not any(CAL.is_business_day(other) for other in skipped)


@given(DAYS, st.integers(min_value=-60, max_value=60))
def test_add_business_days_is_inverse_of_counting(day, count):
    result = CAL.add_business_days(day, count)
    one_day = timedelta(days=1)
    if count == 0:
        assert result == day
    elif count > 0:  # ``count`` business days in (day, result]
        assert CAL.is_business_day(result)
        assert CAL.business_days_between(day, result) == count
    else:  # ``-count`` business days in [result, day)
        assert CAL.is_business_day(result)
        assert CAL.business_days_between(result - one_day, day - one_day) == -count


@given(DAYS, DAYS)
def test_business_days_between_is_antisymmetric(start, end):
    forward = CAL.business_days_between(start, end)
    assert forward == -CAL.business_days_between(end, start)
    assert abs(forward) <= abs((end - start).days)
