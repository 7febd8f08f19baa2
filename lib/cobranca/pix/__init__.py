# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pix: BR Code payloads ("copia e cola"), their CRC16, Pix keys and txids, and
a client of the Banco Central API Pix (charges, Pix received, refunds, webhook).
"""

from .api import (
    AbatimentoModalidade,
    Desconto,
    DescontoModalidade,
    JurosModalidade,
    MultaModalidade,
    PixApiClient,
    PixApiError,
    PixApiInvalidResponse,
    PixApiTimeout,
    PixApiUnavailable,
    PixError,
    cob_body,
    cobv_body,
    format_amount,
    validate_devolucao_id,
    validate_e2eid,
)
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
    "AbatimentoModalidade",
    "Desconto",
    "DescontoModalidade",
    "JurosModalidade",
    "MultaModalidade",
    "PixApiClient",
    "PixApiError",
    "PixApiInvalidResponse",
    "PixApiTimeout",
    "PixApiUnavailable",
    "PixError",
    "build_brcode",
    "charge_txid",
    "classify_key",
    "cob_body",
    "cobv_body",
    "crc16",
    "format_amount",
    "normalize_key",
    "parse_brcode",
    "parse_tlv",
    "static_txid",
    "to_ascii",
    "validate_charge_txid",
    "validate_devolucao_id",
    "validate_e2eid",
    "validate_static_txid",
]
