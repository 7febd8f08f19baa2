# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Promises to pay (promessas de pagamento) made by the customer.

A customer may promise to pay an open installment on a date of their choice
within the policy's limit; the reminders of that installment pause until that
date. :func:`promise_problem` is the one rule that says whether a promise may
be made; :func:`installment_status` says how the portal names an installment
on a given day.
"""

from dataclasses import dataclass
from datetime import date

#: Defaults of a collection policy.
DEFAULT_MAX_PROMISE_DAYS = 10
DEFAULT_MAX_PROMISES = 1

#: Why a promise is refused (codes the addons translate).
NOT_IN_FUTURE = "not_in_future"
BEYOND_LIMIT = "beyond_limit"
TOO_MANY = "too_many"

#: The status of an installment on a day.
UPCOMING = "upcoming"
DUE_TODAY = "due_today"
OVERDUE = "overdue"


@dataclass(frozen=True)
class PromiseLimits:
    max_days: int = DEFAULT_MAX_PROMISE_DAYS
    max_promises: int = DEFAULT_MAX_PROMISES

    def __post_init__(self):
        if self.max_days < 1:
            raise ValueError("A promise must be allowed at least one day ahead")
        if self.max_promises < 0:
            raise ValueError("The number of promises cannot be negative")


def promise_problem(
    today: date, promised: date, promises_made: int, limits: PromiseLimits
) -> str | None:
    """Why a promise to pay on ``promised``, made ``today`` for an installment
    that already received ``promises_made`` promises, is refused (one of the
    codes above), or ``None`` when it may be made: the date is after today
    and at most ``limits.max_days`` days ahead, and the installment received
    fewer than ``limits.max_promises`` promises."""
    if promises_made >= limits.max_promises:
        return TOO_MANY
    if promised <= today:
        return NOT_IN_FUTURE
    if (promised - today).days > limits.max_days:
        return BEYOND_LIMIT
    return None


def installment_status(today: date, due: date) -> tuple[str, int]:
    """``(status, days)``: ``UPCOMING`` and the days until ``due``,
    ``DUE_TODAY`` and 0, or ``OVERDUE`` and the days late."""
    days = (today - due).days
    if days < 0:
        return UPCOMING, -days
    if days == 0:
        return DUE_TODAY, 0
    return OVERDUE, days
