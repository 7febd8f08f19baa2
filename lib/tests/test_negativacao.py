# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from cobranca.calendar import BankCalendar
from cobranca.negativacao import (
    BELOW_MINIMUM,
    DISPUTED,
    IN_AGREEMENT,
    MIN_NOTICE_DAYS,
    NO_NOTICE,
    NOT_OPEN,
    NOT_OVERDUE_ENOUGH,
    NOTICE_NOT_WRITTEN,
    NOTICE_TOO_RECENT,
    PRESCRIBED,
    PROMISED,
    PROTEST,
    REASONS,
    REMOVAL_AT_RISK,
    REMOVAL_LATE,
    REMOVAL_ON_TIME,
    NegativationRules,
    eligibility,
    prescription_date,
    removal_at_risk_date,
    removal_deadline,
    removal_status,
)
from hypothesis import given
from hypothesis import strategies as st

CAL = BankCalendar()
DUE = date(2025, 1, 10)
RULES = NegativationRules(notice_days=10, min_amount=Decimal("50.00"))


def check(**values):
    args = {
        "due_date": DUE,
        "open_amount": Decimal("100.00"),
        "today": date(2025, 3, 1),
        "rules": RULES,
        "notice_date": date(2025, 2, 1),
        "notice_channel": "letter",
        **values,
    }
    return eligibility(**args)


def test_eligible_with_a_written_notice_long_enough_before():
    result = check()
    assert result.eligible
    assert result.reasons == ()
    assert not result.prescribed
    assert result.earliest_date == date(2025, 2, 11)


def test_notice_period_boundary_exactly_n_days():
    notice = date(2025, 2, 1)
    assert check(today=notice + timedelta(days=10), notice_date=notice).eligible
    too_early = check(today=notice + timedelta(days=9), notice_date=notice)
    assert too_early.reasons == (NOTICE_TOO_RECENT,)
    assert too_early.earliest_date == notice + timedelta(days=10)


@given(st.integers(min_value=-20, max_value=9))
def test_a_notice_period_under_ten_days_raises(days):
    with pytest.raises(ValueError):
        NegativationRules(notice_days=days)


@given(notice_days=st.integers(10, 60), gap=st.integers(0, 90))
def test_notice_period_property(notice_days, gap):
    rules = NegativationRules(notice_days=notice_days)
    notice = date(2025, 2, 1)
    result = check(rules=rules, notice_date=notice, today=notice + timedelta(gap))
    assert (NOTICE_TOO_RECENT in result.reasons) == (gap < notice_days)


def test_no_notice_and_a_future_notice():
    assert check(notice_date=None).reasons == (NO_NOTICE,)
    assert check(notice_date=None).earliest_date is None
    assert check(notice_date=date(2025, 3, 2)).reasons == (NO_NOTICE,)


def test_consumers_need_a_written_notice_companies_do_not():
    assert check(notice_channel="sms").reasons == (NOTICE_NOT_WRITTEN,)
    assert check(notice_channel="email").eligible
    assert check(notice_channel="sms", consumer=False).eligible
    assert check(notice_channel="activity", consumer=False).eligible


def test_every_blocking_reason_in_order():
    result = check(
        open_amount=Decimal("10.00"),
        in_agreement=True,
        promised=True,
        disputed=True,
        today=date(2030, 1, 10),
        notice_channel="sms",
    )
    assert result.reasons == (
        NOTICE_NOT_WRITTEN,
        BELOW_MINIMUM,
        IN_AGREEMENT,
        PROMISED,
        DISPUTED,
        PRESCRIBED,
    )
    assert set(result.reasons) <= set(REASONS)
    assert check(open_amount=Decimal(0)).reasons == (NOT_OPEN,)


def test_minimum_amount_boundary():
    assert check(open_amount=Decimal("50.00")).eligible
    assert check(open_amount=Decimal("49.99")).reasons == (BELOW_MINIMUM,)


def test_minimum_days_overdue():
    rules = NegativationRules(notice_days=10, min_days_overdue=30)
    assert check(rules=rules, today=DUE + timedelta(days=30)).reasons == (
        NOTICE_TOO_RECENT,
    )
    notice = DUE
    ok = check(rules=rules, notice_date=notice, today=DUE + timedelta(days=30))
    assert ok.eligible
    late = check(rules=rules, notice_date=notice, today=DUE + timedelta(days=29))
    assert late.reasons == (NOT_OVERDUE_ENOUGH,)
    assert late.earliest_date == DUE + timedelta(days=30)
    # Never on or before the due date, whatever the policy says.
    assert check(notice_date=DUE - timedelta(20), today=DUE).reasons == (
        NOT_OVERDUE_ENOUGH,
    )


def test_prescription_five_years_to_the_day():
    assert prescription_date(DUE) == date(2030, 1, 10)
    day_before = check(today=date(2030, 1, 9))
    assert day_before.eligible and not day_before.prescribed
    on_the_day = check(today=date(2030, 1, 10))
    assert on_the_day.prescribed
    assert on_the_day.reasons == (PRESCRIBED,)
    assert on_the_day.earliest_date is None
    # 29 February: the anniversary is taken on 28 February (conservative).
    assert prescription_date(date(2020, 2, 29)) == date(2025, 2, 28)


@given(st.dates(date(2000, 1, 1), date(2040, 12, 31)), st.integers(-400, 400))
def test_prescribed_exactly_from_the_fifth_anniversary(due, shift):
    today = prescription_date(due) + timedelta(days=shift)
    result = eligibility(
        due_date=due,
        open_amount=Decimal(1),
        today=today,
        rules=NegativationRules(),
        notice_date=None,
    )
    assert result.prescribed == (shift >= 0)


def test_protest_has_the_same_evidence():
    assert check(kind=PROTEST).eligible
    assert check(kind=PROTEST, notice_date=None).reasons == (NO_NOTICE,)
    with pytest.raises(ValueError):
        check(kind="other")


def test_bad_input():
    with pytest.raises(TypeError):
        check(open_amount=10.5)
    with pytest.raises(TypeError):
        check(today=datetime(2025, 3, 1, 12))
    with pytest.raises(TypeError):
        check(rules=None)
    with pytest.raises(ValueError):
        NegativationRules(min_amount=Decimal(-1))
    with pytest.raises(TypeError):
        NegativationRules(notice_days=10.0)


def test_removal_deadline_over_holidays():
    # Paid Thursday 17/04/2025: Good Friday and Tiradentes (Monday 21/04)
    # are not business days: 22, 23, 24, 25, 28.
    assert removal_deadline(date(2025, 4, 17), CAL) == date(2025, 4, 28)
    # Paid Friday 28/02/2025, before Carnaval (03-04/03): 5, 6, 7, 10, 11.
    assert removal_deadline(date(2025, 2, 28), CAL) == date(2025, 3, 11)
    # Paid on a Saturday: counting starts on Monday.
    assert removal_deadline(date(2025, 3, 15), CAL) == date(2025, 3, 21)
    # A company's municipal holiday counts too (the calendar's extra dates).
    local = BankCalendar(extra_holidays=[date(2025, 3, 19)])
    assert removal_deadline(date(2025, 3, 15), local) == date(2025, 3, 24)


@given(st.dates(date(2024, 1, 1), date(2030, 12, 31)))
def test_removal_deadline_is_five_business_days_later(paid):
    deadline = removal_deadline(paid, CAL)
    assert CAL.is_business_day(deadline)
    assert CAL.business_days_between(paid, deadline) == 5


def test_removal_status():
    deadline = date(2025, 4, 28)
    assert removal_at_risk_date(deadline, CAL) == date(2025, 4, 24)
    assert removal_status(deadline, date(2025, 4, 23), CAL) == REMOVAL_ON_TIME
    assert removal_status(deadline, date(2025, 4, 24), CAL) == REMOVAL_AT_RISK
    assert removal_status(deadline, date(2025, 4, 28), CAL) == REMOVAL_AT_RISK
    assert removal_status(deadline, date(2025, 4, 29), CAL) == REMOVAL_LATE


def test_min_notice_days_is_ten():
    assert MIN_NOTICE_DAYS == 10
    assert NegativationRules().notice_days == 10
