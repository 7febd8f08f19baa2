# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

import pytest
from cobranca.calendar import BankCalendar
from cobranca.schedule import (
    BEYOND_CATCH_UP,
    LEGAL_WITHOUT_EARLIER,
    UNLIMITED,
    CatchUp,
    DueWindow,
    Step,
    catch_up_verdict,
    catch_up_windows,
    due_dates_for_send_date,
    due_step,
    latest_due_step,
    latest_step_window,
    ordered_steps,
    step_send_date,
)
from hypothesis import given
from hypothesis import strategies as st

CAL = BankCalendar()
ISO = date.fromisoformat

PRE = Step("pre", -3)
ON_DUE = Step("due", 0)
D1 = Step("d1", 1)
D5 = Step("d5", 5)
D15 = Step("d15", 15)
SCHEDULE = [D15, PRE, D5, ON_DUE, D1]  # deliberately unsorted


@pytest.mark.parametrize(
    ("due", "step", "expected"),
    [
        # Ash Wednesday 2025 (a business day), after the Carnaval weekend
        ("2025-03-05", Step("a", -3), "2025-02-28"),  # Sunday -> previous
        ("2025-03-05", Step("a", -1, True), "2025-02-28"),
        ("2025-03-05", Step("a", 0), "2025-03-05"),
        ("2025-03-05", Step("a", 1), "2025-03-06"),
        ("2025-03-05", Step("a", 3), "2025-03-10"),  # Saturday -> next
        ("2025-03-05", Step("a", 3, True), "2025-03-10"),
        ("2025-03-05", Step("a", 5, True), "2025-03-12"),
        # Due on a Saturday: on-due and after-due steps follow the effective
        # due date (Ash Wednesday), before-due steps the Saturday.
        ("2025-03-01", Step("a", -1), "2025-02-28"),
        ("2025-03-01", Step("a", -1, True), "2025-02-28"),
        ("2025-03-01", Step("a", -2), "2025-02-27"),
        ("2025-03-01", Step("a", 0), "2025-03-05"),
        ("2025-03-01", Step("a", 0, True), "2025-03-05"),
        ("2025-03-01", Step("a", 1), "2025-03-06"),
        ("2025-03-01", Step("a", 5, True), "2025-03-12"),
        # 31 December is not a business day; 24 December is.
        ("2025-12-31", Step("a", 0), "2026-01-02"),
        ("2025-12-31", Step("a", 1), "2026-01-05"),
        ("2025-12-31", Step("a", -7), "2025-12-24"),
        ("2026-01-05", Step("a", -5), "2025-12-30"),  # 31 Dec -> previous
        # Tiradentes (Monday) after Good Friday
        ("2025-04-21", Step("a", -3), "2025-04-17"),
        ("2025-04-21", Step("a", 0), "2025-04-22"),
        ("2025-06-02", Step("a", 30), "2025-07-02"),
        ("2025-06-02", Step("a", -10, True), "2025-05-19"),
    ],
)
def test_step_send_date(due, step, expected):
    assert step_send_date(ISO(due), step, CAL) == ISO(expected)


def test_send_dates_of_the_example_schedule():
    sends = {
        step.key: step_send_date(ISO("2025-06-02"), step, CAL) for step in SCHEDULE
    }
    assert sends == {
        "pre": ISO("2025-05-30"),
        "due": ISO("2025-06-02"),
        "d1": ISO("2025-06-03"),
        "d5": ISO("2025-06-09"),  # Saturday 7 -> Monday 9
        "d15": ISO("2025-06-17"),
    }


@pytest.mark.parametrize(
    ("today", "done", "expected"),
    [
        ("2025-05-29", (), None),
        ("2025-05-30", (), "pre"),
        ("2025-06-01", (), "pre"),  # a missed run catches up
        ("2025-06-01", ("pre",), None),
        ("2025-06-02", ("pre",), "due"),
        ("2025-06-08", (), "d1"),
        ("2025-06-10", (), "d5"),  # stale steps are skipped
        ("2025-06-10", ("due", "d1"), "d5"),
        ("2025-06-10", ("d5",), None),
        ("2025-06-10", ("d15",), None),  # a later step was done
        ("2025-07-01", (), "d15"),
        ("2025-07-01", ("d15",), None),
    ],
)
def test_due_step(today, done, expected):
    step = due_step(ISO("2025-06-02"), SCHEDULE, ISO(today), CAL, already_done=done)
    assert (step.key if step else None) == expected


def test_due_step_with_integer_keys_and_no_steps():
    steps = [Step(1, -1), Step(2, 3, True)]
    assert due_step(ISO("2025-06-02"), steps, ISO("2025-06-05"), CAL) == Step(
        2, 3, True
    )
    assert due_step(ISO("2025-06-02"), [], ISO("2025-06-05"), CAL) is None


def test_duplicate_offsets_or_keys_are_rejected():
    with pytest.raises(ValueError, match="distinct offset_days, duplicated: 3"):
        ordered_steps([Step("a", 3), Step("b", 3, True)])
    with pytest.raises(ValueError, match="distinct key, duplicated: 'a'"):
        due_step(
            ISO("2025-06-02"), [Step("a", 1), Step("a", 2)], ISO("2025-06-02"), CAL
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"key": None, "offset_days": 1},
        {"key": "a", "offset_days": 1.0},
        {"key": "a", "offset_days": True},
        {"key": "a", "offset_days": 1, "business_days": 1},
    ],
)
def test_step_validation(kwargs):
    with pytest.raises(TypeError, match="Step"):
        Step(**kwargs)


@pytest.mark.parametrize(
    ("step", "send", "expected"),
    [
        # Weekend and Carnaval due dates all wait for Ash Wednesday.
        (Step("a", 1), "2025-03-06", ["2025-03-01", "2025-03-02", "2025-03-03",
                                      "2025-03-04", "2025-03-05"]),
        (Step("a", 1), "2025-03-05", ["2025-02-28"]),
        (Step("a", 1), "2025-03-08", []),  # a Saturday: nothing is sent
        (Step("a", 0), "2025-06-09", ["2025-06-07", "2025-06-08", "2025-06-09"]),
        (Step("a", 0), "2025-06-10", ["2025-06-10"]),
        (Step("a", -1), "2025-06-06", ["2025-06-07", "2025-06-08", "2025-06-09"]),
        (Step("a", -1), "2025-06-09", ["2025-06-10"]),
        (Step("a", 3, True), "2025-03-10", ["2025-03-01", "2025-03-02", "2025-03-03",
                                            "2025-03-04", "2025-03-05"]),
        # 31 December and 1 January are skipped; the weekend of 29-30 November
        # moves to Monday 1 December first.
        (Step("a", 30), "2026-01-02", ["2025-11-29", "2025-11-30", "2025-12-01",
                                       "2025-12-02", "2025-12-03"]),
        # A Saturday due date moves to Monday 8 December, hence to 7 January.
        (Step("a", 30), "2026-01-05", ["2025-12-04", "2025-12-05"]),
    ],
)  # fmt: skip
def test_due_dates_for_send_date(step, send, expected):
    result = due_dates_for_send_date(step, ISO(send), CAL)
    assert result == [ISO(due) for due in expected]


def test_latest_step_window():
    windows = latest_step_window(SCHEDULE, ISO("2025-06-10"), CAL)
    assert list(windows) == [PRE, ON_DUE, D1, D5, D15]
    assert windows == {
        PRE: DueWindow(ISO("2025-06-11"), ISO("2025-06-14")),
        ON_DUE: DueWindow(ISO("2025-06-10"), ISO("2025-06-11")),
        D1: DueWindow(ISO("2025-06-06"), ISO("2025-06-10")),
        D5: DueWindow(ISO("2025-05-27"), ISO("2025-06-06")),
        D15: DueWindow(None, ISO("2025-05-27")),
    }
    assert ISO("2025-06-02") in windows[D5]
    assert ISO("2025-06-06") not in windows[D5]
    assert ISO("2000-01-01") in windows[D15]


def test_latest_step_window_leaves_out_empty_windows():
    # On a Sunday, a due date of Saturday or Sunday maps the on-due step to
    # Monday: no due date has the on-due step as its latest due step.
    windows = latest_step_window([Step("pre", -1), ON_DUE], ISO("2025-06-08"), CAL)
    assert windows == {
        Step("pre", -1): DueWindow(ISO("2025-06-07"), ISO("2025-06-10")),
        ON_DUE: DueWindow(None, ISO("2025-06-07")),
    }
    # Mixed units: +3 business days is after +4 calendar days for a due date
    # on a Thursday, but the +4 step comes later in the schedule.
    steps = [Step("b3", 3, True), Step("c4", 4)]
    windows = latest_step_window(steps, ISO("2025-06-10"), CAL)
    assert windows == {Step("c4", 4): DueWindow(None, ISO("2025-06-07"))}
    assert step_send_date(ISO("2025-06-05"), steps[0], CAL) == ISO("2025-06-10")
    assert step_send_date(ISO("2025-06-05"), steps[1], CAL) == ISO("2025-06-09")
    assert due_step(ISO("2025-06-05"), steps, ISO("2025-06-10"), CAL) == steps[1]


# Property tests against the brute-force definitions.

DUES = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31))
STEPS = st.builds(
    Step,
    key=st.just("x"),
    offset_days=st.integers(min_value=-20, max_value=45),
    business_days=st.booleans(),
)


@st.composite
def schedules(draw, business_days=None):
    """Steps with distinct offsets; ``business_days`` draws their unit."""
    if business_days is None:
        business_days = st.booleans()
    offsets = draw(
        st.lists(
            st.integers(min_value=-20, max_value=45),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    return [Step(f"s{offset}", offset, draw(business_days)) for offset in offsets]


@given(DUES, STEPS, st.integers(min_value=1, max_value=10))
def test_send_date_is_a_non_decreasing_business_day(due, step, later):
    send = step_send_date(due, step, CAL)
    assert CAL.is_business_day(send)
    assert send <= step_send_date(due + timedelta(days=later), step, CAL)
    if step.offset_days < 0:
        assert send < due
    else:
        assert send >= CAL.effective_due_date(due)


@given(DUES, STEPS)
def test_due_dates_for_send_date_matches_brute_force(due, step):
    send = step_send_date(due, step, CAL)
    result = due_dates_for_send_date(step, send, CAL)
    assert due in result
    # Send dates stay within 30 days of ``due + offset`` here: scan wider.
    around = [due + timedelta(days=n) for n in range(-120, 121)]
    assert result == [d for d in around if step_send_date(d, step, CAL) == send]


@given(DUES, st.integers(min_value=-60, max_value=120), schedules())
def test_latest_step_window_matches_due_step(due, delta, steps):
    today = due + timedelta(days=delta)
    windows = latest_step_window(steps, today, CAL)
    containing = [step for step, window in windows.items() if due in window]
    expected = due_step(due, steps, today, CAL)
    assert containing == ([expected] if expected else [])


@given(DUES, st.integers(min_value=-60, max_value=120), schedules(st.just(False)))
def test_calendar_day_schedule_picks_latest_send_date(due, delta, steps):
    _check_latest_send_date(due, due + timedelta(days=delta), steps)


@given(DUES, st.integers(min_value=-60, max_value=120), schedules(st.just(True)))
def test_business_day_schedule_picks_latest_send_date(due, delta, steps):
    _check_latest_send_date(due, due + timedelta(days=delta), steps)


def _check_latest_send_date(due, today, steps):
    """Homogeneous schedules: the offset order is the send-date order."""
    candidates = [
        (step_send_date(due, step, CAL), step.offset_days, step)
        for step in steps
        if step_send_date(due, step, CAL) <= today
    ]
    expected = max(candidates)[2] if candidates else None
    assert due_step(due, steps, today, CAL) == expected


@given(DUES, st.integers(min_value=-60, max_value=120), schedules(), st.data())
def test_done_steps_are_never_repeated_nor_followed_by_earlier_ones(
    due, delta, steps, data
):
    done = data.draw(st.sets(st.sampled_from([step.key for step in steps])))
    step = due_step(due, steps, due + timedelta(days=delta), CAL, already_done=done)
    if step is not None:
        assert step.key not in done
        assert all(
            other.offset_days < step.offset_days for other in steps if other.key in done
        )


# Catch-up limits (first run of a company, missed runs).

REMIND = Step("remind", 3)
FORMAL = Step("formal", 10)
LETTER = Step("letter", 30, legal=True)
LEGAL_SCHEDULE = [REMIND, FORMAL, LETTER]


def test_catch_up_leaves_out_steps_that_fell_due_too_long_ago():
    today = ISO("2025-06-02")  # Monday
    limit = CatchUp(max_days=30)
    # Due 2025-05-01: D+10 on Monday 12/05, 21 days ago: caught up.
    assert due_step(ISO("2025-05-01"), [REMIND, FORMAL], today, CAL, catch_up=limit)
    # Due 2025-03-10: D+10 on 20/03, 74 days ago: left out.
    assert latest_due_step(
        ISO("2025-03-10"), [REMIND, FORMAL], today, CAL, catch_up=limit
    ) == (FORMAL, BEYOND_CATCH_UP)
    # Exactly max_days ago (D+10 on Friday 02/05, 31 days) is still caught up.
    assert step_send_date(ISO("2025-04-22"), FORMAL, CAL) == ISO("2025-05-02")
    assert (
        due_step(ISO("2025-04-22"), [FORMAL], today, CAL, catch_up=CatchUp(31))
        == FORMAL
    )
    assert due_step(ISO("2025-04-22"), [FORMAL], today, CAL, catch_up=limit) is None
    # Without a limit, the old rule.
    assert due_step(ISO("2025-03-10"), [REMIND, FORMAL], today, CAL) == FORMAL
    # A step sent on its day is never limited, even with max_days=0.
    on_day = CatchUp(max_days=0)
    assert step_send_date(ISO("2025-05-23"), FORMAL, CAL) == today
    assert due_step(ISO("2025-05-23"), [FORMAL], today, CAL, catch_up=on_day)


def test_legal_steps_are_not_caught_up_without_an_earlier_step():
    today = ISO("2025-06-02")
    due = ISO("2025-04-25")  # D+30 on 26/05: 7 days ago
    rules = CatchUp(max_days=30)
    assert latest_due_step(due, LEGAL_SCHEDULE, today, CAL, catch_up=rules) == (
        LETTER,
        LEGAL_WITHOUT_EARLIER,
    )
    assert due_step(due, LEGAL_SCHEDULE, today, CAL, catch_up=rules) is None
    # The installment received the formal notice: the letter follows.
    assert (
        due_step(due, LEGAL_SCHEDULE, today, CAL, catch_up=rules, received={"formal"})
        == LETTER
    )
    # Done but not received (e.g. skipped) does not count as received.
    assert (
        due_step(
            due,
            LEGAL_SCHEDULE,
            today,
            CAL,
            already_done={"formal"},
            catch_up=rules,
        )
        is None
    )
    # The manager allowed it.
    allowed = CatchUp(max_days=30, legal_without_earlier=True)
    assert due_step(due, LEGAL_SCHEDULE, today, CAL, catch_up=allowed) == LETTER
    # On its day, a legal step is sent even to a first-time customer.
    on_day = ISO("2025-05-02")  # D+30 on Monday 02/06
    assert step_send_date(on_day, LETTER, CAL) == today
    assert due_step(on_day, LEGAL_SCHEDULE, today, CAL, catch_up=rules) == LETTER


def test_catch_up_verdict_prefers_the_age_reason():
    today = ISO("2025-06-02")
    due = ISO("2025-01-02")
    assert (
        catch_up_verdict(due, LETTER, today, CAL, CatchUp(max_days=30), False)
        == BEYOND_CATCH_UP
    )
    assert catch_up_verdict(due, LETTER, today, CAL, UNLIMITED, False) is None


@pytest.mark.parametrize(
    "kwargs",
    [{"max_days": -1}, {"max_days": 1.5}, {"max_days": True}],
)
def test_catch_up_validation(kwargs):
    with pytest.raises(ValueError, match="max_days"):
        CatchUp(**kwargs)
    with pytest.raises(TypeError, match="legal"):
        CatchUp(legal_without_earlier=1)
    with pytest.raises(TypeError, match="legal"):
        Step("x", 1, legal=1)


CATCH_UPS = st.builds(
    CatchUp,
    max_days=st.none() | st.integers(min_value=0, max_value=60),
    legal_without_earlier=st.booleans(),
)


@st.composite
def legal_schedules(draw):
    steps = draw(schedules())
    return [
        Step(step.key, step.offset_days, step.business_days, legal=draw(st.booleans()))
        for step in steps
    ]


@given(
    DUES,
    st.integers(min_value=-60, max_value=150),
    legal_schedules(),
    CATCH_UPS,
    st.data(),
)
def test_catch_up_windows_match_latest_due_step(due, delta, steps, catch_up, data):
    """What a database does with the windows (date comparisons and a
    'received an earlier step' flag) is exactly :func:`latest_due_step`."""
    today = due + timedelta(days=delta)
    received = data.draw(st.sets(st.sampled_from([step.key for step in steps])))
    expected = latest_due_step(
        due, steps, today, CAL, catch_up=catch_up, received=received
    )
    found = [
        (s, w)
        for s, w in catch_up_windows(steps, today, CAL, catch_up).items()
        if due in w.window
    ]
    if expected == (None, None):
        assert found == []
        return
    [(step, window)] = found
    assert step == expected[0]
    if due >= window.on_time_from:
        reason = None
    elif window.catch_up_from is not None and due < window.catch_up_from:
        reason = BEYOND_CATCH_UP
    elif (
        step.legal
        and not catch_up.legal_without_earlier
        and not any(
            s.key in received for s in steps if s.offset_days < step.offset_days
        )
    ):
        reason = LEGAL_WITHOUT_EARLIER
    else:
        reason = None
    assert reason == expected[1]
