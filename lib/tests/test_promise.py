# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

import pytest
from cobranca.promise import (
    BEYOND_LIMIT,
    DUE_TODAY,
    NOT_IN_FUTURE,
    OVERDUE,
    TOO_MANY,
    UPCOMING,
    PromiseLimits,
    installment_status,
    promise_problem,
)
from hypothesis import given
from hypothesis import strategies as st

TODAY = date(2026, 3, 10)


def test_promise_within_the_limit_is_accepted():
    limits = PromiseLimits()
    assert promise_problem(TODAY, TODAY + timedelta(days=1), 0, limits) is None
    assert promise_problem(TODAY, TODAY + timedelta(days=10), 0, limits) is None


def test_promise_refusals():
    limits = PromiseLimits(max_days=10, max_promises=1)
    assert promise_problem(TODAY, TODAY, 0, limits) == NOT_IN_FUTURE
    assert promise_problem(TODAY, TODAY - timedelta(days=1), 0, limits) == (
        NOT_IN_FUTURE
    )
    assert promise_problem(TODAY, TODAY + timedelta(days=11), 0, limits) == (
        BEYOND_LIMIT
    )
    assert promise_problem(TODAY, TODAY + timedelta(days=2), 1, limits) == TOO_MANY


def test_limits_are_checked():
    with pytest.raises(ValueError):
        PromiseLimits(max_days=0)
    with pytest.raises(ValueError):
        PromiseLimits(max_promises=-1)


@given(
    offset=st.integers(-400, 400),
    made=st.integers(0, 5),
    max_days=st.integers(1, 60),
    max_promises=st.integers(0, 5),
)
def test_accepted_exactly_within_the_window(offset, made, max_days, max_promises):
    limits = PromiseLimits(max_days=max_days, max_promises=max_promises)
    accepted = promise_problem(TODAY, TODAY + timedelta(days=offset), made, limits)
    assert (accepted is None) == (1 <= offset <= max_days and made < max_promises)


def test_installment_status():
    assert installment_status(TODAY, TODAY + timedelta(days=3)) == (UPCOMING, 3)
    assert installment_status(TODAY, TODAY) == (DUE_TODAY, 0)
    assert installment_status(TODAY, TODAY - timedelta(days=4)) == (OVERDUE, 4)
