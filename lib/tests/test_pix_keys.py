# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import pytest
from cobranca.documents import cnpj_check_digits, cpf_check_digits
from cobranca.pix import classify_key, normalize_key
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("key", "kind", "normalized"),
    [
        ("12345678909", "cpf", "12345678909"),
        ("123.456.789-09", "cpf", "12345678909"),
        ("11222333000181", "cnpj", "11222333000181"),
        ("11.222.333/0001-81", "cnpj", "11222333000181"),
        ("12ABC34501DE35", "cnpj", "12ABC34501DE35"),
        ("12.abc.345/01de-35", "cnpj", "12ABC34501DE35"),
        ("Fulano.Tal@Example.COM", "email", "fulano.tal@example.com"),
        ("arya@stark.com", "email", "arya@stark.com"),
        ("+5511943214321", "phone", "+5511943214321"),
        ("+55 (11) 94321-4321", "phone", "+5511943214321"),
        ("+556133334444", "phone", "+556133334444"),
        (
            "123e4567-e12b-12d1-a456-426655440000",
            "evp",
            "123e4567-e12b-12d1-a456-426655440000",
        ),
        (
            " 5F84A4C5-C5CB-4599-9F13-7EB4D419DACC ",
            "evp",
            "5f84a4c5-c5cb-4599-9f13-7eb4d419dacc",
        ),
    ],
)
def test_valid_keys(key, kind, normalized):
    assert classify_key(key) == kind
    assert normalize_key(key) == normalized
    assert normalize_key(normalized) == normalized


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "cannot be empty"),
        ("12345678900", "CPF .* check digits 00, expected 09"),
        ("11111111111", "CPF .* all characters equal"),
        ("11222333000180", "CNPJ .* check digits 80, expected 81"),
        ("12ABC34501DE53", "CNPJ .* check digits 53, expected 35"),
        ("1234567890A", "'A' at position 11 of CPF"),
        ("a" * 66 + "@example.com", "at most 77 characters, got 78"),
        ("fulano@", "invalid e-mail"),
        ("fulano@example", "invalid e-mail"),
        ("ful ano@example.com", "invalid e-mail"),
        ("fulano..tal@example.com", "invalid e-mail"),
        ("fulano@@example.com", "invalid e-mail"),
        ("5511943214321", "unrecognized Pix key .* starting with \\+55"),
        ("11943214321", "CPF"),  # 11 digits without +55: a CPF, not a phone
        ("+1 415 555 2671", "invalid phone Pix key"),
        ("+551194321432", "invalid phone Pix key"),  # 9 digits not starting with 9
        ("+55119432143210", "invalid phone Pix key"),
        ("+5501943214321", "invalid phone Pix key"),  # no area code 01
        ("123e4567-e12b-12d1-a456-42665544000", "unrecognized Pix key"),
        ("123e4567e12b12d1a456426655440000", "unrecognized Pix key"),
        ("123g4567-e12b-12d1-a456-426655440000", "unrecognized Pix key"),
    ],
)
def test_invalid_keys(key, message):
    with pytest.raises(ValueError, match=message):
        normalize_key(key)
    with pytest.raises(ValueError):
        classify_key(key)


def test_key_must_be_a_string():
    with pytest.raises(TypeError):
        classify_key(12345678909)


_cpfs = st.from_regex(r"[0-9]{9}", fullmatch=True).map(
    lambda b: b + cpf_check_digits(b)
)
_cnpjs = st.from_regex(r"[0-9A-Z]{12}", fullmatch=True).map(
    lambda b: b + cnpj_check_digits(b)
)
_phones = st.from_regex(r"\+55[1-9]{2}(9[0-9]{8}|[2-8][0-9]{7})", fullmatch=True)
_emails = st.from_regex(
    r"[a-z0-9_+]{1,30}(\.[a-z0-9]{1,10})?@[a-z]{1,20}\.com\.br", fullmatch=True
)
_evps = st.uuids().map(str)

#: Valid normalized keys of every kind, for the BR Code tests too.
valid_keys = st.one_of(
    _cpfs.filter(lambda v: len(set(v)) > 1).map(lambda v: ("cpf", v)),
    _cnpjs.filter(lambda v: len(set(v)) > 1).map(lambda v: ("cnpj", v)),
    _phones.map(lambda v: ("phone", v)),
    _emails.map(lambda v: ("email", v)),
    _evps.map(lambda v: ("evp", v)),
)


@given(valid_keys)
def test_every_kind_round_trips(kind_and_key):
    kind, key = kind_and_key
    assert classify_key(key) == kind
    assert normalize_key(key) == key
    assert normalize_key(key.upper() if kind in ("email", "evp") else key) == key
