# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Late charges on an overdue installment: fine (multa) and interest (juros).

Rules (see the project's DOMAIN.md, section 4):

* The fine is a percentage of the installment amount (the principal), charged
  once from the first day late; never repeated, never charged on interest.
  For consumers it may not exceed 2% (CDC, Lei 8.078/1990, art. 52 §1); for
  anybody it may not exceed the principal (Código Civil art. 412).
* Interest is simple, pro rata die, on the principal only:
  ``principal × monthly rate / 100 / 30 × calendar days late``.
* Each of fine and interest is rounded half-up to cents.
* A due date on a non-business day is extended to the next business day: paid
  by then, nothing is charged (Lei 7.089/1983 art. 1). Missed, interest runs
  from the original due date (STJ, REsp 1.954.924).
* An overdue installment charged again with a new due date (a Pix charge
  cannot fall due before it is created) keeps those terms: see
  :func:`rebase_overdue_charge`.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from .calendar import BankCalendar, check_date

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

#: Maximum late fine for consumers, in percent (CDC art. 52 §1).
CONSUMER_FINE_CAP_PCT = Decimal(2)
#: Maximum fine, in percent of the principal (Código Civil art. 412).
MAX_FINE_PCT = HUNDRED
#: Sanity bound on the monthly interest rate, in percent. It is not a legal
#: limit (the legal one depends on the contract and the parties: get legal
#: sign-off); it rejects typing mistakes while allowing the 30% a month
#: (1% a day) of the API Pix examples.
MAX_INTEREST_MONTHLY_PCT = HUNDRED
#: Interest pro rata die uses 30-day months (the CNAB "juros por dia" convention).
DAYS_PER_MONTH = 30
#: Precision of the rates a charge carries (the API Pix ``valorPerc``: two
#: decimals).
RATE_QUANTUM = Decimal("0.01")

_NATIONAL_CALENDAR = BankCalendar()


class ConsumerFineCapError(ValueError):
    """A late fine above the legal cap was to be charged to a consumer."""

    def __init__(self, fine_pct: Decimal, cap_pct: Decimal = CONSUMER_FINE_CAP_PCT):
        self.fine_pct = fine_pct
        self.cap_pct = cap_pct
        law = "CDC, Lei 8.078/1990, art. 52 §1"
        if cap_pct < CONSUMER_FINE_CAP_PCT:
            law = (
                f"set by the policy; the legal maximum is "
                f"{format_pct(CONSUMER_FINE_CAP_PCT)}%, {law}"
            )
        super().__init__(
            f"A late fine of {format_pct(fine_pct)}% exceeds the "
            f"{format_pct(cap_pct)}% cap on late fines charged to consumers "
            f"({law})."
        )


def to_decimal(value: object, name: str) -> Decimal:
    """Return ``value`` as a finite Decimal; an ``int`` is converted.

    :raises TypeError: for a float (money is never a float) or any other type.
    :raises ValueError: for NaN or an infinity.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(
            f"{name} must be a decimal.Decimal, got {type(value).__name__}: {value!r}"
        )
    value = Decimal(value)
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite number, got {value}")
    return value


def round_cents(value: Decimal) -> Decimal:
    """Round ``value`` half-up to cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_pct(value: Decimal) -> str:
    """Format a percentage without exponent or trailing zeros: 2, 2.5, 30."""
    return format(value.normalize(), "f")


def check_fine_for_consumer(
    fine_pct: Decimal, cap_pct: Decimal = CONSUMER_FINE_CAP_PCT
) -> Decimal:
    """Return ``fine_pct`` if it may be charged to a consumer.

    :raises ConsumerFineCapError: if it exceeds ``cap_pct``.
    """
    fine_pct = to_decimal(fine_pct, "fine_pct")
    if fine_pct > cap_pct:
        raise ConsumerFineCapError(fine_pct, cap_pct)
    return fine_pct


def applicable_fine_pct(policy: "LateChargePolicy", *, consumer: bool) -> Decimal:
    """The fine ``policy`` lets one charge this debtor, in percent: the
    policy's, capped at ``policy.consumer_fine_cap_pct`` for a consumer (CDC
    art. 52 §1)."""
    if consumer:
        return min(policy.fine_pct, policy.consumer_fine_cap_pct)
    return policy.fine_pct


def _check_range(value: object, name: str, maximum: Decimal) -> Decimal:
    value = to_decimal(value, name)
    if not Decimal(0) <= value <= maximum:
        raise ValueError(
            f"{name} must be between 0 and {format_pct(maximum)} (percent), got {value}"
        )
    return value


@dataclass(frozen=True)
class LateChargePolicy:
    """The late-charge terms of a contract, in percent.

    :param fine_pct: fine, in percent of the installment, 0-100 (the fine may
        not exceed the principal obligation, Código Civil art. 412).
    :param interest_monthly_pct: moratory interest in percent a month, 0-100
        (see :data:`MAX_INTEREST_MONTHLY_PCT`).
    :param consumer_fine_cap_pct: the fine cap for consumers, 0-2: it may be
        lowered by contract, never raised above the legal 2% (CDC art. 52 §1).
    """

    fine_pct: Decimal
    interest_monthly_pct: Decimal
    consumer_fine_cap_pct: Decimal = CONSUMER_FINE_CAP_PCT

    def __post_init__(self) -> None:
        checks = (
            ("fine_pct", MAX_FINE_PCT),
            ("interest_monthly_pct", MAX_INTEREST_MONTHLY_PCT),
            ("consumer_fine_cap_pct", CONSUMER_FINE_CAP_PCT),
        )
        for name, maximum in checks:
            value = _check_range(getattr(self, name), name, maximum)
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class LateCharges:
    """The result of :func:`compute_late_charges`; amounts in cents.

    ``fine_pct_applied`` and ``interest_monthly_pct`` are the terms that apply
    to this debtor (the fine after the consumer cap), even when ``days_late``
    is 0 and nothing is charged. ``capped`` tells whether the consumer cap
    lowered the policy's fine.
    """

    principal: Decimal
    days_late: int
    fine_pct_applied: Decimal
    fine: Decimal
    interest_monthly_pct: Decimal
    interest: Decimal
    total: Decimal
    capped: bool

    @property
    def explanation(self) -> str:
        """A short English account of the computation, for logs and chatter."""
        if not self.days_late:
            return (
                f"Not late (paid or evaluated by the effective due date): "
                f"no fine, no interest; total {self.total}."
            )
        fine_pct = format_pct(self.fine_pct_applied)
        capped = " (consumer cap, CDC art. 52 §1)" if self.capped else ""
        interest_pct = format_pct(self.interest_monthly_pct)
        return (
            f"{self.days_late} day{'s' if self.days_late > 1 else ''} late. "
            f"Fine: {fine_pct}%{capped} of {self.principal} = {self.fine}. "
            f"Interest: {self.principal} × {interest_pct}% a month / "
            f"{DAYS_PER_MONTH} × {self.days_late} days = {self.interest}. "
            f"Total: {self.principal} + {self.fine} + {self.interest} = "
            f"{self.total}."
        )


def days_late(due: date, on: date, calendar: BankCalendar | None = None) -> int:
    """Return the calendar days of delay of a payment due on ``due``, at ``on``.

    0 when ``on`` is on or before the effective due date (``due`` extended to
    the next business day, Lei 7.089/1983); otherwise the days since the
    ORIGINAL due date (STJ, REsp 1.954.924). ``calendar`` defaults to the
    national bank calendar.
    """
    check_date(due, "due")
    check_date(on, "on")
    if calendar is None:
        calendar = _NATIONAL_CALENDAR
    if on <= calendar.effective_due_date(due):
        return 0
    return (on - due).days


def compute_late_charges(
    principal: Decimal,
    due: date,
    on: date,
    policy: LateChargePolicy,
    *,
    consumer: bool,
    calendar: BankCalendar | None,
    enforce_cap: bool = True,
) -> LateCharges:
    """Compute the fine and interest owed on ``principal`` due on ``due``.

    :param principal: the installment amount still owed, positive, in cents.
    :param on: the payment date, or the day the amount is evaluated.
    :param consumer: the debtor is a consumer: the fine is capped at
        ``policy.consumer_fine_cap_pct``.
    :param calendar: the bank calendar extending non-business due dates;
        ``None`` means the national one (no municipal holidays).
    :param enforce_cap: for a consumer whose policy fine exceeds the cap,
        apply the cap (``True``) or raise (``False``).
    :raises ConsumerFineCapError: consumer, fine above the cap and
        ``enforce_cap=False``; raised even if nothing is late yet.
    :raises ValueError: ``principal`` not positive or not in whole cents.
    """
    principal = to_decimal(principal, "principal")
    if principal <= 0:
        raise ValueError(f"principal must be positive, got {principal}")
    if principal != round_cents(principal):
        raise ValueError(f"principal must be in whole cents, got {principal}")
    principal = round_cents(principal)
    fine_pct = applicable_fine_pct(policy, consumer=consumer)
    capped = fine_pct < policy.fine_pct
    if capped and not enforce_cap:
        raise ConsumerFineCapError(policy.fine_pct, policy.consumer_fine_cap_pct)
    late = days_late(due, on, calendar)
    fine = interest = Decimal("0.00")
    if late:
        fine = round_cents(principal * fine_pct / HUNDRED)
        interest = round_cents(
            principal * policy.interest_monthly_pct * late / (HUNDRED * DAYS_PER_MONTH)
        )
    return LateCharges(
        principal=principal,
        days_late=late,
        fine_pct_applied=fine_pct,
        fine=fine,
        interest_monthly_pct=policy.interest_monthly_pct,
        interest=interest,
        total=principal + fine + interest,
        capped=capped,
    )


@dataclass(frozen=True)
class RebasedCharge:
    """The terms of a charge that falls due on the day an overdue installment
    is evaluated instead of on its own, past, due date.

    ``amount`` is what is owed that day (principal, fine and interest so far);
    ``fine_pct`` the fine still to charge if it is paid late again (0 once the
    fine is in ``amount``: a fine is charged once); ``interest_monthly_pct``
    the monthly rate that, charged on ``amount``, is the policy's simple
    interest on the principal only.
    """

    amount: Decimal
    fine_pct: Decimal
    interest_monthly_pct: Decimal


def rebase_overdue_charge(
    late: LateCharges, quantum: Decimal = RATE_QUANTUM
) -> RebasedCharge:
    """Re-base the charge of an overdue installment on the day of ``late``.

    A charge with due date cannot fall due in the past (API Pix: ``cobv``
    ``dataDeVencimento`` on or after its creation): the installment is
    charged ``late.total`` falling due that day. Interest must stay simple,
    on the principal only (it may not be charged on the fine or on interest),
    while the PSP will apply the rate to the whole new amount: the rate
    becomes ``interest_monthly_pct × principal / total``, rounded down to
    ``quantum`` so that it is never above the policy's (the debtor gains at
    most ``quantum`` of rate a month on the amount). The fine, already in
    the amount once the installment is late, is not charged again; when
    nothing is late yet (a due date extended to a business day), the amount
    is the principal and the applicable fine stays.
    """
    amount = late.total
    rate = late.interest_monthly_pct * late.principal / amount
    return RebasedCharge(
        amount=amount,
        fine_pct=Decimal(0) if late.days_late else late.fine_pct_applied,
        interest_monthly_pct=rate.quantize(quantum, rounding=ROUND_DOWN),
    )
