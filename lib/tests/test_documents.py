# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import pytest
from cobranca.documents import (
    clean,
    cnpj_check_digits,
    cpf_check_digits,
    document_kind,
    format_cnpj,
    format_cpf,
    is_valid_cnpj,
    is_valid_cpf,
    validate_cnpj,
    validate_cpf,
)
from hypothesis import given
from hypothesis import strategies as st

# Check digits computed by hand (mod 11, see the module docstring):
# CPF 123456789: 1×10+2×9+…+9×2 = 210, 210 % 11 = 1 → 0;
#   then 1×11+…+9×3+0×2 = 255, 255 % 11 = 2 → 9: 123.456.789-09.
# CNPJ 12ABC34501DE (A=17, B=18, C=19, D=20, E=21), weights 5432 98765432:
#   459 % 11 = 8 → 3; with the 3 and weights 6543298765432: 424 % 11 = 6 → 5.
VALID_CPFS = ["123.456.789-09", "529.982.247-25", "00000000191"]
VALID_CNPJS = [
    "11.222.333/0001-81",
    "00.000.000/0001-91",  # Banco do Brasil
    "33.000.167/0001-01",  # Petrobras
    "12.ABC.345/01DE-35",  # Receita Federal's alphanumeric example
]

digits = st.text(alphabet="0123456789", min_size=9, max_size=9)
alnum = st.text(
    alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=12, max_size=12
)


def test_clean():
    assert clean(" 12.abc.345/01de-35 ") == "12ABC34501DE35"
    with pytest.raises(TypeError):
        clean(12345678909)


@pytest.mark.parametrize("value", VALID_CPFS)
def test_valid_cpf(value):
    assert is_valid_cpf(value)
    assert validate_cpf(value) == clean(value)
    assert document_kind(value) == "cpf"
    assert not is_valid_cnpj(value)


@pytest.mark.parametrize("value", VALID_CNPJS)
def test_valid_cnpj(value):
    assert is_valid_cnpj(value)
    assert is_valid_cnpj(value.lower())
    assert validate_cnpj(value) == clean(value)
    assert format_cnpj(clean(value)) == value
    assert document_kind(value) == "cnpj"
    assert not is_valid_cpf(value)


def test_check_digits():
    assert cpf_check_digits("123456789") == "09"
    assert cnpj_check_digits("12ABC34501DE") == "35"
    assert cnpj_check_digits("112223330001") == "81"
    with pytest.raises(ValueError, match="9 digits"):
        cpf_check_digits("12345678")
    with pytest.raises(ValueError, match="12 characters"):
        cnpj_check_digits("12abc34501de")


def test_format():
    assert format_cpf("12345678909") == "123.456.789-09"
    assert format_cnpj("12abc34501de35") == "12.ABC.345/01DE-35"
    with pytest.raises(ValueError, match="check digits"):
        format_cpf("12345678900")


@pytest.mark.parametrize(
    ("function", "value", "message"),
    [
        (validate_cpf, "1234567890", "must have 11 characters, got 10"),
        (validate_cpf, "123456789012", "must have 11 characters, got 12"),
        (validate_cpf, "1234567890A", "'A' at position 11 .* expected a digit"),
        (validate_cpf, "123*5678909", r"'\*' at position 4"),
        (validate_cpf, "111.111.111-11", "all characters equal"),
        (validate_cpf, "000.000.000-00", "all characters equal"),
        (validate_cpf, "123.456.789-00", "check digits 00, expected 09"),
        (validate_cnpj, "11.222.333/0001-8", "must have 14 characters, got 13"),
        (validate_cnpj, "12.ABC.345/01DE-3A", "'A' at position 14 .* a digit$"),
        (validate_cnpj, "12.ABÇ.345/01DE-35", "'Ç' at position 5 .* letter A-Z"),
        (validate_cnpj, "00.000.000/0000-00", "all characters equal"),
        (validate_cnpj, "12.ABC.345/01DE-36", "check digits 36, expected 35"),
        (validate_cnpj, "11.222.333/0001-18", "check digits 18, expected 81"),
        (document_kind, "1234", "CPF .* or a CNPJ .* got 4 characters"),
        (document_kind, "123.456.789-10", "CPF .* check digits 10, expected 09"),
        (document_kind, "12.ABC.345/01DE-53", "CNPJ .* check digits 53"),
    ],
)
def test_invalid(function, value, message):
    with pytest.raises(ValueError, match=message):
        function(value)


def test_is_valid_never_raises():
    assert not is_valid_cpf(None)
    assert not is_valid_cnpj(12345678000195)
    assert not is_valid_cpf("")


@given(digits)
def test_cpf_property(base):
    cpf = base + cpf_check_digits(base)
    assert is_valid_cpf(cpf) == (len(set(cpf)) > 1)
    if len(set(cpf)) > 1:
        assert validate_cpf(format_cpf(cpf)) == cpf
        # Any other pair of check digits is rejected.
        wrong = f"{(int(cpf[-2:]) + 1) % 100:02d}"
        assert not is_valid_cpf(base + wrong)


@given(alnum)
def test_cnpj_property(base):
    cnpj = base + cnpj_check_digits(base)
    assert is_valid_cnpj(cnpj) == (len(set(cnpj)) > 1)
    if len(set(cnpj)) > 1:
        assert validate_cnpj(format_cnpj(cnpj).lower()) == cnpj
        wrong = f"{(int(cnpj[-2:]) + 1) % 100:02d}"
        assert not is_valid_cnpj(base + wrong)
