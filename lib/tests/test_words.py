# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from decimal import Decimal

import pytest
from cobranca.words import MAX_AMOUNT, amount_in_words
from hypothesis import given
from hypothesis import strategies as st

# Portuguese: "e" joins hundreds, tens and units; between classes (mil,
# milhões...) there is "e" only before a round hundred or a class under one
# hundred ("mil e duzentos", "mil e sessenta e dois"), nothing otherwise
# ("mil duzentos e trinta e quatro"), and never a comma.
CASES = [
    ("0", "zero reais"),
    ("0.01", "um centavo"),
    ("0.5", "cinquenta centavos"),
    ("0.99", "noventa e nove centavos"),
    ("1", "um real"),
    ("1.01", "um real e um centavo"),
    ("2", "dois reais"),
    ("16.14", "dezesseis reais e catorze centavos"),
    ("100", "cem reais"),
    ("101.10", "cento e um reais e dez centavos"),
    ("1000", "mil reais"),
    ("1001", "mil e um reais"),
    ("1062", "mil e sessenta e dois reais"),
    ("1100", "mil e cem reais"),
    ("1200", "mil e duzentos reais"),
    ("1250", "mil duzentos e cinquenta reais"),
    ("1234.56", "mil duzentos e trinta e quatro reais e cinquenta e seis centavos"),
    ("21000", "vinte e um mil reais"),
    ("100000", "cem mil reais"),
    ("101000", "cento e um mil reais"),
    ("1000000", "um milhão de reais"),
    ("1000000.50", "um milhão de reais e cinquenta centavos"),
    ("1000001", "um milhão e um reais"),
    ("1100000", "um milhão e cem mil reais"),
    ("2500000", "dois milhões e quinhentos mil reais"),
    ("1200300", "um milhão e duzentos mil e trezentos reais"),
    ("2001234", "dois milhões e mil duzentos e trinta e quatro reais"),
    (
        "1234567.89",
        (
            "um milhão duzentos e trinta e quatro mil quinhentos e sessenta e sete "
            "reais e oitenta e nove centavos"
        ),
    ),
    (
        "3426832.43",
        (
            "três milhões quatrocentos e vinte e seis mil oitocentos e trinta e "
            "dois reais e quarenta e três centavos"
        ),
    ),
    ("100000000", "cem milhões de reais"),
    ("1100000000", "um bilhão e cem milhões de reais"),
    ("1000000000", "um bilhão de reais"),
    (
        "999999999999.99",
        (
            "novecentos e noventa e nove bilhões novecentos e noventa e nove "
            "milhões novecentos e noventa e nove mil novecentos e noventa e nove "
            "reais e noventa e nove centavos"
        ),
    ),
]


@pytest.mark.parametrize(("amount", "words"), CASES)
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_amount_is_rounded_half_up_to_cents():
    assert amount_in_words(Decimal("0.005")) == "um centavo"
    assert amount_in_words(Decimal("1.994")) == "um real e noventa e nove centavos"
    assert amount_in_words(10) == "dez reais"


def test_invalid_amounts():
    with pytest.raises(TypeError, match="amount must be a decimal.Decimal"):
        amount_in_words(12.5)
    with pytest.raises(ValueError, match="between 0 and"):
        amount_in_words(Decimal("-0.01"))
    with pytest.raises(ValueError, match="between 0 and"):
        amount_in_words(MAX_AMOUNT + Decimal("0.01"))


SCALE = r"\b(?:mil|milhão|milhões|bilhão|bilhões)"
HUNDREDS = (
    "(?:cento|duzentos|trezentos|quatrocentos|quinhentos|seiscentos|setecentos|"
    "oitocentos|novecentos)"
)


@given(st.decimals(min_value=0, max_value=MAX_AMOUNT, places=2))
def test_words_follow_portuguese_style(amount):
    words = amount_in_words(amount)
    assert "," not in words
    assert "  " not in words
    assert not re.search(r"\bcento\b(?! e )", words)  # "cem" when alone
    # "mil duzentos e trinta" but "mil e duzentos", "um milhão e duzentos mil"
    assert not re.search(rf"{SCALE} e {HUNDREDS} e ", words)
    assert not re.search(rf"{SCALE} (?:cem|{HUNDREDS})\b(?! e )", words)
    assert re.search(r"\b(real|reais|centavo|centavos)$", words)
    assert words.startswith("zero") == (amount == 0)
    cents = amount % 1
    if cents == 0:
        assert "centavo" not in words
    elif cents == Decimal("0.01"):
        assert words.endswith("um centavo")
    else:
        assert words.endswith(" centavos")
