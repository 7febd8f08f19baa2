# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dunning schedules ("régua de cobrança"): when each reminder step is due.

A schedule is a set of :class:`Step` objects, each placed at an offset from an
installment's due date. The steps form a sequence ordered by offset: a step
with a greater offset is a later stage of the schedule.

Send date of a step for a due date (:func:`step_send_date`):

1. Reference date: for a step after the due date (``offset_days > 0``), the
   effective due date (the due date extended to the next business day: the
   debtor is late only after it, as banks count); for a step before or on the
   due date, the due date itself.
2. Add the offset to the reference date: in business days
   (:meth:`BankCalendar.add_business_days`) if ``business_days``, else in
   calendar days.
3. Reminders are never sent on non-business days: a date that is not a
   business day moves to the previous business day for a step before the due
   date (so the reminder still comes before it), to the next business day for
   a step on or after the due date.

The send date is a non-decreasing function of the due date, so the due dates
sharing a send date, or whose send date is on or before a given day, form
intervals: this is what lets a database select due installments with a date
range (:func:`due_dates_for_send_date`, :func:`latest_step_window`).

Catch-up (:func:`due_step`): a run that was missed for some days never sends
the stale steps; it sends only the latest due step, once. A step is *caught
up* when it is sent after its send date (a first run, a run that was missed,
an invoice entered late). :class:`CatchUp` limits that:

- a step whose send date is more than ``max_days`` days before today is not
  caught up (on the first run of a company, an old debt does not get the step
  it would have got weeks ago);
- a legal step (:attr:`Step.legal`: extrajudicial notice, prior notice of
  credit-bureau listing, flag for listing) is not caught up for an
  installment that did not receive an earlier step of the schedule, unless
  ``legal_without_earlier`` says so: a legal notice must never be the first
  message a customer gets from a first run.

Steps sent on their send date are never limited. :func:`catch_up_verdict`
says why a step is left out; :func:`catch_up_windows` gives the same rules as
date intervals, for a database to apply them set-based.
"""

from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from .calendar import ONE_DAY, BankCalendar, check_date


@dataclass(frozen=True)
class Step:
    """One step of a dunning schedule.

    :param key: identifies the step (e.g. the database id of the step record).
    :param offset_days: days from the due date: negative before it, 0 on it,
        positive after it.
    :param business_days: count ``offset_days`` in business days.
    :param legal: the step has legal effect (extrajudicial notice, prior
        notice of listing, flag for listing): see :class:`CatchUp`.
    """

    key: str | int
    offset_days: int
    business_days: bool = False
    legal: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.key, bool) or not isinstance(self.key, str | int):
            raise TypeError(
                f"Step key must be a str or an int, got {type(self.key).__name__}"
            )
        if isinstance(self.offset_days, bool) or not isinstance(self.offset_days, int):
            raise TypeError(
                "Step offset_days must be an int, got "
                f"{type(self.offset_days).__name__}"
            )
        for name in ("business_days", "legal"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(
                    f"Step {name} must be a bool, got "
                    f"{type(getattr(self, name)).__name__}"
                )


#: Tones of the steps that have legal effect (see :class:`CatchUp`).
LEGAL_TONES = frozenset({"extrajudicial", "negativation"})

#: Default of :attr:`CatchUp.max_days`.
DEFAULT_MAX_CATCH_UP_DAYS = 30

#: Why :func:`catch_up_verdict` leaves a step out.
BEYOND_CATCH_UP = "beyond_catch_up"
LEGAL_WITHOUT_EARLIER = "legal_without_earlier"


@dataclass(frozen=True)
class CatchUp:
    """How far a run catches up on steps whose send date is past.

    :param max_days: a step is caught up only if its send date is at most
        this many days before today; ``None``: no limit.
    :param legal_without_earlier: legal steps may be caught up for an
        installment that received no earlier step of the schedule.
    """

    max_days: int | None = DEFAULT_MAX_CATCH_UP_DAYS
    legal_without_earlier: bool = False

    def __post_init__(self) -> None:
        if self.max_days is not None and (
            isinstance(self.max_days, bool)
            or not isinstance(self.max_days, int)
            or self.max_days < 0
        ):
            raise ValueError(
                f"CatchUp max_days must be None or an int >= 0, got {self.max_days!r}"
            )
        if not isinstance(self.legal_without_earlier, bool):
            raise TypeError("CatchUp legal_without_earlier must be a bool")


#: No limit: every latest due step is caught up (the rule before CatchUp).
UNLIMITED = CatchUp(max_days=None, legal_without_earlier=True)


@dataclass(frozen=True)
class DueWindow:
    """The half-open interval ``[start, end)`` of due dates.

    ``start`` is ``None`` when the interval is unbounded towards the past.
    """

    start: date | None
    end: date

    def __contains__(self, due: object) -> bool:
        return (
            isinstance(due, date)
            and (self.start is None or self.start <= due)
            and due < self.end
        )


def ordered_steps(steps: Iterable[Step]) -> list[Step]:
    """Return ``steps`` sorted by offset (the order of the schedule).

    :raises ValueError: if two steps share an offset or a key.
    """
    result = sorted(steps, key=lambda step: step.offset_days)
    for name in ("offset_days", "key"):
        values = [getattr(step, name) for step in result]
        duplicates = sorted({v for v in values if values.count(v) > 1}, key=str)
        if duplicates:
            raise ValueError(
                f"Steps of a schedule must have distinct {name}, "
                f"duplicated: {', '.join(map(repr, duplicates))}"
            )
    return result


def step_send_date(due: date, step: Step, calendar: BankCalendar) -> date:
    """Return the date on which ``step`` is due for an installment due on ``due``.

    See the module documentation for the rules.
    """
    check_date(due, "due")
    after_due = step.offset_days > 0
    reference = calendar.effective_due_date(due) if after_due else due
    if step.business_days:
        send = calendar.add_business_days(reference, step.offset_days)
    else:
        send = reference + timedelta(days=step.offset_days)
    if step.offset_days < 0:
        return calendar.previous_business_day(send)
    return calendar.next_business_day(send)


def catch_up_verdict(
    due: date,
    step: Step,
    today: date,
    calendar: BankCalendar,
    catch_up: CatchUp,
    received_earlier: bool,
) -> str | None:
    """Why ``step``, the latest due step of an installment due on ``due``,
    is not sent today: :data:`BEYOND_CATCH_UP`, :data:`LEGAL_WITHOUT_EARLIER`,
    or ``None`` when it is sent. ``received_earlier``: the installment
    received an earlier step of the schedule."""
    send = step_send_date(due, step, calendar)
    if send >= today:
        return None  # sent on its day: not a catch-up
    if catch_up.max_days is not None and (today - send).days > catch_up.max_days:
        return BEYOND_CATCH_UP
    if step.legal and not catch_up.legal_without_earlier and not received_earlier:
        return LEGAL_WITHOUT_EARLIER
    return None


def latest_due_step(
    due: date,
    steps: Sequence[Step],
    today: date,
    calendar: BankCalendar,
    already_done: Collection[Hashable] = (),
    catch_up: CatchUp = UNLIMITED,
    received: Collection[Hashable] = (),
) -> tuple[Step | None, str | None]:
    """``(step, reason)``: the latest due step of an installment due on
    ``due`` that is not done, and why it is not sent today (``None``: it is
    sent; see :func:`catch_up_verdict`). ``(None, None)`` when no step is due
    or the latest due step, or a later one, is done. ``received``: keys of
    the steps the installment received (sent to the customer)."""
    check_date(today, "today")
    ordered = ordered_steps(steps)
    candidate = None
    for step in ordered:
        if step_send_date(due, step, calendar) <= today:
            candidate = step
    if candidate is None or any(
        step.key in already_done
        for step in ordered
        if step.offset_days >= candidate.offset_days
    ):
        return None, None
    received_earlier = any(
        step.key in received
        for step in ordered
        if step.offset_days < candidate.offset_days
    )
    reason = catch_up_verdict(
        due, candidate, today, calendar, catch_up, received_earlier
    )
    return candidate, reason


def due_step(
    due: date,
    steps: Sequence[Step],
    today: date,
    calendar: BankCalendar,
    already_done: Collection[Hashable] = (),
    catch_up: CatchUp = UNLIMITED,
    received: Collection[Hashable] = (),
) -> Step | None:
    """Return the step to send today for an installment due on ``due``, if any.

    The candidate is the latest step of the schedule (greatest offset) whose
    send date is on or before ``today``. It is returned unless it, or a later
    step, is in ``already_done`` (keys of the steps already sent): an earlier
    step is never sent once a later one is due or done; nor when ``catch_up``
    leaves it out (:func:`catch_up_verdict`; ``received``: keys of the steps
    the installment received). A step left out is not replaced by an
    earlier one.

    When every step counts in calendar days, or every step in business days,
    send dates never decrease with the offset, so the candidate is also the
    due step with the latest send date (ties going to the greater offset).
    With mixed steps, close offsets may swap their send dates; the schedule
    order (the offset) decides.
    """
    step, reason = latest_due_step(
        due, steps, today, calendar, already_done, catch_up, received
    )
    return step if reason is None else None


def _first_due_date(step: Step, target: date, calendar: BankCalendar) -> date:
    """Return the earliest due date whose send date for ``step`` is >= ``target``.

    Relies on the send date being non-decreasing in the due date: an
    exponential search brackets the answer, then a bisection finds it.
    """
    guess = target - timedelta(days=step.offset_days)
    span = 8
    low = guess - timedelta(days=span)
    while step_send_date(low, step, calendar) >= target:
        span *= 2
        low -= timedelta(days=span)
    span = 8
    high = guess + timedelta(days=span)
    while step_send_date(high, step, calendar) < target:
        span *= 2
        high += timedelta(days=span)
    # Invariant: send(low) < target <= send(high).
    while (high - low).days > 1:
        middle = low + timedelta(days=(high - low).days // 2)
        if step_send_date(middle, step, calendar) >= target:
            high = middle
        else:
            low = middle
    return high


def due_dates_for_send_date(
    step: Step, send_date: date, calendar: BankCalendar
) -> list[date]:
    """Return every due date for which ``step`` is sent on ``send_date``.

    The dates are consecutive (possibly none, e.g. when ``send_date`` is not a
    business day, or several, e.g. a Monday send date after a weekend).
    """
    check_date(send_date, "send_date")
    first = _first_due_date(step, send_date, calendar)
    end = _first_due_date(step, send_date + ONE_DAY, calendar)
    return [first + timedelta(days=n) for n in range((end - first).days)]


def latest_step_window(
    steps: Iterable[Step], today: date, calendar: BankCalendar
) -> dict[Step, DueWindow]:
    """Return, per step, the due dates for which it is the step to send today.

    An installment due on ``d`` gets step ``s`` from :func:`due_step` (before
    the ``already_done`` check) exactly when ``d`` is in the window of ``s``:
    the send date of ``s`` for ``d`` is on or before ``today`` and the send
    date of every later step is after ``today``. Steps whose window is empty
    are left out; the result follows the schedule order.

    A caller selecting installments by window must still drop those for which
    the step, or a later step, was already done.
    """
    check_date(today, "today")
    windows = {}
    later_end = None  # due dates before it have a later step due
    for step in reversed(ordered_steps(steps)):
        # Due dates before ``end`` have this step's send date <= today.
        end = _first_due_date(step, today + ONE_DAY, calendar)
        if later_end is None or later_end < end:
            windows[step] = DueWindow(start=later_end, end=end)
            later_end = end
    return dict(reversed(windows.items()))


@dataclass(frozen=True)
class CatchUpWindow:
    """The due dates for which a step is the latest due step today
    (``window``), split by the catch-up rules: due dates on or after
    ``on_time_from`` have the step's send date today (never limited); those
    before ``catch_up_from`` (``None``: no limit) have it more than
    ``max_days`` before today (left out); those in between are caught up."""

    window: DueWindow
    on_time_from: date
    catch_up_from: date | None


def catch_up_windows(
    steps: Iterable[Step], today: date, calendar: BankCalendar, catch_up: CatchUp
) -> dict[Step, CatchUpWindow]:
    """:func:`latest_step_window` with the bounds of :class:`CatchUp`, for a
    database to apply :func:`latest_due_step` with date comparisons only."""
    result = {}
    for step, window in latest_step_window(steps, today, calendar).items():
        catch_up_from = None
        if catch_up.max_days is not None:
            catch_up_from = _first_due_date(
                step, today - timedelta(days=catch_up.max_days), calendar
            )
        result[step] = CatchUpWindow(
            window=window,
            on_time_from=_first_due_date(step, today, calendar),
            catch_up_from=catch_up_from,
        )
    return result
