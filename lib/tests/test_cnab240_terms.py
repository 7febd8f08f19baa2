# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Protest terms of a policy and the reasons of a rejected title."""

import pytest
from cobranca.cnab240 import (
    CnabFieldError,
    RetornoTitle,
    protest_terms,
    reason_texts,
)
from hypothesis import given
from hypothesis import strategies as st


def test_no_protest():
    assert protest_terms(0) == {"protest_code": "3", "protest_days": 0}


@given(st.integers(min_value=1, max_value=99))
def test_protest_days(days):
    assert protest_terms(days) == {"protest_code": "1", "protest_days": days}


@pytest.mark.parametrize("days", [-1, 100, 1000])
def test_protest_days_out_of_range(days):
    with pytest.raises(CnabFieldError, match="protest_days"):
        protest_terms(days)


@pytest.mark.parametrize("days", ["5", 5.0, True, None])
def test_protest_days_not_an_int(days):
    with pytest.raises(CnabFieldError, match="protest_days"):
        protest_terms(days)


def test_reason_texts_of_a_rejection():
    title = RetornoTitle(movement="03", nosso_numero="1", reasons=("08", "45", "99"))
    assert reason_texts(title) == (
        "08 - nosso número inválido",
        "45 - nome do pagador não informado",
        "99",
    )


def test_reason_codes_of_a_liquidation_are_the_banks():
    title = RetornoTitle(movement="06", nosso_numero="1", reasons=("08",))
    assert reason_texts(title) == ("08",)
