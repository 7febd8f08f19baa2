# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SMS encoding and segments (3GPP TS 23.038 / 23.040).

A text that every character of fits in the GSM 03.38 default alphabet (with
its extension table) is sent in **GSM-7**; otherwise the whole message is
sent in **UCS-2**. Segments (what operators and gateways bill):

================  ============  ===================================
encoding          one segment   each segment of a longer message
================  ============  ===================================
GSM-7             160 septets   153 septets (6-byte UDH)
UCS-2             70 units      67 units
================  ============  ===================================

* GSM-7 extension-table characters (``^ { } \\ [ ~ ] | €`` and form feed)
  take two septets (escape + code) each;
* UCS-2 counts UTF-16 code units: a character outside the Basic
  Multilingual Plane (most emoji) is a surrogate pair and takes two.

A character is never cut between two segments (an escape sequence or a
surrogate pair moves whole to the next segment, as phones and gateways do),
so a long message may need one segment more than ``ceil(length / 153)``.

Portuguese letters in the GSM-7 basic alphabet: ``é É à ü Ü Ç``; any of
``á â ã ê í ó ô õ ú ç À Á Â Ã Ê Í Ó Ô Õ Ú º ª °`` forces UCS-2, which more
than halves the room of a segment. :func:`transliterate_pt` replaces them
(``não`` → ``nao``) so that a message stays in GSM-7.

Per-provider rules (a provider stricter than the standard, such as one
treating every accent as Unicode) belong to the gateway clients; this module
is the standard.
"""

import unicodedata
from dataclasses import dataclass

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec

GSM7 = "GSM-7"
UCS2 = "UCS-2"

#: (single segment, per segment of a concatenated message), in units of the
#: encoding (septets for GSM-7, UTF-16 code units for UCS-2).
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}

_CODEC = "gsm03.38"


@dataclass(frozen=True)
class SmsSegments:
    """How a text is sent.

    :param encoding: ``'GSM-7'`` or ``'UCS-2'``.
    :param count: segments (0 for an empty text).
    :param length: units of the encoding (septets, or UTF-16 code units).
    :param characters: characters of the text (code points).
    :param per_segment: room of each segment for this message (160/153 or
        70/67 whether it is one segment or more).
    :param remaining: units still free in the last segment.
    """

    encoding: str
    count: int
    length: int
    characters: int
    per_segment: int
    remaining: int


class SmsError(ValueError):
    """A message that cannot be sent as it is."""


class SmsEmpty(SmsError):
    """The message has no text."""

    def __init__(self) -> None:
        super().__init__("The SMS is empty.")


class SmsTooLong(SmsError):
    """The message needs more segments than allowed.

    :ivar segments: the :class:`SmsSegments` of the message.
    :ivar max_segments: the cap it exceeds.
    """

    def __init__(self, segments: SmsSegments, max_segments: int) -> None:
        self.segments = segments
        self.max_segments = max_segments
        super().__init__(
            f"The SMS needs {segments.count} segments ({segments.length} "
            f"{segments.encoding} units, {segments.characters} characters); "
            f"at most {max_segments} allowed."
        )


def _char_units(text: str) -> tuple[str, list[int]]:
    """The encoding of ``text`` and the units of each of its characters."""
    units = []
    for char in text:
        try:
            units.append(len(char.encode(_CODEC)))
        except UnicodeEncodeError:
            return UCS2, [2 if ord(char) > 0xFFFF else 1 for char in text]
    return GSM7, units


def is_gsm7(text: str) -> bool:
    """Whether every character of ``text`` fits in GSM-7."""
    return _char_units(_check_text(text))[0] == GSM7


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return text


def sms_segments(text: str) -> SmsSegments:
    """The encoding and segments of ``text`` (see the module documentation)."""
    encoding, units = _char_units(_check_text(text))
    single, multi = LIMITS[encoding]
    length = sum(units)
    if length <= single:
        count = 1 if length else 0
        return SmsSegments(encoding, count, length, len(text), single, single - length)
    count, used = 1, 0
    for size in units:
        if used + size > multi:
            count, used = count + 1, 0
        used += size
    return SmsSegments(encoding, count, length, len(text), multi, multi - used)


def check_sms(text: str, max_segments: int) -> SmsSegments:
    """The segments of ``text`` if it may be sent under the cap.

    :raises SmsEmpty: when ``text`` is empty or blank.
    :raises SmsTooLong: when it needs more than ``max_segments`` segments.
    :raises ValueError: when ``max_segments`` is not a positive int.
    """
    if (
        isinstance(max_segments, bool)
        or not isinstance(max_segments, int)
        or max_segments < 1
    ):
        raise ValueError(f"max_segments must be an int >= 1, got {max_segments!r}")
    if not _check_text(text).strip():
        raise SmsEmpty()
    segments = sms_segments(text)
    if segments.count > max_segments:
        raise SmsTooLong(segments, max_segments)
    return segments


#: Replacements tried before the generic accent stripping: typography that
#: word processors and templates bring in, and the ordinal indicators.
_REPLACEMENTS = {
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space
    "\u2007": " ",  # figure space
    "\u200b": "",  # zero-width space
    "\ufeff": "",  # zero-width no-break space
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "-",
    "º": "o",
    "ª": "a",
    "°": "o",
    "ç": "c",
    "`": "'",
}


def transliterate_pt(text: str, keep_gsm: bool = True) -> str:
    """``text`` with what is not GSM-7 replaced, so that it stays in GSM-7.

    Portuguese accented letters lose their accent (``ã`` → ``a``, ``ç`` →
    ``c``, ``Ó`` → ``O``), ``º``/``ª``/``°`` become ``o``/``a``/``o``, curly
    quotes, dashes, ellipsis and special spaces become their ASCII forms.

    The letters GSM-7 has (``é É à ü Ü Ç``) are kept by default
    (``keep_gsm=True``): keeping them costs nothing in GSM-7 and the text
    reads better. ``keep_gsm=False`` strips every accent (for a provider
    that bills any accent as Unicode). Characters without a GSM-7 form
    (emoji, other scripts) are left as they are: the text then stays UCS-2,
    which :func:`sms_segments` reports.
    """
    result = []
    for char in _check_text(text):
        if _encodable(char) and (keep_gsm or char.isascii()):
            result.append(char)
            continue
        replacement = _REPLACEMENTS.get(char)
        if replacement is None:
            replacement = "".join(
                c
                for c in unicodedata.normalize("NFKD", char)
                if not unicodedata.combining(c)
            )
            if not (replacement.isascii() and _encodable(replacement)):
                # No GSM-7 form (an emoji, another script, or a letter such
                # as "ø" that GSM-7 has and nothing simpler replaces).
                replacement = char
        result.append(replacement)
    return "".join(result)


def _encodable(char: str) -> bool:
    try:
        char.encode(_CODEC)
    except UnicodeEncodeError:
        return False
    return True
