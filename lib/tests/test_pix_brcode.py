# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
import string
from decimal import Decimal
from uuid import UUID

import pytest
from cobranca.pix import (
    build_brcode,
    charge_txid,
    crc16,
    parse_brcode,
    parse_tlv,
    static_txid,
    to_ascii,
    validate_charge_txid,
    validate_static_txid,
)
from hypothesis import assume, given
from hypothesis import strategies as st
from test_pix_keys import valid_keys

EVP = "123e4567-e12b-12d1-a456-426655440000"
MANUAL = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053"
    "039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)
BUILD_ARGUMENTS = (
    "key",
    "url",
    "merchant_name",
    "merchant_city",
    "txid",
    "description",
    "postal_code",
    "gui_case",
    "point_of_initiation",
)


def tlv(tag, value):
    return f"{tag}{len(value):02d}{value}"


def with_crc(*fields):
    """A payload made of ``fields`` and a correct CRC: only the TLV is at fault."""
    body = "".join(fields) + "6304"
    return body + crc16(body)


def static_fields(**overrides):
    """The fields of the BCB manual's example, by ID, with ``overrides``."""
    fields = {
        "00": tlv("00", "01"),
        "26": tlv("26", tlv("00", "br.gov.bcb.pix") + tlv("01", EVP)),
        "52": tlv("52", "0000"),
        "53": tlv("53", "986"),
        "58": tlv("58", "BR"),
        "59": tlv("59", "Fulano de Tal"),
        "60": tlv("60", "BRASILIA"),
        "62": tlv("62", tlv("05", "***")),
    }
    fields.update(overrides)
    return [field for field in fields.values() if field is not None]


def build_arguments(fields):
    """``build_brcode`` keyword arguments from a vector's fields."""
    arguments = {name: fields[name] for name in BUILD_ARGUMENTS if name in fields}
    if fields.get("amount") is not None:
        arguments["amount"] = Decimal(fields["amount"])
    return arguments


# --- Golden vectors -----------------------------------------------------------


def test_manual_example_rebuilt_by_hand():
    assert with_crc(*static_fields()) == MANUAL


def test_valid_vectors_build_exactly(load_vectors):
    vectors = load_vectors("brcode.json")["valid"]
    assert vectors
    for vector in vectors:
        assert build_brcode(**build_arguments(vector["fields"])) == vector["payload"]


def test_valid_vectors_parse(load_vectors):
    for vector in load_vectors("brcode.json")["valid"]:
        fields, parsed = vector["fields"], parse_brcode(vector["payload"])
        assert parsed["key"] == fields.get("key")
        assert parsed["url"] == fields.get("url")
        # The vectors give the input text: 'São Paulo' is 'Sao Paulo' in the payload.
        assert parsed["merchant_name"] == to_ascii(fields["merchant_name"])
        assert parsed["merchant_city"] == to_ascii(fields["merchant_city"])
        amount = fields.get("amount")
        assert parsed["amount"] == (None if amount is None else Decimal(amount))
        assert parsed["txid"] == fields.get("txid", "***")
        expected_gui = "br.gov.bcb.pix"
        assert parsed["gui"] == (
            expected_gui.upper() if fields.get("gui_case") == "upper" else expected_gui
        )
        assert parsed["crc"] == vector["payload"][-4:]
        assert parsed["currency"] == "986"
        assert parsed["country"] == "BR"


def test_invalid_vectors_are_rejected(load_vectors):
    vectors = load_vectors("brcode.json")["invalid"]
    assert vectors
    for vector in vectors:
        with pytest.raises(ValueError):
            parse_brcode(vector["payload"])


def test_every_single_character_substitution_is_rejected(load_vectors):
    # CRC-16 detects every error burst of up to 16 bits, so every substitution
    # of one ASCII character by another; a few are caught by the TLV first.
    for vector in load_vectors("brcode.json")["valid"]:
        payload = vector["payload"]
        for index, original in enumerate(payload):
            for char in string.printable[:95]:
                if char != original:
                    with pytest.raises(ValueError):
                        parse_brcode(payload[:index] + char + payload[index + 1 :])


def test_parse_full_result():
    assert parse_brcode(MANUAL) == {
        "payload_format_indicator": "01",
        "point_of_initiation": None,
        "gui": "br.gov.bcb.pix",
        "key": EVP,
        "description": None,
        "url": None,
        "merchant_category_code": "0000",
        "currency": "986",
        "amount": None,
        "country": "BR",
        "merchant_name": "Fulano de Tal",
        "merchant_city": "BRASILIA",
        "postal_code": None,
        "txid": "***",
        "crc": "1D3D",
        "unknown_templates": {},
        "fields": {
            "00": "01",
            "26": {"00": "br.gov.bcb.pix", "01": EVP},
            "52": "0000",
            "53": "986",
            "58": "BR",
            "59": "Fulano de Tal",
            "60": "BRASILIA",
            "62": {"05": "***"},
            "63": "1D3D",
        },
    }


# --- Build --------------------------------------------------------------------


def test_build_dynamic():
    payload = build_brcode(
        url="pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca25",
        merchant_name="Loja Ação & Cia",
        merchant_city="Florianópolis",
        amount=Decimal("1234.5"),
    )
    account = tlv("00", "br.gov.bcb.pix") + tlv(
        "25", "pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca25"
    )
    assert payload == with_crc(
        tlv("00", "01"),
        tlv("01", "12"),
        tlv("26", account),
        tlv("52", "0000"),
        tlv("53", "986"),
        tlv("54", "1234.50"),
        tlv("58", "BR"),
        tlv("59", "Loja Acao & Cia"),
        tlv("60", "Florianopolis"),
        tlv("62", tlv("05", "***")),
    )
    parsed = parse_brcode(payload)
    assert parsed["point_of_initiation"] == "dynamic"
    assert parsed["url"] == "pix.example.com/qr/v2/9d36b84fc70b478fb95c12729b90ca25"
    assert parsed["key"] is None
    assert parsed["amount"] == Decimal("1234.50")


def test_build_static_with_every_optional_field():
    payload = build_brcode(
        key="123.456.789-09",
        merchant_name="Fulano de Tal",
        merchant_city="Brasília",
        amount=Decimal("0.01"),
        txid="FAT2026A0001",
        description="Fatura nº 12 – março",
        postal_code="70040-010",
        gui_case="upper",
        point_of_initiation="static",
    )
    account = (
        tlv("00", "BR.GOV.BCB.PIX")
        + tlv("01", "12345678909")
        + tlv("02", "Fatura no 12 - marco")
    )
    assert payload == with_crc(
        tlv("00", "01"),
        tlv("01", "11"),
        tlv("26", account),
        tlv("52", "0000"),
        tlv("53", "986"),
        tlv("54", "0.01"),
        tlv("58", "BR"),
        tlv("59", "Fulano de Tal"),
        tlv("60", "Brasilia"),
        tlv("61", "70040010"),
        tlv("62", tlv("05", "FAT2026A0001")),
    )
    parsed = parse_brcode(payload)
    assert parsed["point_of_initiation"] == "static"
    assert parsed["description"] == "Fatura no 12 - marco"
    assert parsed["postal_code"] == "70040010"
    assert parsed["txid"] == "FAT2026A0001"


def test_build_one_time_static():
    payload = build_brcode(
        key=EVP, merchant_name="A", merchant_city="B", point_of_initiation="dynamic"
    )
    assert payload.startswith("000201010212")
    assert parse_brcode(payload)["point_of_initiation"] == "dynamic"


def test_build_limits_are_inclusive():
    payload = build_brcode(
        key=EVP,
        merchant_name="Ç" * 25,
        merchant_city="ã" * 15,
        amount=Decimal("9999999999.99"),
        txid="A" * 25,
        description="x" * (99 - 18 - 40 - 4),
    )
    parsed = parse_brcode(payload)
    assert parsed["merchant_name"] == "C" * 25
    assert parsed["merchant_city"] == "a" * 15
    assert parsed["amount"] == Decimal("9999999999.99")
    assert len(parse_brcode(payload)["fields"]["54"]) == 13
    assert payload.isascii()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"key": "12345678900"}, "CPF .* check digits"),
        ({"key": "11222333000180"}, "CNPJ .* check digits"),
        ({"key": "a" * 70 + "@mail.com"}, "at most 77 characters"),
        ({"key": "11943214321"}, "CPF"),
        ({"key": "5511943214321"}, "unrecognized Pix key"),
        ({"key": "123e4567-e12b-12d1-a456-42665544000z"}, "unrecognized Pix key"),
        ({"merchant_name": "Associação dos Moradores do"}, "at most 25 .* got 27"),
        ({"merchant_name": "😀 ☕"}, "merchant_name is empty"),
        ({"merchant_city": "São José dos Campos"}, "at most 15 .* got 19"),
        ({"merchant_city": "   "}, "merchant_city is empty"),
        ({"amount": Decimal(0)}, "greater than zero"),
        ({"amount": Decimal("-1.00")}, "greater than zero"),
        ({"amount": Decimal("10000000000.00")}, "at most 9999999999.99"),
        ({"amount": Decimal("1.005")}, "whole number of cents"),
        ({"amount": Decimal("NaN")}, "finite"),
        ({"txid": "mesa-12"}, r"found '-'"),
        ({"txid": "mesa 12"}, r"found ' '"),
        ({"txid": "A" * 26}, "1 to 25 characters, got 26"),
        ({"txid": ""}, "1 to 25 characters, got 0"),
        ({"url": "pix.example.com/qr/1"}, "exactly one of key"),
        ({"key": None}, "exactly one of key"),
        ({"description": "x" * 38}, "at most 37 characters"),
        ({"postal_code": "7004001"}, "8 digits"),
        ({"gui_case": "title"}, "gui_case"),
        ({"point_of_initiation": "12"}, "point_of_initiation"),
    ],
)
def test_build_rejects(changes, message):
    arguments = {"key": EVP, "merchant_name": "Fulano", "merchant_city": "Recife"}
    arguments.update(changes)
    if arguments["key"] is None:
        del arguments["key"]
    with pytest.raises(ValueError, match=message):
        build_brcode(**arguments)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": "https://pix.example.com/qr/1"}, "without its scheme"),
        ({"url": "pix.example.com/qr/ 1"}, "without spaces"),
        ({"url": "p" * 78}, "1 to 77"),
        ({"txid": "ABC123"}, "carries txid '\\*\\*\\*'"),
        ({"description": "Fatura"}, "only allowed with a key"),
        ({"point_of_initiation": "static"}, "single use"),
    ],
)
def test_build_dynamic_rejects(changes, message):
    arguments = {
        "url": "pix.example.com/qr/1",
        "merchant_name": "Fulano",
        "merchant_city": "Recife",
    }
    arguments.update(changes)
    with pytest.raises(ValueError, match=message):
        build_brcode(**arguments)


@pytest.mark.parametrize("amount", [10.5, "10.50"])
def test_build_rejects_non_decimal_amount(amount):
    with pytest.raises(TypeError, match="decimal.Decimal"):
        build_brcode(key=EVP, merchant_name="F", merchant_city="R", amount=amount)


# --- Parse --------------------------------------------------------------------


def test_parse_tolerates_other_templates():
    other = tlv("27", tlv("00", "com.example.wallet") + tlv("01", "xyz"))
    recurrence = tlv(
        "80", tlv("00", "br.gov.bcb.pix") + tlv("25", "pix.example.com/rec/1")
    )
    fields = static_fields()
    payload = with_crc(*fields[:2], other, *fields[2:], recurrence)
    parsed = parse_brcode(payload)
    assert parsed["key"] == EVP
    assert parsed["unknown_templates"] == {
        "27": other[4:],
        "80": recurrence[4:],
    }
    assert parse_tlv(parsed["unknown_templates"]["80"]) == {
        "00": "br.gov.bcb.pix",
        "25": "pix.example.com/rec/1",
    }


def test_parse_tolerates_extra_sub_fields():
    account = tlv("00", "BR.GOV.BCB.PIX") + tlv("01", EVP) + tlv("03", "ABC")
    additional = tlv("05", "***") + tlv("50", tlv("00", "BR.GOV.BCB.BRCODE"))
    payload = with_crc(
        *static_fields(**{"26": tlv("26", account), "62": tlv("62", additional)})
    )
    parsed = parse_brcode(payload)
    assert parsed["gui"] == "BR.GOV.BCB.PIX"
    assert parsed["fields"]["26"]["03"] == "ABC"
    assert parsed["fields"]["62"]["50"] == "0017BR.GOV.BCB.BRCODE"


def test_parse_accepts_non_ascii_text_with_utf8_crc():
    # Seen in the wild and accepted by Stone's decoder; never emitted by us.
    payload = MANUAL.replace(
        "BRASILIA62070503***63041D3D", "BRASÍLIA62070503***6304B4F6"
    )
    assert parse_brcode(payload)["merchant_city"] == "BRASÍLIA"


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("10", "10.00"),
        ("10.", "10.00"),
        ("0.9", "0.90"),
        (".5", "0.50"),
        ("123.45", "123.45"),
    ],
)
def test_parse_amount_forms_seen_in_the_wild(value, amount):
    parsed = parse_brcode(with_crc(*static_fields(**{"54": tlv("54", value)})))
    assert parsed["amount"] == Decimal(amount)


def _account(*sub_fields):
    return {"26": tlv("26", "".join(sub_fields))}


GUI_FIELD = tlv("00", "br.gov.bcb.pix")
URL_FIELD = tlv("25", "pix.example.com/qr/1")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("", "payload is empty"),
        ("0002016304", "field 63 .* offset 6 declares length 04 but only 0"),
        ("00020163", "truncated data object at offset 6: .* found '63'"),
        (MANUAL + "\n", f"non-printable character '\\\\n' at offset {len(MANUAL)}"),
        (MANUAL[:-1] + "d", "4 uppercase hex digits"),
        (MANUAL.replace("1D3D", "1d3d"), "4 uppercase hex digits"),
        ("0" * 513, "at most 512"),
        (with_crc(*static_fields()[1:]), "must start with field 00"),
        (
            with_crc(*static_fields(**{"00": tlv("00", "02")})),
            "must be '01', found '02'",
        ),
        (with_crc(*static_fields()[:-1]), "field 62 .* missing"),
        (with_crc(*static_fields(**{"52": None})), "field 52 .* missing"),
        (with_crc(*static_fields(**{"53": tlv("53", "840")})), "expected '986'"),
        (with_crc(*static_fields(**{"58": tlv("58", "PT")})), "expected 'BR'"),
        (with_crc(*static_fields(**{"01": tlv("01", "13")})), "field 01 .* '11'"),
        (
            with_crc(*static_fields(**{"59": tlv("59", "N" * 26)})),
            "field 59 .* 1 to 25",
        ),
        (
            with_crc(*static_fields(**{"60": tlv("60", "C" * 16)})),
            "field 60 .* 1 to 15",
        ),
        (with_crc(*static_fields(**{"61": tlv("61", "7004001A")})), "8 digits"),
        (with_crc(*static_fields(**{"54": tlv("54", "1,00")})), "field 54 .* '1,00'"),
        (with_crc(*static_fields(**{"54": tlv("54", "1.000")})), "field 54"),
        (with_crc(*static_fields(**{"54": tlv("54", "12345678901.00")})), "field 54"),
        (with_crc(*static_fields(**{"54": tlv("54", "0.00")})), "greater than zero"),
        (
            with_crc(*static_fields(**{"62": tlv("62", tlv("05", "mesa 12"))})),
            "found ' '",
        ),
        (with_crc(*static_fields(**{"62": tlv("62", tlv("05", "A" * 26))})), "got 26"),
        (
            with_crc(*static_fields(**{"62": tlv("62", tlv("01", "X"))})),
            "62-05.* missing",
        ),
        (
            with_crc(
                *static_fields(**_account(tlv("00", "com.example"), tlv("01", EVP)))
            ),
            "GUI",
        ),
        (with_crc(*static_fields(**_account(GUI_FIELD))), "found neither"),
        (
            with_crc(*static_fields(**_account(GUI_FIELD, tlv("01", EVP), URL_FIELD))),
            "found both",
        ),
        (
            with_crc(
                *static_fields(**_account(GUI_FIELD, URL_FIELD, tlv("02", "info")))
            ),
            "excludes a description",
        ),
        (
            with_crc(
                *static_fields(**_account(GUI_FIELD, tlv("25", "https://p.example/1")))
            ),
            "must not include a scheme",
        ),
        (with_crc(*static_fields(), tlv("59", "Outro")), "field 59 .* repeats"),
        (with_crc(*static_fields(), "59", "0A", "Outro"), "length '0A'"),
        (with_crc(*static_fields(), "8000"), "length '00'"),
        (with_crc(*static_fields(), "A101x"), "invalid ID 'A1'"),
        (with_crc(*static_fields(), tlv("63", "1234")), "repeats"),
        (MANUAL + tlv("80", "x"), "must be the last field, found field 80"),
        (MANUAL[:-8] + "6303D3D", "found 'D3D'"),
    ],
)
def test_parse_rejects(payload, message):
    with pytest.raises(ValueError, match=message):
        parse_brcode(payload)


def test_parse_rejects_non_strings():
    with pytest.raises(TypeError):
        parse_brcode(MANUAL.encode())


# --- Transliteration ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("São Paulo", "Sao Paulo"),
        ("JOÃO DA SILVA ÇÉÜ", "JOAO DA SILVA CEU"),
        ("Øresund – Straße", "Oresund - Strasse"),
        ("Café ☕  Bar\t😀 Ltda", "Cafe Bar Ltda"),
        ("“Aspas” ‘simples’", "\"Aspas\" 'simples'"),
        ("ﬁ ½", "fi 12"),
    ],
)
def test_to_ascii(text, expected):
    assert to_ascii(text) == expected


# --- txid ---------------------------------------------------------------------


def test_static_txid_rules():
    assert validate_static_txid("***") == "***"
    assert validate_static_txid("A" * 25) == "A" * 25
    for bad in ("**", "A" * 26, "mesa 12", "fatura-1", "fátura", ""):
        with pytest.raises(ValueError):
            validate_static_txid(bad)


def test_charge_txid_rules():
    assert validate_charge_txid("a" * 26) == "a" * 26
    assert validate_charge_txid("Z9" * 17 + "x") == "Z9" * 17 + "x"
    for bad in ("a" * 25, "a" * 36, "a" * 30 + "-1234", "***"):
        with pytest.raises(ValueError):
            validate_charge_txid(bad)


DB_UUID = UUID("5f84a4c5-c5cb-4599-9f13-7eb4d419dacc")


def test_charge_txid_is_deterministic():
    txid = charge_txid("dun", DB_UUID, 42)
    assert txid == charge_txid("dun", str(DB_UUID), "42")
    assert len(txid) == 35 and txid.startswith("dun")
    assert validate_charge_txid(txid) == txid
    assert txid != charge_txid("dun", DB_UUID, 43)
    assert txid[3:] != charge_txid("dunx", DB_UUID, 42)[4:]
    # Parts are not simply concatenated.
    assert charge_txid("dun", "1", "23") != charge_txid("dun", "12", "3")


@pytest.mark.parametrize(
    ("namespace", "parts", "error"),
    [
        ("dun-br", (1,), ValueError),
        ("", (1,), ValueError),
        ("n" * 11, (1,), ValueError),
        ("dun", (), ValueError),
        ("dun", (None,), TypeError),
        ("dun", (1.5,), TypeError),
        ("dun", (True,), TypeError),
    ],
)
def test_charge_txid_rejects(namespace, parts, error):
    with pytest.raises(error):
        charge_txid(namespace, *parts)


def test_static_txid():
    txid = static_txid(DB_UUID, "INV/2026/0001")
    assert txid == static_txid(str(DB_UUID), "INV/2026/0001")
    assert len(txid) == 25 and validate_static_txid(txid) == txid
    assert txid != static_txid(DB_UUID, "INV/2026/0002")


@given(
    st.from_regex(r"[A-Za-z0-9]{1,10}", fullmatch=True),
    st.lists(st.one_of(st.text(), st.integers(), st.uuids()), min_size=1, max_size=4),
)
def test_derived_txids_are_valid(namespace, parts):
    assert re.fullmatch(r"[A-Za-z0-9]{35}", charge_txid(namespace, *parts))
    assert re.fullmatch(r"[A-Za-z0-9]{25}", static_txid(*parts))


# --- Properties ------------------------------------------------------------------

_letters = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 .&'-áàâãéêíóôõúüçÁÂÃÉÍÓÚÇñøß–"
_texts = st.text(alphabet=_letters, min_size=1, max_size=30)
_amounts = st.integers(1, 999_999_999_999).map(lambda cents: Decimal(cents) / 100)
_txids = st.one_of(st.just("***"), st.from_regex(r"[A-Za-z0-9]{1,25}", fullmatch=True))


@st.composite
def brcode_arguments(draw):
    name, city = draw(_texts), draw(_texts)
    assume(1 <= len(to_ascii(name)) <= 25 and 1 <= len(to_ascii(city)) <= 15)
    arguments = {
        "merchant_name": name,
        "merchant_city": city,
        "amount": draw(st.none() | _amounts),
        "postal_code": draw(st.none() | st.from_regex(r"[0-9]{8}", fullmatch=True)),
        "gui_case": draw(st.sampled_from(["lower", "upper"])),
    }
    if draw(st.booleans()):
        arguments["url"] = draw(
            st.from_regex(r"pix\.example\.com/qr/v2/[a-z0-9]{1,50}", fullmatch=True)
        )
    else:
        arguments["key"] = draw(valid_keys)[1]
        arguments["txid"] = draw(_txids)
        arguments["point_of_initiation"] = draw(
            st.sampled_from([None, "static", "dynamic"])
        )
        description = draw(st.none() | _texts)
        if description is not None and to_ascii(description):
            arguments["description"] = description
            assume(len(to_ascii(description)) + len(arguments["key"]) <= 73)
    return arguments


@given(brcode_arguments())
def test_build_parse_round_trip(arguments):
    payload = build_brcode(**arguments)
    assert payload.isascii() and len(payload) <= 512
    parsed = parse_brcode(payload)
    assert parsed["key"] == arguments.get("key")
    assert parsed["url"] == arguments.get("url")
    assert parsed["merchant_name"] == to_ascii(arguments["merchant_name"])
    assert parsed["merchant_city"] == to_ascii(arguments["merchant_city"])
    assert parsed["amount"] == arguments["amount"]
    assert parsed["postal_code"] == arguments["postal_code"]
    assert parsed["txid"] == arguments.get("txid", "***")
    description = arguments.get("description")
    assert parsed["description"] == (description and to_ascii(description))
    assert parsed["gui"] == (
        "br.gov.bcb.pix" if arguments["gui_case"] == "lower" else "BR.GOV.BCB.PIX"
    )
    expected_initiation = (
        "dynamic" if "url" in arguments else arguments["point_of_initiation"]
    )
    assert parsed["point_of_initiation"] == expected_initiation
    assert parsed["unknown_templates"] == {}
    assert build_brcode(**arguments) == payload


@given(brcode_arguments(), st.data())
def test_any_single_character_substitution_is_rejected(arguments, data):
    payload = build_brcode(**arguments)
    index = data.draw(st.integers(0, len(payload) - 1))
    char = data.draw(
        st.sampled_from(string.printable[:95]).filter(lambda c: c != payload[index])
    )
    with pytest.raises(ValueError):
        parse_brcode(payload[:index] + char + payload[index + 1 :])
