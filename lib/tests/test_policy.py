# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import pytest
from cobranca.policy import POLICY_SOURCES, ordered_sources, resolve_policy
from hypothesis import given
from hypothesis import strategies as st


def test_invoice_over_customer_over_company():
    assert POLICY_SOURCES == ("invoice", "customer", "company")
    assert resolve_policy({"invoice": 1, "customer": 2, "company": 3}) == 1
    assert resolve_policy({"invoice": None, "customer": 2, "company": 3}) == 2
    assert resolve_policy({"invoice": 0, "customer": "", "company": 3}) == 3
    assert resolve_policy({"company": 3}) == 3
    assert resolve_policy({}) is None


def test_unknown_or_missing_sources_are_rejected():
    with pytest.raises(ValueError, match="Unknown policy sources"):
        resolve_policy({"partner": 1})
    with pytest.raises(ValueError, match="Missing policy sources"):
        ordered_sources({"invoice": "a", "company": "c"})


def test_ordered_sources_is_the_coalesce_order():
    assert ordered_sources({"company": "c", "invoice": "a", "customer": "b"}) == [
        "a",
        "b",
        "c",
    ]


@given(
    st.fixed_dictionaries({s: st.none() | st.integers(1, 9) for s in POLICY_SOURCES})
)
def test_resolve_is_coalesce(candidates):
    """SQL's COALESCE over ordered_sources is resolve_policy."""
    coalesce = next(
        (value for value in ordered_sources(candidates) if value is not None), None
    )
    assert resolve_policy(candidates) == coalesce
