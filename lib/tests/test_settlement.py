# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from decimal import Decimal

import pytest
from cobranca.settlement import Settlement, explain_payment, pix_components
from hypothesis import given
from hypothesis import strategies as st

D = Decimal
ZERO = D("0.00")

cents = st.integers(min_value=0, max_value=10**9).map(lambda c: D(c) / 100)
positive_cents = st.integers(min_value=1, max_value=10**9).map(lambda c: D(c) / 100)
small_cents = st.integers(min_value=0, max_value=500).map(lambda c: D(c) / 100)


def test_one_real_on_a_480_charge_leaves_479_open():
    s = explain_payment("1.00", "480.00")
    assert s.principal == D("1.00")
    assert s.underpaid == D("479.00")
    assert s.excess == ZERO
    assert s.discount == s.rounding_loss == ZERO
    assert not s.is_exact


def test_600_on_a_480_charge_leaves_120_credit():
    s = explain_payment("600.00", "480.00")
    assert s.principal == D("480.00")
    assert s.excess == D("120.00")
    assert s.fine == s.interest == s.rounding_gain == ZERO
    assert s.receivable == D("600.00")
    assert s.settled == D("480.00")


def test_reported_fine_and_interest_go_to_income():
    s = explain_payment("600.00", "480.00", fine="9.60", interest="110.40")
    assert (s.principal, s.fine, s.interest, s.excess) == (
        D("480.00"),
        D("9.60"),
        D("110.40"),
        ZERO,
    )
    assert s.is_exact


def test_reported_discount_settles_the_installment():
    s = explain_payment("470.00", "480.00", discount="10.00")
    assert s.principal == D("470.00")
    assert s.discount == D("10.00")
    assert s.is_exact


def test_discount_not_granted_on_a_partial_payment():
    s = explain_payment("100.00", "480.00", discount="10.00")
    assert s.discount == ZERO
    assert s.underpaid == D("380.00")


def test_abatement_is_granted_even_on_a_partial_payment():
    s = explain_payment("100.00", "480.00", abatement="30.00")
    assert s.abatement == D("30.00")
    assert s.underpaid == D("350.00")


def test_short_payment_pays_interest_then_fine_then_principal():
    s = explain_payment("15.00", "480.00", fine="9.60", interest="10.00")
    assert (s.interest, s.fine, s.principal) == (D("10.00"), D("5.00"), ZERO)
    assert s.underpaid == D("480.00")


def test_tolerance_is_the_only_silent_write_off():
    assert explain_payment("479.99", "480.00").underpaid == D("0.01")
    low = explain_payment("479.99", "480.00", tolerance="0.01")
    assert (low.underpaid, low.rounding_loss) == (ZERO, D("0.01"))
    high = explain_payment("480.02", "480.00", tolerance="0.05")
    assert (high.excess, high.rounding_gain) == (ZERO, D("0.02"))
    outside = explain_payment("480.10", "480.00", tolerance="0.05")
    assert (outside.excess, outside.rounding_gain) == (D("0.10"), ZERO)


def test_nothing_open_is_all_excess():
    s = explain_payment("50.00", "0.00")
    assert (s.principal, s.excess) == (ZERO, D("50.00"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"paid": "-1.00", "open_principal": "1.00"}, "paid must be positive"),
        ({"paid": "0", "open_principal": "1.00"}, "paid must be positive"),
        ({"paid": "1.00", "open_principal": "-1"}, "open_principal must be zero"),
        ({"paid": "1.00", "open_principal": "1", "fine": "-2"}, "fine must be zero"),
        ({"paid": "1.001", "open_principal": "1"}, "paid has fractions of a cent"),
        ({"paid": "abc", "open_principal": "1"}, "paid is not an amount"),
        ({"paid": "NaN", "open_principal": "1"}, "paid is not a finite amount"),
        (
            {"paid": "1", "open_principal": "1", "tolerance": "-0.01"},
            "tolerance must be zero",
        ),
    ],
)
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        explain_payment(**kwargs)


def test_floats_are_refused():
    with pytest.raises(TypeError, match="float"):
        explain_payment(1.0, D("1.00"))


@given(
    paid=positive_cents,
    open_principal=cents,
    fine=small_cents,
    interest=small_cents,
    discount=small_cents,
    abatement=small_cents,
    tolerance=st.sampled_from([ZERO, D("0.01"), D("0.05"), D("1.00")]),
)
def test_properties(
    paid, open_principal, fine, interest, discount, abatement, tolerance
):
    s = explain_payment(
        paid,
        open_principal,
        fine=fine,
        interest=interest,
        discount=discount,
        abatement=abatement,
        tolerance=tolerance,
    )
    assert isinstance(s, Settlement)
    amounts = [
        s.principal,
        s.fine,
        s.interest,
        s.discount,
        s.abatement,
        s.underpaid,
        s.excess,
        s.rounding_loss,
        s.rounding_gain,
    ]
    # Never a negative component, always whole cents.
    assert all(a >= 0 and a == a.quantize(D("0.01")) for a in amounts)
    # The components add up exactly, on both sides.
    assert s.principal + s.fine + s.interest + s.excess + s.rounding_gain == paid
    assert (
        s.principal + s.abatement + s.discount + s.rounding_loss + s.underpaid
        == open_principal
    )
    # No write-off beyond the tolerance; never reductions nobody reported.
    assert s.rounding_loss <= tolerance and s.rounding_gain <= tolerance
    assert s.discount <= discount and s.abatement <= abatement
    assert s.fine <= fine and s.interest <= interest
    # Left open and left over never both.
    assert not (s.underpaid and s.excess)
    # Nothing reported: all the cash is principal or excess.
    plain = explain_payment(paid, open_principal)
    assert plain.principal + plain.excess + plain.rounding_gain == paid


@given(paid=positive_cents, open_principal=positive_cents)
def test_exact_payment_is_exact(paid, open_principal):
    s = explain_payment(open_principal, open_principal)
    assert s.is_exact and s.principal == open_principal
    other = explain_payment(paid, open_principal)
    assert other.is_exact == (paid == open_principal)


def test_pix_components_of_a_cobv():
    components = pix_components(
        {
            "original": {"valor": "480.00"},
            "multa": {"valor": "9.60"},
            "juros": {"valor": "1.44"},
            "desconto": {"valor": "0.00"},
        },
        "491.04",
    )
    assert components.original == D("480.00")
    assert components.as_kwargs() == {
        "fine": D("9.60"),
        "interest": D("1.44"),
        "discount": ZERO,
        "abatement": ZERO,
    }
    assert components.cash_out == ZERO


def test_pix_components_nothing_reported():
    components = pix_components(None)
    assert components.original is None
    assert set(components.as_kwargs().values()) == {ZERO}


@pytest.mark.parametrize(
    ("componentes", "valor", "message"),
    [
        ({"original": {"valor": "10.00"}}, "11.00", "adds up to 10.00"),
        ({"original": {"valor": "-1.00"}}, None, "must be zero or positive"),
        ({"original": {}}, None, "original has no valor"),
        ({"bonus": {"valor": "1.00"}}, None, "unknown parts: bonus"),
        (
            {"saque": {"valor": "1.00"}, "troco": {"valor": "1.00"}},
            None,
            "both saque and troco",
        ),
        ([], None, "must be an object"),
    ],
)
def test_pix_components_bad(componentes, valor, message):
    with pytest.raises(ValueError, match=message):
        pix_components(componentes or ["x"], valor)


def test_pix_components_saque_is_cash_out():
    components = pix_components(
        {"original": {"valor": "180.00"}, "saque": {"valor": "20.00"}}, "200.00"
    )
    assert components.cash_out == D("20.00")
