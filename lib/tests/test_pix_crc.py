# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

import pytest
from cobranca.pix import crc16
from hypothesis import given
from hypothesis import strategies as st


def _bitwise_crc16(data: bytes) -> int:
    """Reference CRC-16/CCITT-FALSE, bit by bit (no table)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc


def test_check_vector(load_vectors):
    vector = load_vectors("brcode.json")["crc_check"]
    assert crc16(vector["input"]) == vector["crc16_ccitt_false"] == "29B1"


def test_known_values():
    assert crc16("") == "FFFF"
    assert crc16("123456789") == "29B1"


def test_vectors_payloads(load_vectors):
    for vector in load_vectors("brcode.json")["valid"]:
        payload = vector["payload"]
        assert crc16(payload[:-4]) == payload[-4:]


def test_utf8_bytes():
    # Stone's decoder accepts "6008BRASÍLIA": CRC B4F6 over the UTF-8 bytes.
    payload = (
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"
        "5204000053039865802BR5913Fulano de Tal6008BRASÍLIA62070503***6304"
    )
    assert crc16(payload) == "B4F6"


def test_rejects_bytes():
    with pytest.raises(TypeError):
        crc16(b"123456789")


@given(st.text())
def test_always_four_uppercase_hex_digits(data):
    result = crc16(data)
    assert re.fullmatch(r"[0-9A-F]{4}", result)
    assert int(result, 16) == _bitwise_crc16(data.encode("utf-8"))
