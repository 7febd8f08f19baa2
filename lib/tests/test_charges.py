# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from cobranca.calendar import BankCalendar
from cobranca.charges import (
    RATE_QUANTUM,
    ConsumerFineCapError,
    LateChargePolicy,
    applicable_fine_pct,
    check_fine_for_consumer,
    compute_late_charges,
    days_late,
    rebase_overdue_charge,
)
from hypothesis import given
from hypothesis import strategies as st

CAL = BankCalendar()
# A Monday that is a business day: the effective due date is the due date.
BUSINESS_DUE = date(2025, 6, 2)
D = Decimal


def _charges(principal, days, fine_pct, interest_pct, consumer=False, **kwargs):
    return compute_late_charges(
        D(principal),
        BUSINESS_DUE,
        BUSINESS_DUE + timedelta(days=days),
        LateChargePolicy(D(fine_pct), D(interest_pct)),
        consumer=consumer,
        calendar=CAL,
        **kwargs,
    )


def test_vectors(load_vectors):
    vectors = load_vectors("late_charges.json")
    assert vectors["cases"]
    for case in vectors["cases"]:
        assert CAL.is_business_day(BUSINESS_DUE)
        result = _charges(
            case["principal"],
            case["days_late"],
            case["fine_pct"],
            case["interest_monthly_pct"],
        )
        assert result.days_late == case["days_late"]
        assert result.fine == D(case["fine"]), case
        assert result.interest == D(case["interest"]), case
        assert result.total == D(case["total"]), case


@pytest.mark.parametrize(
    ("due", "on", "expected"),
    [
        ("2025-06-02", "2025-06-02", 0),  # on the due date
        ("2025-06-02", "2025-05-20", 0),  # early
        ("2025-06-02", "2025-06-03", 1),
        ("2025-06-02", "2025-07-02", 30),
        # Due on a Saturday before Carnaval: on time until Ash Wednesday...
        ("2025-03-01", "2025-03-03", 0),
        ("2025-03-01", "2025-03-05", 0),
        # ...then late since the ORIGINAL due date (STJ REsp 1.954.924).
        ("2025-03-01", "2025-03-06", 5),
        ("2025-12-31", "2026-01-02", 0),
        ("2025-12-31", "2026-01-05", 5),
        ("2025-11-20", "2025-11-21", 0),  # Consciência Negra 2025
        ("2023-11-20", "2023-11-21", 1),  # a business day in 2023
    ],
)
def test_days_late(due, on, expected):
    assert days_late(date.fromisoformat(due), date.fromisoformat(on), CAL) == expected


def test_days_late_with_municipal_holiday():
    rio = BankCalendar(extra_holidays=[date(2025, 1, 20)])
    due, paid = date(2025, 1, 20), date(2025, 1, 21)
    assert days_late(due, paid, rio) == 0
    assert days_late(due, paid, None) == 1  # national calendar
    charges = compute_late_charges(
        D("500.00"),
        due,
        paid,
        LateChargePolicy(D(2), D(1)),
        consumer=True,
        calendar=rio,
    )
    assert (charges.fine, charges.interest, charges.total) == (
        D("0.00"),
        D("0.00"),
        D("500.00"),
    )


def test_non_business_due_date_paid_on_next_business_day_is_free():
    policy = LateChargePolicy(D(2), D(1))
    charges = compute_late_charges(
        D("1000.00"),
        date(2025, 3, 1),
        date(2025, 3, 5),
        policy,
        consumer=True,
        calendar=CAL,
    )
    assert charges.days_late == 0
    assert charges.total == D("1000.00")
    late = compute_late_charges(
        D("1000.00"),
        date(2025, 3, 1),
        date(2025, 3, 6),
        policy,
        consumer=True,
        calendar=CAL,
    )
    assert late.days_late == 5
    assert (late.fine, late.interest, late.total) == (
        D("20.00"),
        D("1.67"),
        D("1021.67"),
    )


@pytest.mark.parametrize(
    ("principal", "days", "fine_pct", "interest_pct", "fine", "interest", "total"),
    [
        ("1234.56", 45, "2", "1", "24.69", "18.52", "1277.77"),
        ("100.00", 1, "2", "1", "2.00", "0.03", "102.03"),
        ("100.00", 15, "2", "1", "2.00", "0.50", "102.50"),
        ("2.50", 30, "0", "1", "0.00", "0.03", "2.53"),  # 0.025: half-up, not even
        ("0.25", 1, "2", "0", "0.01", "0.00", "0.26"),  # 0.005: half-up
        ("1000.00", 365, "10", "1", "100.00", "121.67", "1221.67"),  # B2B fine
        ("999.99", 61, "2.5", "0.33", "25.00", "6.71", "1031.70"),
    ],
)
def test_hand_computed_charges(
    principal, days, fine_pct, interest_pct, fine, interest, total
):
    result = _charges(principal, days, fine_pct, interest_pct)
    assert result.days_late == days
    assert (result.fine, result.interest, result.total) == (
        D(fine),
        D(interest),
        D(total),
    )
    assert result.capped is False


def test_fine_is_charged_once():
    one_day = _charges("1000.00", 1, "2", "1")
    one_year = _charges("1000.00", 365, "2", "1")
    assert one_day.fine == one_year.fine == D("20.00")


def test_consumer_fine_is_capped():
    result = _charges("1000.00", 30, "10", "1", consumer=True)
    assert result.capped is True
    assert result.fine_pct_applied == D(2)
    assert (result.fine, result.interest, result.total) == (
        D("20.00"),
        D("10.00"),
        D("1030.00"),
    )
    assert result.explanation.startswith("30 days late. Fine: 2% (consumer cap")
    assert _charges("10.00", 1, "2", "1").explanation.startswith("1 day late.")


def test_consumer_fine_within_cap_is_not_capped():
    result = _charges("1000.00", 30, "1.5", "1", consumer=True)
    assert result.capped is False
    assert result.fine == D("15.00")


def test_policy_may_lower_the_consumer_cap():
    policy = LateChargePolicy(D(2), D(1), consumer_fine_cap_pct=D(1))
    result = compute_late_charges(
        D("1000.00"),
        BUSINESS_DUE,
        BUSINESS_DUE + timedelta(days=1),
        policy,
        consumer=True,
        calendar=CAL,
    )
    assert (result.fine, result.capped) == (D("10.00"), True)


def test_consumer_fine_above_cap_raises_when_not_enforced():
    with pytest.raises(ConsumerFineCapError) as info:
        _charges("1000.00", 30, "10", "1", consumer=True, enforce_cap=False)
    assert str(info.value) == (
        "A late fine of 10% exceeds the 2% cap on late fines charged to "
        "consumers (CDC, Lei 8.078/1990, art. 52 §1)."
    )
    assert isinstance(info.value, ValueError)
    # Not late yet: the policy is still unlawful for this debtor.
    with pytest.raises(ConsumerFineCapError):
        _charges("1000.00", 0, "10", "1", consumer=True, enforce_cap=False)
    # Not a consumer: no cap.
    assert _charges("1000.00", 30, "10", "1", enforce_cap=False).fine == D("100.00")


def test_cap_error_for_a_cap_lowered_by_the_policy():
    policy = LateChargePolicy(D(2), D(1), consumer_fine_cap_pct=D("1.5"))
    with pytest.raises(ConsumerFineCapError) as info:
        compute_late_charges(
            D("10.00"),
            BUSINESS_DUE,
            BUSINESS_DUE,
            policy,
            consumer=True,
            calendar=CAL,
            enforce_cap=False,
        )
    assert str(info.value) == (
        "A late fine of 2% exceeds the 1.5% cap on late fines charged to "
        "consumers (set by the policy; the legal maximum is 2%, CDC, "
        "Lei 8.078/1990, art. 52 §1)."
    )


def test_check_fine_for_consumer():
    assert check_fine_for_consumer(D("2")) == D("2")
    assert check_fine_for_consumer(D("0")) == D("0")
    with pytest.raises(ConsumerFineCapError, match=r"2\.01% exceeds the 2% cap"):
        check_fine_for_consumer(D("2.01"))
    with pytest.raises(TypeError):
        check_fine_for_consumer(2.5)


def test_not_late_means_no_charges():
    early = compute_late_charges(
        D("100.00"),
        BUSINESS_DUE,
        BUSINESS_DUE - timedelta(days=10),
        LateChargePolicy(D(2), D(1)),
        consumer=False,
        calendar=CAL,
    )
    assert (early.days_late, early.fine, early.interest, early.total) == (
        0,
        D("0.00"),
        D("0.00"),
        D("100.00"),
    )
    assert early.explanation.startswith("Not late")


def test_explanation_gives_the_numbers():
    result = _charges("1000.00", 30, "2", "1")
    assert result.explanation == (
        "30 days late. Fine: 2% of 1000.00 = 20.00. "
        "Interest: 1000.00 × 1% a month / 30 × 30 days = 10.00. "
        "Total: 1000.00 + 20.00 + 10.00 = 1030.00."
    )


@pytest.mark.parametrize("principal", ["0", "-0.01", "-100"])
def test_principal_must_be_positive(principal):
    with pytest.raises(ValueError, match="principal must be positive"):
        _charges(principal, 3, "2", "1")


def test_principal_must_be_in_cents():
    with pytest.raises(ValueError, match="whole cents"):
        _charges("10.001", 3, "2", "1")
    assert _charges("10.100", 3, "2", "1").principal == D("10.10")


def test_int_principal_is_accepted():
    result = compute_late_charges(
        100,
        BUSINESS_DUE,
        BUSINESS_DUE + timedelta(days=30),
        LateChargePolicy(2, 1),
        consumer=False,
        calendar=CAL,
    )
    assert result.total == D("103.00")
    assert str(result.principal) == "100.00"


def test_floats_are_rejected():
    with pytest.raises(TypeError, match="principal must be a decimal.Decimal"):
        compute_late_charges(
            100.0,
            BUSINESS_DUE,
            BUSINESS_DUE,
            LateChargePolicy(D(2), D(1)),
            consumer=False,
            calendar=CAL,
        )
    with pytest.raises(TypeError, match="fine_pct must be a decimal.Decimal"):
        LateChargePolicy(2.0, D(1))
    with pytest.raises(TypeError, match="interest_monthly_pct"):
        LateChargePolicy(D(2), 1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fine_pct": D("-1")}, "fine_pct must be between 0 and 100"),
        ({"fine_pct": D("100.01")}, "fine_pct must be between 0 and 100"),
        ({"interest_monthly_pct": D("-0.1")}, "interest_monthly_pct must be"),
        ({"interest_monthly_pct": D("101")}, "interest_monthly_pct must be"),
        ({"consumer_fine_cap_pct": D("2.5")}, "consumer_fine_cap_pct must be"),
        ({"fine_pct": D("NaN")}, "fine_pct must be a finite number"),
    ],
)
def test_policy_validation(kwargs, message):
    values = {"fine_pct": D(2), "interest_monthly_pct": D(1), **kwargs}
    with pytest.raises(ValueError, match=message):
        LateChargePolicy(**values)


def test_policy_limits_are_accepted():
    policy = LateChargePolicy(D(100), D(100), D(0))
    assert (policy.fine_pct, policy.interest_monthly_pct) == (D(100), D(100))


PRINCIPALS = st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2)
PCTS = st.decimals(min_value=D(0), max_value=D(100), places=2)
DAYS_LATE = st.integers(min_value=0, max_value=3650)


@given(PRINCIPALS, DAYS_LATE, PCTS, PCTS, st.booleans())
def test_total_is_the_sum_of_its_parts(principal, days, fine_pct, interest, consumer):
    result = _charges(principal, days, fine_pct, interest, consumer=consumer)
    assert result.total == result.principal + result.fine + result.interest
    assert result.days_late == days
    for amount in (result.fine, result.interest, result.total):
        assert amount == amount.quantize(D("0.01"))
    # Rounded half-up from the exact simple interest, within half a cent.
    exact = principal * interest / 100 / 30 * days
    assert abs(result.interest - exact) <= D("0.005")


@given(PRINCIPALS, DAYS_LATE, PCTS, PCTS)
def test_consumer_fine_never_exceeds_cap(principal, days, fine_pct, interest):
    result = _charges(principal, days, fine_pct, interest, consumer=True)
    assert result.fine_pct_applied <= 2
    cap = (principal * 2 / 100).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert result.fine <= cap
    assert result.capped is (fine_pct > 2)


@given(
    PRINCIPALS,
    DAYS_LATE,
    st.integers(min_value=0, max_value=400),
    PCTS,
    PCTS,
)
def test_interest_is_monotone_in_days_late(principal, days, more, fine_pct, interest):
    before = _charges(principal, days, fine_pct, interest)
    after = _charges(principal, days + more, fine_pct, interest)
    assert before.interest <= after.interest
    if days:
        assert before.fine == after.fine  # charged once


# --- The applicable fine ------------------------------------------------------


@pytest.mark.parametrize(
    "fine, cap, consumer, expected",
    [
        ("10", "2", True, "2"),
        ("10", "2", False, "10"),
        ("1.5", "2", True, "1.5"),
        ("10", "1", True, "1"),
        ("10", "0", True, "0"),  # a policy may forbid fines on consumers
    ],
)
def test_applicable_fine_pct(fine, cap, consumer, expected):
    policy = LateChargePolicy(D(fine), D(1), consumer_fine_cap_pct=D(cap))
    assert applicable_fine_pct(policy, consumer=consumer) == D(expected)


# --- Re-basing an overdue installment on today --------------------------------


def test_rebased_charge_by_hand():
    # 1000.00 due 2 June, 2% fine, 1% a month, evaluated 30 days late:
    # 1000 + 20 + 10 = 1030; 1% × 1000 / 1030 = 0.97087...% -> 0.97%.
    rebased = rebase_overdue_charge(_charges("1000.00", 30, "2", "1"))
    assert rebased.amount == D("1030.00")
    assert rebased.fine_pct == 0
    assert rebased.interest_monthly_pct == D("0.97")
    # Per further month the PSP charges 1030 × 0.97% = 9.991 <= 10 (the
    # policy's 1% of the principal), 0.009 less.


def test_rebased_charge_when_nothing_is_late_yet():
    # Due on Saturday 7 June 2025, evaluated on Monday 9 June (the effective
    # due date): nothing is late, the fine is still to be charged.
    late = compute_late_charges(
        D("500.00"),
        date(2025, 6, 7),
        date(2025, 6, 9),
        LateChargePolicy(D("2"), D("1.2345")),
        consumer=False,
        calendar=CAL,
    )
    rebased = rebase_overdue_charge(late)
    assert (rebased.amount, rebased.fine_pct) == (D("500.00"), D("2"))
    assert rebased.interest_monthly_pct == D("1.23")  # rounded down


def test_rebased_charge_keeps_the_consumer_cap():
    late = _charges("200.00", 0, "10", "1", consumer=True)
    assert rebase_overdue_charge(late).fine_pct == D("2")


RATES = st.decimals(min_value=D(0), max_value=D(100), places=4)


@given(PRINCIPALS, DAYS_LATE, PCTS, RATES, st.booleans())
def test_rebased_interest_stays_simple_on_the_principal(
    principal, days, fine_pct, interest, consumer
):
    late = _charges(principal, days, fine_pct, interest, consumer)
    rebased = rebase_overdue_charge(late)
    assert rebased.amount == late.total
    assert rebased.interest_monthly_pct % RATE_QUANTUM == 0
    assert 0 <= rebased.interest_monthly_pct <= interest
    # What the PSP adds per month on the new amount is never more than the
    # policy's interest on the principal, and less by under one quantum of
    # rate on the amount (the rounding down).
    psp = rebased.amount * rebased.interest_monthly_pct
    policy = late.principal * late.interest_monthly_pct
    assert psp <= policy
    assert policy - psp < rebased.amount * RATE_QUANTUM
    # The fine is charged once: in the amount once late, still due otherwise.
    if days and late.days_late:
        assert rebased.fine_pct == 0
    else:
        assert rebased.fine_pct == late.fine_pct_applied
    if consumer:
        assert rebased.fine_pct <= D(2)
