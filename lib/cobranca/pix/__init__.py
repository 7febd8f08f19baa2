# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pix: BR Code payloads ("copia e cola"), their CRC16, Pix keys and txids."""

from .brcode import (
    build_brcode,
    charge_txid,
    parse_brcode,
    parse_tlv,
    static_txid,
    to_ascii,
    validate_charge_txid,
    validate_static_txid,
)
from .crc import crc16
from .keys import classify_key, normalize_key

__all__ = [
    "build_brcode",
    "charge_txid",
    "classify_key",
    "crc16",
    "normalize_key",
    "parse_brcode",
    "parse_tlv",
    "static_txid",
    "to_ascii",
    "validate_charge_txid",
    "validate_static_txid",
]
