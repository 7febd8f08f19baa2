# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Contact hours: when a collection message may reach a customer.

There is no federal rule; state laws set windows for collection calls (São
Paulo Lei 15.426/2014: Monday to Friday 08:00-20:00, Saturday 08:00-14:00,
never on holidays) and some extend them to SMS (Alagoas Lei 7.782/2016).
:data:`DEFAULT_WINDOWS` is that window; a company may set its own.

A window is a weekday and a time range ``[start, end)`` in the local time of
the sender's company. Holidays close every window of their day: pass the
:class:`~cobranca.calendar.BankCalendar` of the régua (its bank holidays:
national holidays, Carnaval, Corpus Christi, 31 December and the company's
local holidays) or any collection of dates.

:func:`next_contact_time` gives the moment a message due at a given time may
be sent: that time itself inside a window, else the start of the next open
window. Datetimes are local wall-clock times, naive or aware (an aware one
keeps its ``tzinfo``; the arithmetic is on the wall clock).
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from .calendar import BankCalendar

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)

#: How far :func:`next_contact_time` looks ahead before giving up.
MAX_SEARCH_DAYS = 400


class ContactHoursError(ValueError):
    """Windows that cannot be used (overlapping, empty, out of the day)."""


class NoContactWindow(ContactHoursError):
    """No window opens within :data:`MAX_SEARCH_DAYS` days."""


@dataclass(frozen=True, order=True)
class ContactWindow:
    """Contact allowed on ``weekday`` (0 Monday … 6 Sunday) from ``start``
    (included) to ``end`` (excluded; ``None``: until midnight)."""

    weekday: int
    start: time
    end: time | None = None

    def __post_init__(self) -> None:
        if (
            isinstance(self.weekday, bool)
            or not isinstance(self.weekday, int)
            or not MONDAY <= self.weekday <= SUNDAY
        ):
            raise ContactHoursError(
                f"weekday must be an int from 0 (Monday) to 6 (Sunday), "
                f"got {self.weekday!r}"
            )
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is None and name == "end":
                continue
            if not isinstance(value, time) or value.tzinfo is not None:
                raise ContactHoursError(
                    f"{name} must be a naive datetime.time, got {value!r}"
                )
        if self.end is not None and self.end <= self.start:
            raise ContactHoursError(
                f"A contact window must end after it starts: {self.start} to "
                f"{self.end} on weekday {self.weekday}."
            )

    def contains(self, moment: time) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)


DEFAULT_WINDOWS = (
    *(ContactWindow(day, time(8), time(20)) for day in range(MONDAY, SATURDAY)),
    ContactWindow(SATURDAY, time(8), time(14)),
)


def check_windows(windows: Iterable[ContactWindow]) -> tuple[ContactWindow, ...]:
    """``windows`` sorted by weekday and start.

    :raises ContactHoursError: when an item is not a :class:`ContactWindow`
        or two windows of a day overlap.
    """
    result = tuple(sorted(windows))
    for window in result:
        if not isinstance(window, ContactWindow):
            raise ContactHoursError(f"not a ContactWindow: {window!r}")
    for first, second in pairwise(result):
        if first.weekday == second.weekday and (
            first.end is None or second.start < first.end
        ):
            raise ContactHoursError(
                f"Contact windows overlap on weekday {first.weekday}: "
                f"{first.start}-{first.end} and {second.start}-{second.end}."
            )
    return result


class _Holidays:
    """Membership test over a :class:`BankCalendar` or a collection of dates."""

    def __init__(self, holidays: BankCalendar | Collection[date] | None) -> None:
        self._calendar = holidays if isinstance(holidays, BankCalendar) else None
        self._dates = (
            frozenset() if holidays is None or self._calendar else frozenset(holidays)
        )
        self._years: dict[int, set[date]] = {}

    def __contains__(self, day: date) -> bool:
        if self._calendar is None:
            return day in self._dates
        if day.year not in self._years:
            self._years[day.year] = self._calendar.holidays_in_year(day.year)
        return day in self._years[day.year]


def _check_moment(value: object) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(
            f"dt_local must be a datetime, got {type(value).__name__}: {value!r}"
        )
    return value


def is_contact_time(
    dt_local: datetime,
    windows: Iterable[ContactWindow] = DEFAULT_WINDOWS,
    holidays: BankCalendar | Collection[date] | None = None,
) -> bool:
    """Whether ``dt_local`` is inside a window on a day that is no holiday."""
    moment = _check_moment(dt_local)
    if moment.date() in _Holidays(holidays):
        return False
    return any(
        window.weekday == moment.weekday() and window.contains(moment.time())
        for window in check_windows(windows)
    )


def next_contact_time(
    dt_local: datetime,
    windows: Iterable[ContactWindow] = DEFAULT_WINDOWS,
    holidays: BankCalendar | Collection[date] | None = None,
) -> datetime:
    """The first moment at or after ``dt_local`` inside a contact window on a
    day that is no holiday: ``dt_local`` itself when it is one, else the
    start of the next open window (same ``tzinfo``, seconds as given only
    when ``dt_local`` is returned).

    :raises NoContactWindow: when no window opens within
        :data:`MAX_SEARCH_DAYS` days (no window at all, or only on holidays).
    :raises ContactHoursError: for bad windows (see :func:`check_windows`).
    """
    moment = _check_moment(dt_local)
    by_weekday: dict[int, list[ContactWindow]] = {}
    for window in check_windows(windows):
        by_weekday.setdefault(window.weekday, []).append(window)
    closed = _Holidays(holidays)
    day = moment.date()
    for offset in range(MAX_SEARCH_DAYS + 1):
        current = day + timedelta(days=offset)
        if current in closed:
            continue
        for window in by_weekday.get(current.weekday(), ()):
            if offset == 0:
                if window.contains(moment.time()):
                    return moment
                if window.start < moment.time():
                    continue
            return datetime.combine(current, window.start, tzinfo=moment.tzinfo)
    raise NoContactWindow(
        f"No contact window opens within {MAX_SEARCH_DAYS} days of {moment}."
    )
