# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""CRC16 of the Pix BR Code (field 63).

CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection,
no final XOR. The BR Code computes it over the whole payload up to and
including the literal ``6304``.
"""


def _table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return tuple(table)


_TABLE = _table()


def crc16(data: str) -> str:
    """Return the CRC-16/CCITT-FALSE of the UTF-8 bytes of ``data``.

    The result is 4 uppercase hexadecimal digits, zero-padded:
    ``crc16("123456789") == "29B1"``.
    """
    if not isinstance(data, str):
        raise TypeError(f"data must be a str, got {type(data).__name__}")
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc = ((crc << 8) & 0xFFFF) ^ _TABLE[(crc >> 8) ^ byte]
    return f"{crc:04X}"
