# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Brazilian bank calendar: which days banks clear payments.

Brazil has no "bank" holiday category in the ``holidays`` package, so the bank
calendar is assembled from dates (never from holiday names, which depend on the
locale and on the package version):

* the national public holidays of ``holidays.BR`` (category PUBLIC, which
  includes Good Friday, and 20 November from 2024 on, Lei 14.759/2023; this
  needs ``holidays>=0.51``);
* Carnaval Monday and Tuesday (Easter - 48 and - 47 days) and Corpus Christi
  (Easter + 60 days): federal "pontos facultativos" on which banks close
  (FEBRABAN, Res. CMN 4.880/2020);
* 31 December (no bank business and no clearing);
* the extra dates given to the calendar (e.g. a company's municipal holidays);
* every Saturday and Sunday.

Ash Wednesday (banks open at noon) and 24 December (reduced hours) are
business days.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import holidays
from dateutil.easter import easter

ONE_DAY = timedelta(days=1)


def check_date(value: object, name: str) -> date:
    """Return ``value`` if it is a :class:`datetime.date` (not a datetime).

    :raises TypeError: for anything else, including a ``datetime``: a datetime
        would silently compare by time of day and never match a holiday.
    """
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(
            f"{name} must be a datetime.date (not a datetime), "
            f"got {type(value).__name__}: {value!r}"
        )
    return value


class BankCalendar:
    """Business days of Brazilian banks, optionally with local holidays.

    :param extra_holidays: further non-business dates, e.g. the municipal
        holidays of the place where a company's bank branch works.

    Holidays are computed once per year and cached on the instance.
    """

    def __init__(self, extra_holidays: Iterable[date] = ()) -> None:
        self._extra_holidays = frozenset(
            check_date(day, "extra_holidays item") for day in extra_holidays
        )
        self._by_year: dict[int, frozenset[date]] = {}

    def __repr__(self) -> str:
        extra = sorted(self._extra_holidays)
        return f"{type(self).__name__}(extra_holidays={extra!r})"

    def _holidays(self, year: int) -> frozenset[date]:
        cached = self._by_year.get(year)
        if cached is None:
            easter_sunday = easter(year)
            cached = frozenset(
                {
                    *holidays.BR(years=year, categories=(holidays.PUBLIC,)),
                    easter_sunday - timedelta(days=48),  # Carnaval Monday
                    easter_sunday - timedelta(days=47),  # Carnaval Tuesday
                    easter_sunday + timedelta(days=60),  # Corpus Christi
                    date(year, 12, 31),
                    *(day for day in self._extra_holidays if day.year == year),
                }
            )
            self._by_year[year] = cached
        return cached

    def holidays_in_year(self, year: int) -> set[date]:
        """Return the bank holidays of ``year``, weekends not included.

        Holidays that fall on a Saturday or a Sunday are part of the result.
        """
        return set(self._holidays(year))

    def is_business_day(self, day: date) -> bool:
        """Tell whether banks do business (clear payments) on ``day``."""
        check_date(day, "day")
        return day.weekday() < 5 and day not in self._holidays(day.year)

    def next_business_day(self, day: date, include: bool = True) -> date:
        """Return the first business day on or after ``day``.

        With ``include=False`` the search starts the day after ``day``.
        """
        check_date(day, "day")
        if not include:
            day += ONE_DAY
        while not self.is_business_day(day):
            day += ONE_DAY
        return day

    def previous_business_day(self, day: date, include: bool = True) -> date:
        """Return the last business day on or before ``day``.

        With ``include=False`` the search starts the day before ``day``.
        """
        check_date(day, "day")
        if not include:
            day -= ONE_DAY
        while not self.is_business_day(day):
            day -= ONE_DAY
        return day

    def add_business_days(self, day: date, count: int) -> date:
        """Move ``count`` business days away from ``day``.

        ``count == 0`` returns ``day`` itself, business day or not. A positive
        ``count`` returns the ``count``-th business day after ``day``, a
        negative one the ``-count``-th business day before it; ``day`` itself
        is never counted.
        """
        check_date(day, "day")
        if not isinstance(count, int) or isinstance(count, bool):
            raise TypeError(f"count must be an int, got {type(count).__name__}")
        step = ONE_DAY if count > 0 else -ONE_DAY
        for _ in range(abs(count)):
            day += step
            while not self.is_business_day(day):
                day += step
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """Count the business days in ``(start, end]``.

        The result is negative (minus the count of business days in
        ``(end, start]``) when ``end`` is before ``start``.
        """
        check_date(start, "start")
        check_date(end, "end")
        if end < start:
            return -self.business_days_between(end, start)
        return sum(
            self.is_business_day(start + timedelta(days=offset))
            for offset in range(1, (end - start).days + 1)
        )

    def effective_due_date(self, due: date) -> date:
        """Return the date up to which a payment due on ``due`` is on time.

        A due date that is not a business day is extended to the next business
        day (Lei 7.089/1983 art. 1; Código Civil art. 132 §1).
        """
        return self.next_business_day(due, include=True)
