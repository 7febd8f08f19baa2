# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import pytest
from cobranca.phones import FIXED, INVALID, MOBILE, br_mobile, classify_br_phone
from hypothesis import given
from hypothesis import strategies as st


@pytest.fixture(scope="module")
def vectors(load_vectors):
    return load_vectors("sms.json")


def test_vectors(vectors):
    for vector in vectors["phones"]:
        assert classify_br_phone(vector["raw"]) == (
            vector["e164"],
            vector["kind"],
        ), vector["source"]


def test_every_ddd_mobile_and_landline(vectors):
    ddds = vectors["ddds"]
    assert len(ddds) == 67
    for ddd in ddds:
        assert classify_br_phone(f"({ddd}) 99123-4567") == (
            f"+55{ddd}991234567",
            MOBILE,
        )
        assert classify_br_phone(f"{ddd} 3234 5678") == (f"+55{ddd}32345678", FIXED)
        # The old 8-digit mobiles are gone (ninth digit, 2016).
        assert classify_br_phone(f"{ddd} 9123-4567")[1] == INVALID


def test_numbers_outside_the_ddds_are_invalid(vectors):
    for ddd in set(range(10, 100)) - set(vectors["ddds"]):
        assert classify_br_phone(f"({ddd}) 99123-4567") == (None, INVALID)


def test_none_and_bad_types():
    assert classify_br_phone(None) == (None, INVALID)
    assert classify_br_phone(False) == (None, INVALID)
    with pytest.raises(TypeError):
        classify_br_phone(11987654321)


def test_br_mobile_takes_the_first_mobile():
    assert br_mobile("(11) 3456-7890", "11 98765-4321") == ("+5511987654321", MOBILE)
    assert br_mobile(False, "11 98765-4321") == ("+5511987654321", MOBILE)
    assert br_mobile("(11) 3456-7890", "") == ("+551134567890", FIXED)
    assert br_mobile("xyz", "(11) 3456-7890") == (None, INVALID)
    assert br_mobile(None, False) == (None, INVALID)


@given(st.text(max_size=80))
def test_any_text_is_classified(raw):
    e164, kind = classify_br_phone(raw)
    assert kind in (MOBILE, FIXED, INVALID)
    assert (e164 is None) == (kind == INVALID)
    if e164:
        assert e164.startswith("+55")
        assert classify_br_phone(e164) == (e164, kind)


@given(
    st.sampled_from([11, 21, 31, 61, 71, 81, 91, 99]),
    st.integers(10_000_000, 99_999_999),
    st.sampled_from(
        ["{d} 9{n}", "({d}) 9{n}", "0{d}9{n}", "+55 {d} 9{n}", "0 21 {d} 9{n}"]
    ),
)
def test_written_forms_of_a_mobile(ddd, number, form):
    raw = form.format(d=ddd, n=number)
    assert classify_br_phone(raw) == (f"+55{ddd}9{number}", MOBILE)
