# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Credit-bureau listing (negativação) and protest (protesto): who may be
listed, and by when a listing must be removed after payment.

:func:`eligibility` is the one rule, applied per installment, for both kinds
(:data:`NEGATIVATION` and :data:`PROTEST`):

* **prior notice** (CDC art. 43 §2; STJ Súmula 359): a written notice of the
  listing was sent at least ``notice_days`` calendar days before (the policy's
  period, never less than :data:`MIN_NOTICE_DAYS`: a smaller period raises
  :class:`ValueError`);
* **minimum amount** and **minimum days overdue** of the policy;
* **no active agreement nor promise** to pay covering the installment, and
  **not disputed** (the customer contests the debt: listing a contested debt
  exposes the creditor, CDC art. 42);
* **age**: a debt may be listed only while it is less than
  :data:`PRESCRIPTION_YEARS` years past its due date (CDC art. 43 §1, STJ
  Súmula 323; Código Civil art. 206 §5 I, prescription of liquid debts in a
  written instrument). From the fifth anniversary of the due date on, the
  result is ``prescribed``. The anniversary is counted with
  ``dateutil.relativedelta`` (a 29 February due date reaches it on 28
  February): one day earlier than CC art. 132 §3 would, the conservative side
  for a listing. Interruptions of prescription (CC art. 202: protest, a
  signed acknowledgement) are not modelled: an interrupted debt has a new
  agreement (new installments, new due dates) in this project.

**Consumers and legal entities.** The same rules apply to both: the prior
notice of CDC art. 43 §2 is given to companies too (STJ applies art. 43 to
legal entities, and the bureaus notify every debtor), and the five-year limit
of art. 43 §1 is the bureaus' rule for every record. The one difference is the
notice's channel: for a **consumer** the notice must be *written* on paper or
by e-mail (:data:`WRITTEN_CHANNELS`; STJ REsp 2.056.285/2023 held SMS or
messaging apps alone insufficient for the notice of art. 43 §2, REsp
2.158.450/2024 accepted an e-mail to the address the consumer gave), while for
a **legal entity** any recorded channel is accepted evidence. When in doubt a
letter satisfies both.

**Protest** (Lei 9.492/1997) requires the same evidence in this project: the
notary notifies the debtor too, but the régua's prior notice is still the
creditor's evidence that the debtor was warned.

**Removal** (STJ Súmula 548): the creditor must have the listing removed
within :data:`REMOVAL_BUSINESS_DAYS` business days of the full payment;
:func:`removal_deadline` counts them on the bank calendar of
:mod:`cobranca.calendar` (the project's only calendar).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from .calendar import BankCalendar, check_date

#: The kinds of listing.
NEGATIVATION = "negativation"
PROTEST = "protest"
KINDS = (NEGATIVATION, PROTEST)

#: The shortest prior-notice period a policy may set (calendar days): the
#: bureaus' common practice (Serasa, SPC, Boa Vista give 10 days).
MIN_NOTICE_DAYS = 10
#: CDC art. 43 §1 / CC art. 206 §5 I.
PRESCRIPTION_YEARS = 5
#: STJ Súmula 548.
REMOVAL_BUSINESS_DAYS = 5
#: A removal is "at risk" this many business days (or fewer) before its deadline.
REMOVAL_AT_RISK_BUSINESS_DAYS = 2

#: Channels that give a consumer a *written* notice (see the module docstring).
WRITTEN_CHANNELS = frozenset({"letter", "email"})

#: Why an installment is not eligible (codes the addons translate).
NOT_OPEN = "not_open"
NO_NOTICE = "no_notice"
NOTICE_TOO_RECENT = "notice_too_recent"
NOTICE_NOT_WRITTEN = "notice_not_written"
BELOW_MINIMUM = "below_minimum"
NOT_OVERDUE_ENOUGH = "not_overdue_enough"
IN_AGREEMENT = "in_agreement"
PROMISED = "promised"
DISPUTED = "disputed"
PRESCRIBED = "prescribed"
REASONS = (
    NOT_OPEN,
    NO_NOTICE,
    NOTICE_TOO_RECENT,
    NOTICE_NOT_WRITTEN,
    BELOW_MINIMUM,
    NOT_OVERDUE_ENOUGH,
    IN_AGREEMENT,
    PROMISED,
    DISPUTED,
    PRESCRIBED,
)

#: Removal status on a day (:func:`removal_status`).
REMOVAL_ON_TIME = "on_time"
REMOVAL_AT_RISK = "at_risk"
REMOVAL_LATE = "late"


def _money(value: object, name: str) -> Decimal:
    if isinstance(value, (float, bool)):
        raise TypeError(f"{name} must be a Decimal or an int, not {value!r}")
    try:
        amount = Decimal(value)
    except (ArithmeticError, TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a Decimal, got {value!r}") from error
    if not amount.is_finite():
        raise ValueError(f"{name} must be finite, got {value!r}")
    return amount


def _days(value: object, name: str, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class NegativationRules:
    """A policy's rules for listing and protest.

    :param notice_days: calendar days between the prior notice and the
        listing, at least :data:`MIN_NOTICE_DAYS`.
    :param min_amount: the smallest open amount listed (Decimal).
    :param min_days_overdue: calendar days after the due date before listing.
    :raises ValueError: a notice period under :data:`MIN_NOTICE_DAYS`, a
        negative minimum.
    """

    notice_days: int = MIN_NOTICE_DAYS
    min_amount: Decimal = Decimal(0)
    min_days_overdue: int = 0

    def __post_init__(self):
        _days(self.notice_days, "notice_days", MIN_NOTICE_DAYS)
        _days(self.min_days_overdue, "min_days_overdue")
        amount = _money(self.min_amount, "min_amount")
        if amount < 0:
            raise ValueError(f"min_amount cannot be negative, got {amount}")
        object.__setattr__(self, "min_amount", amount)


@dataclass(frozen=True)
class Eligibility:
    """The answer of :func:`eligibility`.

    :ivar eligible: the installment may be queued for listing today.
    :ivar reasons: the codes of every rule that fails, in :data:`REASONS` order.
    :ivar prescribed: the debt is 5 years past due (never listable again).
    :ivar earliest_date: the first day the time-bound rules (notice period,
        minimum days overdue) are met; ``None`` without a notice or once
        prescribed.
    """

    eligible: bool
    reasons: tuple[str, ...] = field(default=())
    prescribed: bool = False
    earliest_date: date | None = None


def prescription_date(due_date: date) -> date:
    """The first day a debt due on ``due_date`` is prescribed (its fifth
    anniversary, see the module docstring)."""
    check_date(due_date, "due_date")
    return due_date + relativedelta(years=PRESCRIPTION_YEARS)


def is_prescribed(due_date: date, today: date) -> bool:
    check_date(today, "today")
    return today >= prescription_date(due_date)


def eligibility(
    *,
    due_date: date,
    open_amount: Decimal,
    today: date,
    rules: NegativationRules,
    notice_date: date | None = None,
    notice_channel: str | None = None,
    consumer: bool = True,
    in_agreement: bool = False,
    promised: bool = False,
    disputed: bool = False,
    kind: str = NEGATIVATION,
) -> Eligibility:
    """Whether an installment may be listed (``kind``) on ``today``.

    :param notice_date: the day the first prior notice of listing was sent
        for the installment (``None``: never).
    :param notice_channel: its channel (``"letter"``, ``"email"``, ``"sms"``…).
    :param consumer: the debtor is a consumer (see the module docstring).
    :raises TypeError: a datetime for a date, a float amount.
    :raises ValueError: an unknown ``kind``.
    """
    check_date(due_date, "due_date")
    check_date(today, "today")
    if notice_date is not None:
        check_date(notice_date, "notice_date")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if not isinstance(rules, NegativationRules):
        raise TypeError(f"rules must be NegativationRules, got {rules!r}")
    amount = _money(open_amount, "open_amount")
    reasons = set()
    if amount <= 0:
        reasons.add(NOT_OPEN)
    if notice_date is None or notice_date > today:
        reasons.add(NO_NOTICE)
    else:
        if (today - notice_date).days < rules.notice_days:
            reasons.add(NOTICE_TOO_RECENT)
        if consumer and notice_channel not in WRITTEN_CHANNELS:
            reasons.add(NOTICE_NOT_WRITTEN)
    if 0 < amount < rules.min_amount:
        reasons.add(BELOW_MINIMUM)
    if (today - due_date).days < max(rules.min_days_overdue, 1):
        reasons.add(NOT_OVERDUE_ENOUGH)
    if in_agreement:
        reasons.add(IN_AGREEMENT)
    if promised:
        reasons.add(PROMISED)
    if disputed:
        reasons.add(DISPUTED)
    prescribed = is_prescribed(due_date, today)
    if prescribed:
        reasons.add(PRESCRIBED)
    earliest = None
    if notice_date is not None and notice_date <= today and not prescribed:
        earliest = max(
            notice_date + timedelta(days=rules.notice_days),
            due_date + timedelta(days=max(rules.min_days_overdue, 1)),
        )
        if earliest >= prescription_date(due_date):
            earliest = None
    ordered = tuple(code for code in REASONS if code in reasons)
    return Eligibility(
        eligible=not ordered,
        reasons=ordered,
        prescribed=prescribed,
        earliest_date=earliest,
    )


def removal_deadline(payment_date: date, calendar: BankCalendar) -> date:
    """The last day to have a listing removed after a full payment made on
    ``payment_date``: :data:`REMOVAL_BUSINESS_DAYS` business days after it
    (STJ Súmula 548; the payment day itself is not counted)."""
    check_date(payment_date, "payment_date")
    return calendar.add_business_days(payment_date, REMOVAL_BUSINESS_DAYS)


def removal_at_risk_date(deadline: date, calendar: BankCalendar) -> date:
    """From this day on a pending removal is at risk: its deadline is
    :data:`REMOVAL_AT_RISK_BUSINESS_DAYS` business days away or fewer."""
    check_date(deadline, "deadline")
    return calendar.add_business_days(deadline, -REMOVAL_AT_RISK_BUSINESS_DAYS)


def removal_status(deadline: date, today: date, calendar: BankCalendar) -> str:
    """:data:`REMOVAL_LATE` after the deadline, :data:`REMOVAL_AT_RISK` from
    :func:`removal_at_risk_date` on, else :data:`REMOVAL_ON_TIME`."""
    check_date(today, "today")
    if today > deadline:
        return REMOVAL_LATE
    if today >= removal_at_risk_date(deadline, calendar):
        return REMOVAL_AT_RISK
    return REMOVAL_ON_TIME
