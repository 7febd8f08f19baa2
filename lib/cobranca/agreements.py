# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Installment agreements (acordos de parcelamento): the debt, the offer, the
schedule, the negotiation rules and the breach.

An overdue debt is turned into an agreement in four steps; each is a pure
function of its inputs (money is :class:`~decimal.Decimal` in cents, a float
raises ``TypeError``):

1. **The debt as of a date** (:func:`debt_as_of`): for each installment (open
   amount, due date), the fine and interest of
   :func:`cobranca.charges.compute_late_charges`, the figures the reminders
   showed; an installment not yet due (or whose due date is extended to a
   business day that has not passed) has none.
2. **The offer priced** (:func:`price_offer` → :class:`Terms`): waivers of
   fine and of interest and a discount on the principal, each the base × % /
   100 rounded half-up to cents; ``negotiated = total - waivers - discount``;
   an optional down payment (entrada); ``financed = negotiated - down
   payment``, split into the schedule of :func:`build_schedule`.
3. **The schedule** (:func:`build_schedule`):

   * Due dates: monthly, ``first_due`` plus *k* months counted from
     ``first_due`` (not chained: 31 Jan → 28/29 Feb → 31 Mar); biweekly
     (quinzenal) and weekly (semanal), ``first_due`` plus *15k* / *7k* days.
     Each is then moved to the next business day of the bank calendar, as a
     payment due on a non-business day may be paid on the next one (Lei
     7.089/1983 art. 1).
   * Without interest, equal installments: ``financed / count`` rounded down
     to cents, the last line absorbing the difference (so it is never below
     the others, by less than ``count`` cents).
   * With interest, a Price table (Tabela Price, French amortization) at the
     monthly rate ``i``; for biweekly and weekly periods the equivalent
     compound rate ``(1 + i) ** (days / 30) - 1`` (days = 15 or 7), computed
     with :data:`RATE_PRECISION` significant digits. The installment is
     ``PMT = P·r / (1 - (1 + r) ** -n)`` rounded half-up to cents (computed
     exactly from the rate); each line's interest is the balance × ``r``
     rounded half-up to cents, its principal the installment minus that
     interest; the LAST line pays the remaining balance plus its interest, so
     the principal parts add up exactly to ``financed``. The last line may
     differ from the others by the rounding carried over the table (at most
     ``0.01 × ((1 + r) ** n - 1) / r`` + 0.01: a few cents for usual rates and
     counts).

4. **The offer checked** against the manager's :class:`NegotiationRules`
   (:func:`check_offer`): EVERY violated rule is returned as a
   :class:`Violation` with a stable code (:data:`RULES`), its limit and the
   offending value; the Odoo addon translates them by code, blocks a
   collector and lets a manager approve. Rules that concern instalment
   financing (minimum down payment, agreement interest) do not apply to a
   payment in one go (one installment, no down payment), and the minimum
   installment does not apply to it either: the whole debt paid at once is
   never "too small an installment". :func:`standard_offers` lists the offers
   within the rules a customer may pick by himself.

Breach (quebra, :func:`breach_date`, :func:`is_breached`): an agreement
installment unpaid ``grace_days`` calendar days after its effective due date
(the due date extended to a business day) breaks the agreement the day after.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal, localcontext
from fractions import Fraction
from math import floor

from dateutil.relativedelta import relativedelta

from .calendar import BankCalendar, check_date
from .charges import (
    CENT,
    HUNDRED,
    MAX_INTEREST_MONTHLY_PCT,
    LateChargePolicy,
    LateCharges,
    compute_late_charges,
    format_pct,
    round_cents,
    to_decimal,
)

#: The periodicities of an agreement's installments: mensal, quinzenal (every
#: 15 days), semanal (every 7 days).
PERIODS = ("monthly", "biweekly", "weekly")
#: Days of a biweekly / weekly period (a month counts 30 days for the
#: equivalent rate).
PERIOD_DAYS = {"biweekly": 15, "weekly": 7}
#: Days of a month in the equivalent-rate formula.
DAYS_PER_MONTH = 30
#: Sanity bound on the number of installments of one agreement (10 years of
#: monthly installments).
MAX_INSTALLMENTS = 120
#: Significant digits of the equivalent biweekly / weekly rate.
RATE_PRECISION = 50
#: Sanity bound on the days to the first due date in the rules.
MAX_FIRST_DUE_DAYS = 366
#: The installment counts :func:`standard_offers` proposes after payment in
#: one go (plus the rules' maximum itself).
STANDARD_COUNTS = (2, 3, 6, 10, 12, 18, 24, 36, 48, 60, 72, 84, 96, 108, 120)

ZERO = Decimal("0.00")
_NATIONAL_CALENDAR = BankCalendar()


# --------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------


def _check_int(value: object, name: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def _check_money(value: object, name: str, *, positive: bool = False) -> Decimal:
    """``value`` as a Decimal in whole cents, non-negative (positive)."""
    value = to_decimal(value, name)
    if positive and value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    if value != round_cents(value):
        raise ValueError(f"{name} must be in whole cents, got {value}")
    return round_cents(value)


def _check_pct(value: object, name: str, maximum: Decimal = HUNDRED) -> Decimal:
    value = to_decimal(value, name)
    if not Decimal(0) <= value <= maximum:
        raise ValueError(
            f"{name} must be between 0 and {format_pct(maximum)} (percent), got {value}"
        )
    return value


def _check_period(period: object) -> str:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}; got {period!r}")
    return period


def _pct_of(base: Decimal, pct: Decimal) -> Decimal:
    """``base × pct / 100`` rounded half-up to cents."""
    return round_cents(base * pct / HUNDRED)


# --------------------------------------------------------------------------
# Schedule
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleLine:
    """One installment of an agreement.

    :param number: 1-based position in the schedule.
    :param due: due date, a business day.
    :param amount: what the customer pays, ``principal + interest``.
    :param principal: the part of the financed amount it repays.
    :param interest: the agreement interest it pays (0 without interest).
    :param balance: the financed principal still owed after this line (0 after
        the last one).
    """

    number: int
    due: date
    amount: Decimal
    principal: Decimal
    interest: Decimal
    balance: Decimal


def periodic_rate(monthly_interest_pct: Decimal, period: str = "monthly") -> Decimal:
    """The interest rate per period (a fraction, not a percentage).

    Monthly: ``monthly_interest_pct / 100`` exactly. Biweekly / weekly: the
    equivalent compound rate ``(1 + i) ** (days / 30) - 1`` with
    :data:`RATE_PRECISION` significant digits.
    """
    monthly_interest_pct = _check_pct(
        monthly_interest_pct, "monthly_interest_pct", MAX_INTEREST_MONTHLY_PCT
    )
    _check_period(period)
    with localcontext() as ctx:
        ctx.prec = RATE_PRECISION
        monthly = monthly_interest_pct / HUNDRED
        if period == "monthly" or not monthly:
            return monthly
        exponent = Decimal(PERIOD_DAYS[period]) / Decimal(DAYS_PER_MONTH)
        return (1 + monthly) ** exponent - 1


def price_installment(financed: Decimal, count: int, rate: Decimal) -> Decimal:
    """The Price-table installment ``P·r / (1 - (1 + r) ** -n)``, computed
    exactly from the Decimal ``rate`` and rounded half-up to cents (``P / n``
    when ``rate`` is 0)."""
    principal = Fraction(financed)
    if rate:
        r = Fraction(rate)
        growth = (1 + r) ** count
        exact = principal * r * growth / (growth - 1)
    else:
        exact = principal / count
    return Decimal(floor(exact * 100 + Fraction(1, 2))) / 100


def due_dates(
    first_due: date,
    count: int,
    *,
    calendar: BankCalendar | None = None,
    period: str = "monthly",
) -> list[date]:
    """The ``count`` due dates of a schedule, moved to business days.

    :raises ValueError: two due dates fall on the same business day (only
        possible with a calendar holding a week of extra holidays).
    """
    check_date(first_due, "first_due")
    _check_period(period)
    if calendar is None:
        calendar = _NATIONAL_CALENDAR
    dates = []
    for k in range(count):
        if period == "monthly":
            nominal = first_due + relativedelta(months=k)
        else:
            nominal = first_due + timedelta(days=k * PERIOD_DAYS[period])
        due = calendar.next_business_day(nominal)
        if dates and due <= dates[-1]:
            raise ValueError(
                f"installments {k} and {k + 1} would both fall due on {due}: "
                f"the calendar has no business day between them"
            )
        dates.append(due)
    return dates


def build_schedule(
    financed: Decimal,
    count: int,
    first_due: date,
    *,
    monthly_interest_pct: Decimal = Decimal(0),
    calendar: BankCalendar | None = None,
    period: str = "monthly",
) -> list[ScheduleLine]:
    """Split ``financed`` into ``count`` installments (see the module).

    :param financed: the amount to finance, positive, in cents.
    :param count: 1 to :data:`MAX_INSTALLMENTS`.
    :param first_due: the nominal first due date (moved to a business day).
    :param monthly_interest_pct: the agreement interest, % a month (Price
        table); 0 for equal installments without interest.
    :param calendar: the bank calendar; ``None`` is the national one.
    :param period: one of :data:`PERIODS`.
    :raises TypeError: money given as a float, a non-int count, a non-date.
    :raises ValueError: a bad value (with what was wrong), an amount too
        small for ``count`` installments of at least one cent, or a rate and
        count whose rounded Price table does not amortize.
    """
    financed = _check_money(financed, "financed", positive=True)
    count = _check_int(count, "count", 1, MAX_INSTALLMENTS)
    rate = periodic_rate(monthly_interest_pct, period)
    dues = due_dates(first_due, count, calendar=calendar, period=period)
    if financed < count * CENT:
        raise ValueError(
            f"financed {financed} cannot be split into {count} installments "
            f"of at least 0.01"
        )
    if not rate:
        amount = (financed / count).quantize(CENT, rounding=ROUND_DOWN)
        amounts = [amount] * (count - 1) + [financed - amount * (count - 1)]
        lines, balance = [], financed
        for number, (due, line_amount) in enumerate(zip(dues, amounts, strict=True), 1):
            balance -= line_amount
            lines.append(
                ScheduleLine(number, due, line_amount, line_amount, ZERO, balance)
            )
        return lines
    installment = price_installment(financed, count, rate)
    lines, balance = [], financed
    with localcontext() as ctx:
        ctx.prec = 2 * RATE_PRECISION
        for number, due in enumerate(dues, 1):
            interest = round_cents(balance * rate)
            if number < count:
                principal = installment - interest
                amount = installment
            else:
                principal = balance
                amount = interest + principal
            balance -= principal
            if amount <= 0 or balance < 0 or (number < count and balance == 0):
                raise ValueError(
                    f"a Price table of {count} installments at "
                    f"{format_pct(to_decimal(monthly_interest_pct, 'rate'))}% a "
                    f"month does not amortize {financed} in whole cents "
                    f"(installment {number}); use fewer installments or a "
                    f"lower rate"
                )
            lines.append(
                ScheduleLine(number, due, amount, principal, interest, balance)
            )
    return lines


# --------------------------------------------------------------------------
# Debt
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Debt:
    """A customer's debt as of a date; amounts in cents.

    ``items`` are the late charges of each original installment, in the order
    given (empty for a debt built from stored totals).
    """

    principal: Decimal
    fine: Decimal
    interest: Decimal
    total: Decimal
    items: tuple[LateCharges, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "principal", _check_money(self.principal, "principal", positive=True)
        )
        for name in ("fine", "interest", "total"):
            object.__setattr__(self, name, _check_money(getattr(self, name), name))
        if self.total != self.principal + self.fine + self.interest:
            raise ValueError(
                f"total {self.total} is not principal + fine + interest "
                f"({self.principal} + {self.fine} + {self.interest})"
            )
        object.__setattr__(self, "items", tuple(self.items))
        if self.items:
            for name in ("principal", "fine", "interest", "total"):
                summed = sum((getattr(item, name) for item in self.items), ZERO)
                if summed != getattr(self, name):
                    raise ValueError(
                        f"{name} {getattr(self, name)} is not the sum of its "
                        f"items ({summed})"
                    )


def debt_as_of(
    installments: Iterable[tuple[Decimal, date]],
    as_of: date,
    policy: LateChargePolicy,
    *,
    consumer: bool,
    calendar: BankCalendar | None = None,
) -> Debt:
    """The debt of ``installments`` (open amount, due date) on ``as_of``.

    Each installment's fine and interest are those of
    :func:`cobranca.charges.compute_late_charges` (the consumer cap applied).

    :raises ValueError: no installment, or a bad amount (not positive, not in
        cents).
    """
    check_date(as_of, "as_of")
    items = tuple(
        compute_late_charges(
            amount, due, as_of, policy, consumer=consumer, calendar=calendar
        )
        for amount, due in installments
    )
    if not items:
        raise ValueError("a debt needs at least one installment")
    return Debt(
        principal=sum((item.principal for item in items), ZERO),
        fine=sum((item.fine for item in items), ZERO),
        interest=sum((item.interest for item in items), ZERO),
        total=sum((item.total for item in items), ZERO),
        items=items,
    )


# --------------------------------------------------------------------------
# Rules, offers, terms
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class NegotiationRules:
    """The limits a manager sets on the agreements collectors may offer.

    :param max_installments: installments after the down payment, 1 to
        :data:`MAX_INSTALLMENTS`.
    :param min_installment_amount: minimum of every installment and of a
        down payment, in cents (0 = none).
    :param max_fine_waiver_pct: maximum waiver of the fine, 0-100.
    :param max_interest_waiver_pct: maximum waiver of the interest, 0-100.
    :param cash_discount_pct: maximum discount on the principal, only for
        payment in one go, 0-100.
    :param min_down_payment_pct: minimum down payment, in % of the negotiated
        amount, 0-100 (not required for payment in one go).
    :param monthly_interest_pct: the agreement interest, % a month, Price
        table (0 = none); an offer may not charge less.
    :param first_due_days: maximum days from the agreement date to the
        (nominal) first due date, 0 to :data:`MAX_FIRST_DUE_DAYS`.
    :param max_broken: how many broken agreements a customer may have before
        no more can be offered: with ``broken_count >= max_broken`` every
        offer violates ``max_broken``; at least 1.
    """

    max_installments: int
    min_installment_amount: Decimal
    max_fine_waiver_pct: Decimal
    max_interest_waiver_pct: Decimal
    cash_discount_pct: Decimal
    min_down_payment_pct: Decimal
    monthly_interest_pct: Decimal
    first_due_days: int
    max_broken: int

    def __post_init__(self) -> None:
        _check_int(self.max_installments, "max_installments", 1, MAX_INSTALLMENTS)
        _check_int(self.first_due_days, "first_due_days", 0, MAX_FIRST_DUE_DAYS)
        _check_int(self.max_broken, "max_broken", 1, MAX_INSTALLMENTS)
        object.__setattr__(
            self,
            "min_installment_amount",
            _check_money(self.min_installment_amount, "min_installment_amount"),
        )
        for name in (
            "max_fine_waiver_pct",
            "max_interest_waiver_pct",
            "cash_discount_pct",
            "min_down_payment_pct",
        ):
            object.__setattr__(self, name, _check_pct(getattr(self, name), name))
        object.__setattr__(
            self,
            "monthly_interest_pct",
            _check_pct(
                self.monthly_interest_pct,
                "monthly_interest_pct",
                MAX_INTEREST_MONTHLY_PCT,
            ),
        )


@dataclass(frozen=True)
class Offer:
    """What a collector (or the customer) proposes; checked by
    :func:`price_offer`, which returns it normalized in :attr:`Terms.offer`.

    :param installments: installments after the down payment; 1 without a
        down payment is payment in one go (à vista).
    :param first_due: the nominal first due date of the installments (moved
        to a business day by the schedule).
    :param down_payment: the down payment (entrada), in cents; 0 = none.
    :param down_payment_due: its due date; default the agreement date, both
        moved to a business day.
    :param monthly_interest_pct: the agreement interest, % a month.
    :param period: one of :data:`PERIODS`.
    """

    installments: int
    first_due: date
    fine_waiver_pct: Decimal = Decimal(0)
    interest_waiver_pct: Decimal = Decimal(0)
    discount_pct: Decimal = Decimal(0)
    down_payment: Decimal = Decimal(0)
    down_payment_due: date | None = None
    monthly_interest_pct: Decimal = Decimal(0)
    period: str = "monthly"

    @property
    def in_one_go(self) -> bool:
        """Payment in one go: one installment, no down payment."""
        return self.installments == 1 and not self.down_payment


@dataclass(frozen=True)
class Terms:
    """An offer priced on a debt (see :func:`price_offer`); amounts in cents.

    ``negotiated = debt.total - fine_waived - interest_waived - discount``;
    ``financed = negotiated - down_payment``, split into ``schedule``;
    ``total_payable = down_payment + sum of the schedule``;
    ``saved = fine_waived + interest_waived + discount``.
    """

    debt: Debt
    offer: Offer
    fine_waived: Decimal
    interest_waived: Decimal
    discount: Decimal
    negotiated: Decimal
    down_payment: Decimal
    financed: Decimal
    schedule: tuple[ScheduleLine, ...]
    agreement_interest: Decimal
    total_payable: Decimal
    saved: Decimal

    @property
    def in_one_go(self) -> bool:
        """Payment in one go: one installment, no down payment."""
        return self.offer.in_one_go

    @property
    def down_payment_due(self) -> date | None:
        """The due date of the down payment (a business day), or None."""
        return self.offer.down_payment_due


def price_offer(
    debt: Debt,
    offer: Offer,
    *,
    today: date,
    calendar: BankCalendar | None = None,
) -> Terms:
    """Price ``offer`` on ``debt`` on the agreement date ``today``.

    These are hard errors (the offer cannot be an agreement), not rule
    violations (see :func:`check_offer`):

    :raises TypeError: money as a float, a non-date, a non-int count.
    :raises ValueError: installments < 1 (or above :data:`MAX_INSTALLMENTS`);
        a percentage outside 0-100; a down payment negative, not in cents or
        not below the negotiated amount (a down payment of the whole debt is
        payment in one go: one installment, no down payment); a down payment
        or first due date before ``today``; with a down payment, a first due
        date not after the down payment's (business) due date; nothing left to
        pay after the waivers and discount; an unknown period.
    """
    if not isinstance(debt, Debt):
        raise TypeError(f"debt must be a Debt, got {type(debt).__name__}")
    if not isinstance(offer, Offer):
        raise TypeError(f"offer must be an Offer, got {type(offer).__name__}")
    check_date(today, "today")
    if calendar is None:
        calendar = _NATIONAL_CALENDAR
    installments = _check_int(offer.installments, "installments", 1, MAX_INSTALLMENTS)
    first_due = check_date(offer.first_due, "first_due")
    fine_pct = _check_pct(offer.fine_waiver_pct, "fine_waiver_pct")
    interest_pct = _check_pct(offer.interest_waiver_pct, "interest_waiver_pct")
    discount_pct = _check_pct(offer.discount_pct, "discount_pct")
    rate_pct = _check_pct(
        offer.monthly_interest_pct, "monthly_interest_pct", MAX_INTEREST_MONTHLY_PCT
    )
    period = _check_period(offer.period)
    down_payment = _check_money(offer.down_payment, "down_payment")
    if first_due < today:
        raise ValueError(f"first_due {first_due} is before the agreement date {today}")

    fine_waived = _pct_of(debt.fine, fine_pct)
    interest_waived = _pct_of(debt.interest, interest_pct)
    discount = _pct_of(debt.principal, discount_pct)
    negotiated = debt.total - fine_waived - interest_waived - discount
    if negotiated <= 0:
        raise ValueError(
            f"nothing is left to pay: the waivers and discount "
            f"({fine_waived + interest_waived + discount}) take the whole debt "
            f"({debt.total})"
        )
    down_payment_due = None
    if down_payment:
        if down_payment >= negotiated:
            raise ValueError(
                f"down_payment {down_payment} must be below the negotiated "
                f"amount {negotiated}; to pay it all at once use one "
                f"installment without a down payment"
            )
        nominal = today if offer.down_payment_due is None else offer.down_payment_due
        check_date(nominal, "down_payment_due")
        if nominal < today:
            raise ValueError(
                f"down_payment_due {nominal} is before the agreement date {today}"
            )
        down_payment_due = calendar.next_business_day(nominal)
        if first_due <= down_payment_due:
            raise ValueError(
                f"first_due {first_due} must be after the down payment's due "
                f"date {down_payment_due}"
            )
    financed = negotiated - down_payment
    schedule = tuple(
        build_schedule(
            financed,
            installments,
            first_due,
            monthly_interest_pct=rate_pct,
            calendar=calendar,
            period=period,
        )
    )
    normalized = replace(
        offer,
        fine_waiver_pct=fine_pct,
        interest_waiver_pct=interest_pct,
        discount_pct=discount_pct,
        down_payment=down_payment,
        down_payment_due=down_payment_due,
        monthly_interest_pct=rate_pct,
    )
    return Terms(
        debt=debt,
        offer=normalized,
        fine_waived=fine_waived,
        interest_waived=interest_waived,
        discount=discount,
        negotiated=negotiated,
        down_payment=down_payment,
        financed=financed,
        schedule=schedule,
        agreement_interest=sum((line.interest for line in schedule), ZERO),
        total_payable=down_payment + sum((line.amount for line in schedule), ZERO),
        saved=fine_waived + interest_waived + discount,
    )


# --------------------------------------------------------------------------
# Checking an offer against the rules
# --------------------------------------------------------------------------

#: The stable rule codes of :class:`Violation` (the Odoo addon translates them
#: by code), in the order :func:`check_offer` reports them.
RULES = (
    "max_installments",
    "min_installment_amount",
    "max_fine_waiver",
    "max_interest_waiver",
    "cash_discount",
    "min_down_payment",
    "interest_rate",
    "first_due_days",
    "max_broken",
)

_MESSAGES = {
    "max_installments": "{value} installments exceed the maximum of {limit}.",
    "min_installment_amount": (
        "An installment of {value} is below the minimum installment of {limit}."
    ),
    "max_fine_waiver": "A fine waiver of {value}% exceeds the maximum of {limit}%.",
    "max_interest_waiver": (
        "An interest waiver of {value}% exceeds the maximum of {limit}%."
    ),
    "cash_discount": (
        "A discount of {value}% on the principal exceeds the {limit}% allowed "
        "(a discount is allowed only for payment in one go)."
    ),
    "min_down_payment": "A down payment of {value} is below the minimum of {limit}.",
    "interest_rate": (
        "An agreement interest of {value}% a month is below the {limit}% a "
        "month of the rules."
    ),
    "first_due_days": (
        "The first due date is {value} days away, more than the {limit} days allowed."
    ),
    "max_broken": (
        "The customer has broken {value} agreements, the limit is {limit}: no "
        "new agreement may be offered."
    ),
}


@dataclass(frozen=True)
class Violation:
    """A negotiation rule an offer breaks.

    ``limit`` and ``value`` per rule: ``max_installments`` counts;
    ``min_installment_amount`` the minimum and the smallest offending amount;
    ``max_fine_waiver``, ``max_interest_waiver``, ``cash_discount`` (limit 0
    when the offer is not paid in one go), ``interest_rate`` percentages;
    ``min_down_payment`` the required and the offered amounts;
    ``first_due_days`` days; ``max_broken`` the limit and the customer's
    count of broken agreements.
    """

    rule: str
    limit: Decimal | int
    value: Decimal | int

    @property
    def message(self) -> str:
        """An English sentence naming the rule, its limit and the value."""

        def text(number):
            return format_pct(number) if isinstance(number, Decimal) else str(number)

        if self.rule in ("min_installment_amount", "min_down_payment"):
            limit, value = str(self.limit), str(self.value)
        else:
            limit, value = text(self.limit), text(self.value)
        return _MESSAGES[self.rule].format(limit=limit, value=value)


def check_offer(
    rules: NegotiationRules,
    terms: Terms,
    *,
    today: date,
    broken_count: int = 0,
) -> list[Violation]:
    """Every rule of ``rules`` that ``terms`` break, in :data:`RULES` order;
    an empty list when the offer is within the limits.

    * ``max_installments``: installments after the down payment above the
      maximum.
    * ``min_installment_amount``: a schedule line or a non-zero down payment
      below the minimum (not for payment in one go).
    * ``max_fine_waiver`` / ``max_interest_waiver``: more waived than the
      maximum % of the fine / interest (rounded to cents as priced).
    * ``cash_discount``: a discount on the principal above the rule's %, or
      any discount when not paid in one go.
    * ``min_down_payment``: not paid in one go and a down payment below the
      rule's % of the negotiated amount (rounded half-up to cents).
    * ``interest_rate``: not paid in one go and an agreement interest below
      the rule's.
    * ``first_due_days``: the nominal first due date more than
      ``first_due_days`` after ``today`` (the schedule moves it to a business
      day, as the law extends any due date).
    * ``max_broken``: ``broken_count >= max_broken``.
    """
    if not isinstance(rules, NegotiationRules):
        raise TypeError(f"rules must be NegotiationRules, got {type(rules).__name__}")
    if not isinstance(terms, Terms):
        raise TypeError(f"terms must be Terms, got {type(terms).__name__}")
    check_date(today, "today")
    _check_int(broken_count, "broken_count", 0, 10**6)
    offer = terms.offer
    days = (offer.first_due - today).days
    checks = (
        _check_installments(rules, terms),
        _check_min_installment(rules, terms),
        _check_waivers(rules, terms),
        _check_discount(rules, terms),
        _check_financing(rules, terms),
        [Violation("first_due_days", rules.first_due_days, days)]
        if days > rules.first_due_days
        else [],
        [Violation("max_broken", rules.max_broken, broken_count)]
        if broken_count >= rules.max_broken
        else [],
    )
    return [violation for found in checks for violation in found]


def _check_installments(rules: NegotiationRules, terms: Terms) -> list[Violation]:
    count = terms.offer.installments
    if count > rules.max_installments:
        return [Violation("max_installments", rules.max_installments, count)]
    return []


def _check_min_installment(rules: NegotiationRules, terms: Terms) -> list[Violation]:
    if terms.in_one_go:
        return []
    amounts = [line.amount for line in terms.schedule]
    if terms.down_payment:
        amounts.append(terms.down_payment)
    smallest = min(amounts)
    if smallest < rules.min_installment_amount:
        return [
            Violation("min_installment_amount", rules.min_installment_amount, smallest)
        ]
    return []


def _check_waivers(rules: NegotiationRules, terms: Terms) -> list[Violation]:
    offer, debt, found = terms.offer, terms.debt, []
    if terms.fine_waived > _pct_of(debt.fine, rules.max_fine_waiver_pct):
        found.append(
            Violation(
                "max_fine_waiver", rules.max_fine_waiver_pct, offer.fine_waiver_pct
            )
        )
    if terms.interest_waived > _pct_of(debt.interest, rules.max_interest_waiver_pct):
        found.append(
            Violation(
                "max_interest_waiver",
                rules.max_interest_waiver_pct,
                offer.interest_waiver_pct,
            )
        )
    return found


def _check_discount(rules: NegotiationRules, terms: Terms) -> list[Violation]:
    if not terms.discount:
        return []
    if not terms.in_one_go:
        return [Violation("cash_discount", Decimal(0), terms.offer.discount_pct)]
    if terms.discount > _pct_of(terms.debt.principal, rules.cash_discount_pct):
        return [
            Violation(
                "cash_discount", rules.cash_discount_pct, terms.offer.discount_pct
            )
        ]
    return []


def _check_financing(rules: NegotiationRules, terms: Terms) -> list[Violation]:
    """The down payment and the interest: not for payment in one go."""
    if terms.in_one_go:
        return []
    found = []
    required = _pct_of(terms.negotiated, rules.min_down_payment_pct)
    if terms.down_payment < required:
        found.append(Violation("min_down_payment", required, terms.down_payment))
    rate = terms.offer.monthly_interest_pct
    if rate < rules.monthly_interest_pct:
        found.append(Violation("interest_rate", rules.monthly_interest_pct, rate))
    return found


def standard_offers(
    rules: NegotiationRules,
    debt: Debt,
    *,
    today: date,
    calendar: BankCalendar | None = None,
) -> list[Terms]:
    """The offers a customer may pick by himself, all within ``rules``.

    First payment in one go with the full cash discount and the maximum
    waivers; then 2, 3, 6, 10, 12... (:data:`STANDARD_COUNTS`, and
    ``rules.max_installments`` itself) installments up to the maximum, each
    with the maximum waivers, the minimum down payment (due on the agreement
    date, moved to a business day) and the rules' interest. The nominal first
    due date is ``today + first_due_days`` (moved to a business day by the
    schedule). An offer that cannot be priced (e.g. an amount too small for
    that many installments) or that breaks a rule (e.g. an installment below
    the minimum) is left out.

    The customer's broken agreements are not taken into account: the caller
    checks ``rules.max_broken`` (offers nothing when the customer reached it).
    """
    check_date(today, "today")
    first_due = today + timedelta(days=rules.first_due_days)
    waivers = {
        "fine_waiver_pct": rules.max_fine_waiver_pct,
        "interest_waiver_pct": rules.max_interest_waiver_pct,
    }
    negotiated = (
        debt.total
        - _pct_of(debt.fine, rules.max_fine_waiver_pct)
        - _pct_of(debt.interest, rules.max_interest_waiver_pct)
    )
    down_payment = _pct_of(negotiated, rules.min_down_payment_pct)
    offers = [
        Offer(1, first_due, discount_pct=rules.cash_discount_pct, **waivers),
    ]
    counts = sorted(
        {n for n in STANDARD_COUNTS if n <= rules.max_installments}
        | ({rules.max_installments} - {1})
    )
    offers += [
        Offer(
            n,
            first_due,
            down_payment=down_payment,
            monthly_interest_pct=rules.monthly_interest_pct,
            **waivers,
        )
        for n in counts
    ]
    result = []
    for offer in offers:
        try:
            terms = price_offer(debt, offer, today=today, calendar=calendar)
        except ValueError:
            # Not an agreement at all for this debt (e.g. 0.05 in 6 installments,
            # a down payment of the whole amount, a first due date not after
            # the down payment's): nothing to offer with this count.
            continue
        if not check_offer(rules, terms, today=today):
            result.append(terms)
    return result


# --------------------------------------------------------------------------
# Breach
# --------------------------------------------------------------------------


def breach_date(
    due: date, grace_days: int, calendar: BankCalendar | None = None
) -> date:
    """The day an agreement installment due on ``due`` and still unpaid breaks
    the agreement: the effective due date (``due`` extended to the next
    business day, Lei 7.089/1983) plus ``grace_days`` calendar days, plus one
    (the installment may still be paid on the last day of grace).

    :raises ValueError: ``grace_days`` negative.
    """
    check_date(due, "due")
    _check_int(grace_days, "grace_days", 0, 10**4)
    if calendar is None:
        calendar = _NATIONAL_CALENDAR
    return calendar.effective_due_date(due) + timedelta(days=grace_days + 1)


def is_breached(
    due: date,
    today: date,
    grace_days: int,
    calendar: BankCalendar | None = None,
) -> bool:
    """Whether an installment due on ``due`` and unpaid on ``today`` breaks the
    agreement: ``today`` after the effective due date + ``grace_days``
    (that is, on or after :func:`breach_date`)."""
    check_date(today, "today")
    return today >= breach_date(due, grace_days, calendar)
