# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math

import pytest
from cobranca.sms import (
    GSM7,
    UCS2,
    SmsEmpty,
    SmsTooLong,
    check_sms,
    is_gsm7,
    sms_segments,
    transliterate_pt,
)
from hypothesis import given
from hypothesis import strategies as st

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "^{}\\[~]|€\f"
PT_NOT_GSM = "áâãêíóôõúçÀÁÂÃÊÍÓÔÕÚºª°"


def _text(vector):
    if "text" in vector:
        return vector["text"]
    if "repeat" in vector:
        char, count = vector["repeat"]
        return char * count
    return "".join(char * count for char, count in vector["text_parts"])


def _formula(segments):
    single, multi = {GSM7: (160, 153), UCS2: (70, 67)}[segments.encoding]
    if segments.length <= single:
        return 1 if segments.length else 0
    return math.ceil(segments.length / multi)


@pytest.fixture(scope="module")
def vectors(load_vectors):
    return load_vectors("sms.json")


def test_vectors(vectors):
    for vector in vectors["segments"]:
        segments = sms_segments(_text(vector))
        assert (segments.encoding, segments.count, segments.length) == (
            vector["encoding"],
            vector["count"],
            vector["length"],
        ), vector["source"]


def test_alphabet():
    assert is_gsm7(GSM_BASIC + GSM_EXTENSION)
    assert sms_segments(GSM_BASIC).length == len(GSM_BASIC)
    assert sms_segments(GSM_EXTENSION).length == 2 * len(GSM_EXTENSION)
    for char in PT_NOT_GSM:
        assert sms_segments("abc" + char).encoding == UCS2, char
    assert not is_gsm7("`")  # ASCII, but not GSM-7


def test_remaining_and_per_segment():
    one = sms_segments("a" * 150)
    assert (one.per_segment, one.remaining) == (160, 10)
    two = sms_segments("a" * 200)
    assert (two.per_segment, two.remaining) == (153, 106)


def test_check_sms():
    assert check_sms("a" * 306, 2).count == 2
    with pytest.raises(SmsTooLong) as error:
        check_sms("a" * 307, 2)
    assert error.value.segments.count == 3
    assert error.value.max_segments == 2
    assert "3 segments" in str(error.value)
    with pytest.raises(SmsEmpty):
        check_sms(" \n", 2)
    for bad in (0, -1, True, 1.5, "2"):
        with pytest.raises(ValueError):
            check_sms("a", bad)
    with pytest.raises(TypeError):
        sms_segments(None)


def test_transliterate_portuguese():
    text = "Olá, João! Sua fatura nº 12 de R$ 1.234,56 vence amanhã – ação até 5ª"
    result = transliterate_pt(text)
    assert result == (
        "Ola, Joao! Sua fatura no 12 de R$ 1.234,56 vence amanha - acao até 5a"
    )
    assert is_gsm7(result)
    assert transliterate_pt("é É à ü Ü Ç") == "é É à ü Ü Ç"
    assert transliterate_pt("é É à ü Ü Ç", keep_gsm=False) == "e E a u U C"
    assert transliterate_pt("“aspas” e ‘só’… `x`") == "\"aspas\" e 'so'... 'x'"
    # Nothing to transliterate an emoji to: it stays (and the text is UCS-2).
    assert transliterate_pt("ok 😀") == "ok 😀"


@given(st.text(alphabet=GSM_BASIC + GSM_EXTENSION + PT_NOT_GSM, max_size=400))
def test_transliterated_portuguese_is_gsm7(text):
    result = transliterate_pt(text)
    assert is_gsm7(result)
    assert sms_segments(result).count <= sms_segments(text).count or (
        sms_segments(text).encoding == GSM7
    )
    assert transliterate_pt(result) == result


@given(st.text(max_size=500), st.text(min_size=1, max_size=50))
def test_segments_grow_with_the_text(text, more):
    before, after = sms_segments(text), sms_segments(text + more)
    assert after.count >= before.count
    assert after.characters == before.characters + len(more)


@given(st.text(max_size=700))
def test_count_against_the_formula(text):
    segments = sms_segments(text)
    formula = _formula(segments)
    # A character is never cut between segments: at most one segment more
    # per 76 characters (the widest character takes 2 units).
    assert formula <= segments.count <= formula + max(0, segments.count - 1)
    assert 0 <= segments.remaining < segments.per_segment or not segments.length
    if segments.encoding == UCS2 and all(ord(c) <= 0xFFFF for c in text):
        assert segments.count == formula
        assert segments.length == len(text)


@given(st.text(alphabet=GSM_BASIC, max_size=700))
def test_plain_gsm_text_follows_the_formula(text):
    segments = sms_segments(text)
    assert segments.encoding == GSM7
    assert segments.length == len(text)
    assert segments.count == _formula(segments)
