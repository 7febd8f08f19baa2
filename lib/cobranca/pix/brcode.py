# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pix BR Code (EMV QRCPS-MPM as profiled by Banco Central): build, parse, txids.

A payload is a sequence of data objects ``ID (2 digits) + length (2 digits) +
value``; templates (26, 62, and the other merchant account and unreserved
templates) nest the same format. Field 63 is always last and holds the
CRC-16/CCITT-FALSE of everything before its 4 hex digits, ``6304`` included.

The builder only emits printable ASCII: names, cities and descriptions are
transliterated (``São Paulo`` → ``Sao Paulo``) and a value that is still too
long is refused, never truncated. The parser validates a payload received
from elsewhere (e.g. the ``pixCopiaECola`` of a PSP) before it is shown. It
tolerates what is seen in the wild and allowed by the standard: other
arrangements' templates, unreserved templates (80-99), amounts such as ``10``
or ``10.`` and non-ASCII text (lengths counted in characters, CRC over UTF-8).
"""

import base64
import hashlib
import json
import re
import unicodedata
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from ..charges import to_decimal
from .crc import crc16
from .keys import normalize_key

GUI = "br.gov.bcb.pix"
#: "No txid" marker of field 62-05; the only txid of a dynamic payload.
NO_TXID = "***"
MAX_PAYLOAD_LENGTH = 512
MAX_VALUE_LENGTH = 99
MAX_MERCHANT_NAME_LENGTH = 25
MAX_MERCHANT_CITY_LENGTH = 15
MAX_URL_LENGTH = 77
MAX_STATIC_TXID_LENGTH = 25
CHARGE_TXID_LENGTH = (26, 35)
MAX_NAMESPACE_LENGTH = 10
#: Field 54 holds at most 13 characters, two decimals included.
MAX_AMOUNT_LENGTH = 13
MAX_AMOUNT = Decimal("9999999999.99")
CENT = Decimal("0.01")

POINT_OF_INITIATION = {"11": "static", "12": "dynamic"}

FIELD_NAMES = {
    "00": "payload format indicator",
    "01": "point of initiation method",
    "26": "Pix merchant account information",
    "52": "merchant category code",
    "53": "transaction currency",
    "54": "transaction amount",
    "58": "country code",
    "59": "merchant name",
    "60": "merchant city",
    "61": "postal code",
    "62": "additional data field template",
    "63": "CRC",
}
_MANDATORY = ("26", "52", "53", "58", "59", "60", "62")

_ALNUM = re.compile(r"[A-Za-z0-9]+")
_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]{0,2})?|\.[0-9]{1,2}")
_URL = re.compile(r"[\x21-\x7e]+")
_CRC = re.compile(r"[0-9A-F]{4}")
_WHITESPACE = re.compile(r"\s+")
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")
# Characters that NFKD does not decompose into ASCII.
_ASCII_EQUIVALENTS = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "ð": "d",
        "Ð": "D",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
    }
)


# --- Text --------------------------------------------------------------------


def to_ascii(text: str) -> str:
    """Transliterate ``text`` to printable ASCII, keeping the case.

    Accents are removed (NFKD without combining marks), a few letters and
    punctuation marks get their usual ASCII equivalent (``ø`` → ``o``,
    ``–`` → ``-``), whitespace becomes a single space, anything else (emoji,
    symbols) is dropped; the result is stripped.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {type(text).__name__}: {text!r}")
    text = unicodedata.normalize("NFKD", text.translate(_ASCII_EQUIVALENTS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _NOT_PRINTABLE_ASCII.sub("", _WHITESPACE.sub(" ", text))
    return _WHITESPACE.sub(" ", text).strip()


def fit_ascii(text: str | None, max_length: int) -> str:
    """``text`` for a BR Code text field of at most ``max_length``
    characters: transliterated to ASCII (:func:`to_ascii`), then cut. None
    gives ``""``. (The builder itself refuses a text that is too long.)"""
    return to_ascii(text or "")[:max_length].rstrip()


def fit_merchant_name(name: str | None) -> str:
    """A name for field 59 (merchant name): ASCII, at most 25 characters."""
    return fit_ascii(name, MAX_MERCHANT_NAME_LENGTH)


def fit_merchant_city(city: str | None) -> str:
    """A city for field 60 (merchant city): ASCII, at most 15 characters."""
    return fit_ascii(city, MAX_MERCHANT_CITY_LENGTH)


def _ascii_text(value: str, label: str, max_length: int) -> str:
    text = to_ascii(value)
    if not text:
        raise ValueError(f"{label} is empty once transliterated to ASCII: {value!r}")
    if len(text) > max_length:
        raise ValueError(
            f"{label} must have at most {max_length} characters once "
            f"transliterated to ASCII, got {len(text)}: {text!r}"
        )
    return text


# --- txid --------------------------------------------------------------------


def _check_alnum(value: str, label: str, min_length: int, max_length: int) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{label} must be a str, got {type(value).__name__}")
    if not min_length <= len(value) <= max_length:
        raise ValueError(
            f"{label} must have {min_length} to {max_length} characters, "
            f"got {len(value)}: {value!r}"
        )
    if not _ALNUM.fullmatch(value):
        bad = next(char for char in value if not _ALNUM.fullmatch(char))
        raise ValueError(
            f"{label} may only contain letters and digits [A-Za-z0-9], "
            f"found {bad!r} in {value!r}"
        )
    return value


def validate_static_txid(txid: str) -> str:
    """Return ``txid`` if it fits BR Code field 62-05, else raise ValueError.

    Either ``***`` (no txid) or 1 to 25 characters ``[A-Za-z0-9]``.
    """
    if txid == NO_TXID:
        return txid
    label = "a static txid (field 62-05, or '***')"
    return _check_alnum(txid, label, 1, MAX_STATIC_TXID_LENGTH)


def validate_charge_txid(txid: str) -> str:
    """Return ``txid`` if it is a valid API Pix ``cob``/``cobv`` txid.

    The API Pix requires 26 to 35 characters ``[a-zA-Z0-9]``.
    """
    return _check_alnum(txid, "an API Pix charge txid", *CHARGE_TXID_LENGTH)


def _digest(namespace: str, parts: tuple[object, ...]) -> str:
    """Uppercase base32 SHA-256 of the namespace and ``parts`` (52 characters)."""
    if not parts:
        raise ValueError("at least one identifier is needed to derive a txid")
    for part in parts:
        if isinstance(part, bool) or not isinstance(part, str | int | UUID):
            raise TypeError(
                "txid identifiers must be str, int or UUID, "
                f"got {type(part).__name__}: {part!r}"
            )
    data = json.dumps([namespace, *map(str, parts)], ensure_ascii=False)
    digest = hashlib.sha256(data.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=")


def charge_txid(namespace: str, *parts: str | int | UUID) -> str:
    """Return a deterministic 35-character API Pix charge txid.

    ``namespace`` (1 to 10 letters and digits, e.g. ``"dun"``) is kept as a
    readable prefix; the rest is the base32 SHA-256 of the namespace and the
    stable identifiers ``parts`` (e.g. the database UUID and the installment
    id), so creating the charge again for the same installment reuses the
    same txid (``PUT /cobv/{txid}`` is then idempotent).
    """
    _check_alnum(namespace, "a txid namespace", 1, MAX_NAMESPACE_LENGTH)
    length = CHARGE_TXID_LENGTH[1]
    return namespace + _digest(namespace, parts)[: length - len(namespace)]


def static_txid(*parts: str | int | UUID) -> str:
    """Return a deterministic 25-character static BR Code txid for ``parts``."""
    return _digest("", parts)[:MAX_STATIC_TXID_LENGTH]


# --- Build -------------------------------------------------------------------


def _tlv(tag: str, value: str) -> str:
    if not 1 <= len(value) <= MAX_VALUE_LENGTH:
        raise ValueError(
            f"field {tag} ({FIELD_NAMES.get(tag, 'sub-field')}) must have 1 to "
            f"{MAX_VALUE_LENGTH} characters, got {len(value)}"
        )
    return f"{tag}{len(value):02d}{value}"


def _format_amount(amount: Decimal) -> str:
    value = to_decimal(amount, "amount")
    if value <= 0:
        raise ValueError(f"amount must be greater than zero, got {value:f}")
    if value > MAX_AMOUNT:
        raise ValueError(
            f"amount must be at most {MAX_AMOUNT} ({MAX_AMOUNT_LENGTH} characters "
            f"in field 54), got {value:f}"
        )
    cents = value.quantize(CENT)
    if cents != value:
        raise ValueError(f"amount must be a whole number of cents, got {value:f}")
    return f"{cents:f}"


def _check_url(url: str) -> str:
    if not isinstance(url, str):
        raise TypeError(f"url must be a str, got {type(url).__name__}")
    if "://" in url:
        raise ValueError(
            f"url must be the PSP location without its scheme (drop 'https://'): "
            f"{url!r}"
        )
    if not _URL.fullmatch(url) or len(url) > MAX_URL_LENGTH:
        raise ValueError(
            f"url must have 1 to {MAX_URL_LENGTH} printable ASCII characters "
            f"without spaces, got {url!r}"
        )
    return url


def _check_postal_code(postal_code: str) -> str:
    if not isinstance(postal_code, str):
        raise TypeError(f"postal_code must be a str, got {type(postal_code).__name__}")
    compact = re.sub(r"[\s.\-]", "", postal_code)
    if not re.fullmatch(r"[0-9]{8}", compact):
        raise ValueError(f"postal_code (CEP) must have 8 digits, got {postal_code!r}")
    return compact


def build_brcode(
    *,
    key: str | None = None,
    url: str | None = None,
    merchant_name: str,
    merchant_city: str,
    amount: Decimal | None = None,
    txid: str = NO_TXID,
    description: str | None = None,
    postal_code: str | None = None,
    gui_case: Literal["lower", "upper"] = "lower",
    point_of_initiation: Literal["static", "dynamic"] | None = None,
) -> str:
    """Return a Pix BR Code payload ("Pix copia e cola").

    Give exactly one of ``key`` (static payload: the Pix key in 26-01, with an
    optional ``description`` in 26-02) or ``url`` (dynamic payload: the PSP
    location without ``https://`` in 26-25, txid ``***``, single use).

    ``point_of_initiation`` writes field 01: ``'static'`` = ``11`` (reusable),
    ``'dynamic'`` = ``12`` (single use); ``None`` omits it for a key and means
    ``'dynamic'`` for a url.

    :raises ValueError: on any value the standard does not allow; nothing is
        truncated.
    :raises TypeError: if ``amount`` is not a Decimal (e.g. a float).
    """
    if (key is None) == (url is None):
        raise ValueError(
            "give exactly one of key (static payload) or url (dynamic payload)"
        )
    if gui_case not in ("lower", "upper"):
        raise ValueError(f"gui_case must be 'lower' or 'upper', got {gui_case!r}")
    if point_of_initiation not in (None, "static", "dynamic"):
        raise ValueError(
            "point_of_initiation must be 'static', 'dynamic' or None, "
            f"got {point_of_initiation!r}"
        )
    gui = _tlv("00", GUI if gui_case == "lower" else GUI.upper())
    if url is not None:
        if point_of_initiation == "static":
            raise ValueError(
                "a dynamic payload (url) is single use: it cannot be 'static'"
            )
        if txid != NO_TXID:
            raise ValueError(
                f"a dynamic payload (url) carries txid {NO_TXID!r}, got {txid!r}: "
                "the charge's txid is in the payload fetched from the url"
            )
        if description is not None:
            raise ValueError("description (26-02) is only allowed with a key")
        point_of_initiation = "dynamic"
        account = gui + _tlv("25", _check_url(url))
    else:
        account = gui + _tlv("01", normalize_key(key))
        if description is not None:
            room = MAX_VALUE_LENGTH - len(account) - 4
            label = "description (it shares the 99 characters of field 26 with the key)"
            account += _tlv("02", _ascii_text(description, label, room))
    parts = [_tlv("00", "01")]
    if point_of_initiation is not None:
        parts.append(_tlv("01", "11" if point_of_initiation == "static" else "12"))
    parts += [_tlv("26", account), _tlv("52", "0000"), _tlv("53", "986")]
    if amount is not None:
        parts.append(_tlv("54", _format_amount(amount)))
    parts += [
        _tlv("58", "BR"),
        _tlv(
            "59", _ascii_text(merchant_name, "merchant_name", MAX_MERCHANT_NAME_LENGTH)
        ),
        _tlv(
            "60", _ascii_text(merchant_city, "merchant_city", MAX_MERCHANT_CITY_LENGTH)
        ),
    ]
    if postal_code is not None:
        parts.append(_tlv("61", _check_postal_code(postal_code)))
    parts.append(_tlv("62", _tlv("05", validate_static_txid(txid))))
    body = "".join(parts) + "6304"
    return body + crc16(body)


# --- Parse -------------------------------------------------------------------


def _name(tag: str) -> str:
    return f"field {tag} ({FIELD_NAMES[tag]})" if tag in FIELD_NAMES else f"field {tag}"


def _read_tlv(data: str, base: int, where: str) -> dict[str, tuple[str, int]]:
    """Split ``data`` into ``{id: (value, offset)}``.

    ``base`` is the offset of ``data`` in the payload, so that errors and
    offsets point into the whole payload.
    """
    fields: dict[str, tuple[str, int]] = {}
    index = 0
    while index < len(data):
        offset = base + index
        header = data[index : index + 4]
        if len(header) < 4:
            raise ValueError(
                f"{where}: truncated data object at offset {offset}: expected a "
                f"2-digit ID and a 2-digit length, found {header!r}"
            )
        tag, length = header[:2], header[2:]
        if not (tag.isascii() and tag.isdigit()):
            raise ValueError(
                f"{where}: invalid ID {tag!r} at offset {offset}: expected 2 digits"
            )
        if not (length.isascii() and length.isdigit()) or length == "00":
            raise ValueError(
                f"{where}: {_name(tag)} at offset {offset} has length {length!r}: "
                "expected 2 digits from 01 to 99"
            )
        value = data[index + 4 : index + 4 + int(length)]
        if len(value) != int(length):
            raise ValueError(
                f"{where}: {_name(tag)} at offset {offset} declares length "
                f"{length} but only {len(value)} characters remain"
            )
        if tag in fields:
            raise ValueError(
                f"{where}: {_name(tag)} at offset {offset} repeats the one at "
                f"offset {fields[tag][1]}"
            )
        fields[tag] = (value, offset)
        index += 4 + len(value)
    return fields


def parse_tlv(data: str) -> dict[str, str]:
    """Split EMV TLV ``data`` (a payload or a template's value) into ``{id: value}``.

    :raises ValueError: on a malformed or repeated data object.
    """
    return {tag: value for tag, (value, _) in _read_tlv(data, 0, "TLV data").items()}


def _parse_amount(value: str, offset: int) -> Decimal:
    if len(value) > MAX_AMOUNT_LENGTH or not _AMOUNT.fullmatch(value):
        raise ValueError(
            f"{_name('54')} at offset {offset}: expected at most "
            f"{MAX_AMOUNT_LENGTH} characters of "
            f"digits with '.' as decimal separator (e.g. 123.45), found {value!r}"
        )
    amount = Decimal(value).quantize(CENT)
    if amount <= 0:
        raise ValueError(f"{_name('54')} at offset {offset} must be greater than zero")
    return amount


def _read_template(raw: dict[str, tuple[str, int]], tag: str) -> dict[str, str]:
    value, offset = raw[tag]
    nested = _read_tlv(value, offset + 4, _name(tag))
    return {sub: text for sub, (text, _) in nested.items()}


def _match(
    raw: dict[str, tuple[str, int]], tag: str, pattern: str, expected: str
) -> str | None:
    """Return the value of ``tag`` (None if absent) if it matches ``pattern``."""
    if tag not in raw:
        return None
    value, offset = raw[tag]
    if not re.fullmatch(pattern, value):
        raise ValueError(
            f"{_name(tag)} at offset {offset}: expected {expected}, found {value!r}"
        )
    return value


def _read_frame(payload: str) -> dict[str, tuple[str, int]]:
    """Check characters, TLV structure, fields 00 and 63 and the CRC."""
    if not isinstance(payload, str):
        raise TypeError(f"payload must be a str, got {type(payload).__name__}")
    if len(payload) > MAX_PAYLOAD_LENGTH:
        raise ValueError(
            f"payload has {len(payload)} characters, at most {MAX_PAYLOAD_LENGTH} "
            "are allowed"
        )
    for offset, char in enumerate(payload):
        if not char.isprintable():
            raise ValueError(f"non-printable character {char!r} at offset {offset}")
    raw = _read_tlv(payload, 0, "payload")
    if not raw:
        raise ValueError("payload is empty")
    first, last = next(iter(raw)), next(reversed(raw))
    if first != "00":
        raise ValueError(f"payload must start with {_name('00')}, found field {first}")
    if raw["00"][0] != "01":
        raise ValueError(f"{_name('00')} must be '01', found {raw['00'][0]!r}")
    if last != "63":
        raise ValueError(
            f"{_name('63')} must be the last field, found field {last} at offset "
            f"{raw[last][1]}"
        )
    crc, offset = raw["63"]
    if not _CRC.fullmatch(crc):
        raise ValueError(
            f"{_name('63')} at offset {offset} must be 4 uppercase hex digits "
            f"(6304XXXX), found {crc!r}"
        )
    computed = crc16(payload[:-4])
    if crc != computed:
        raise ValueError(
            f"CRC mismatch: {_name('63')} says {crc}, the payload gives {computed}"
        )
    for tag in _MANDATORY:
        if tag not in raw:
            raise ValueError(f"mandatory {_name(tag)} is missing")
    return raw


def _read_account(raw: dict[str, tuple[str, int]]) -> dict[str, str]:
    """Split and check the Pix merchant account template (26)."""
    account = _read_template(raw, "26")
    where = f"{_name('26')} at offset {raw['26'][1]}"
    gui = account.get("00", "")
    if gui.lower() != GUI:
        raise ValueError(f"{where}: expected the GUI (26-00) {GUI!r}, found {gui!r}")
    key, url = account.get("01"), account.get("25")
    if (key is None) == (url is None):
        raise ValueError(
            f"{where}: expected exactly one of the key (26-01, static) and the url "
            f"(26-25, dynamic), found {'neither' if key is None else 'both'}"
        )
    # With the GUI, 26 leaves at most 99 - 18 - 4 = 77 characters for the key
    # or the url: their maximum length needs no check of its own.
    if url is not None and "02" in account:
        raise ValueError(f"{where}: a url (26-25) excludes a description (26-02)")
    if url is not None and "://" in url:
        raise ValueError(f"{where}: the url (26-25) must not include a scheme: {url!r}")
    return account


def _read_additional_data(raw: dict[str, tuple[str, int]]) -> dict[str, str]:
    """Split the additional data template (62) and check its txid (62-05)."""
    additional = _read_template(raw, "62")
    where = f"{_name('62')} at offset {raw['62'][1]}"
    if "05" not in additional:
        raise ValueError(f"{where}: the txid (62-05) is missing")
    try:
        validate_static_txid(additional["05"])
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
    return additional


def parse_brcode(payload: str) -> dict[str, Any]:
    """Validate a Pix BR Code payload and return its content.

    Checks the characters, the TLV structure, the CRC (field 63, last, over
    everything up to and including ``6304``) and every Pix field, then returns
    a dict with ``payload_format_indicator``, ``point_of_initiation``
    (``'static'`` for 11, ``'dynamic'`` for 12, or None), ``gui``, ``key``,
    ``description``, ``url``, ``merchant_category_code``, ``currency``,
    ``amount`` (Decimal or None), ``country``, ``merchant_name``,
    ``merchant_city``, ``postal_code``, ``txid``, ``crc``,
    ``unknown_templates`` (``{id: raw value}`` of the fields this module does
    not interpret, e.g. other arrangements' 27-51 or unreserved 80-99) and
    ``fields`` (every top-level ``{id: value}``, with 26 and 62 split into
    ``{sub-id: value}``).

    :raises ValueError: naming the field, its offset and what was expected.
    """
    raw = _read_frame(payload)
    account = _read_account(raw)
    additional = _read_additional_data(raw)
    initiation = _match(raw, "01", "1[12]", "'11' (static) or '12' (dynamic)")
    fields: dict[str, Any] = {tag: text for tag, (text, _) in raw.items()}
    fields.update({"26": account, "62": additional})
    return {
        "payload_format_indicator": raw["00"][0],
        "point_of_initiation": POINT_OF_INITIATION.get(initiation or ""),
        "gui": account["00"],
        "key": account.get("01"),
        "description": account.get("02"),
        "url": account.get("25"),
        "merchant_category_code": _match(raw, "52", "[0-9]{4}", "4 digits"),
        "currency": _match(raw, "53", "986", "'986' (BRL)"),
        "amount": _parse_amount(*raw["54"]) if "54" in raw else None,
        "country": _match(raw, "58", "BR", "'BR'"),
        "merchant_name": _match(raw, "59", ".{1,25}", "1 to 25 characters"),
        "merchant_city": _match(raw, "60", ".{1,15}", "1 to 15 characters"),
        "postal_code": _match(raw, "61", "[0-9]{8}", "8 digits (CEP)"),
        "txid": additional["05"],
        "crc": raw["63"][0],
        "unknown_templates": {
            tag: text for tag, text in fields.items() if tag not in FIELD_NAMES
        },
        "fields": fields,
    }
