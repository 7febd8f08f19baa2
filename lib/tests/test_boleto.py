# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from cobranca import boleto as boleto_mod
from cobranca.boleto import (
    BANKS,
    FACTOR_ROLLOVER,
    LAST_DUE_DATE,
    WINDOW_AFTER,
    WINDOW_BEFORE,
    BancoDoBrasil,
    Boleto,
    Bradesco,
    Caixa,
    CheckDigitError,
    Itau,
    Santander,
    Sicoob,
    barcode_to_linha,
    due_date_factor,
    factor_to_date,
    format_linha,
    general_check_digit,
    linha_to_barcode,
    make_boleto,
    mod10,
    parse_barcode,
)
from hypothesis import assume, given, settings
from hypothesis import strategies as st

D = Decimal
DIGITS = "0123456789"


def _unformat(linha):
    return linha.replace(".", "").replace(" ", "")


def _make(vector):
    return make_boleto(
        vector["bank"],
        nosso_numero=vector["nosso_numero"],
        due=date.fromisoformat(vector["due"]),
        amount=D(vector["amount"]),
        **vector["agreement"],
    )


# --------------------------------------------------------------------------
# Golden vectors
# --------------------------------------------------------------------------


def test_vector_pairs(load_vectors):
    vectors = load_vectors("boleto.json")
    assert vectors["pairs"]
    for pair in vectors["pairs"]:
        assert barcode_to_linha(pair["barcode"]) == pair["linha"]
        assert linha_to_barcode(pair["linha"]) == pair["barcode"]
        assert linha_to_barcode(format_linha(pair["linha"])) == pair["barcode"]
        parsed = parse_barcode(pair["barcode"])
        assert parsed.bank == pair["bank"]
        assert parsed.amount == D(pair["amount"])
        due = date.fromisoformat(pair["due"])
        assert parsed.factor == due_date_factor(due)
        assert factor_to_date(parsed.factor, due) == due


def test_vector_formatted(load_vectors):
    example = load_vectors("boleto.json")["formatted_example"]
    assert format_linha(example["linha"]) == example["formatted"]
    assert format_linha(example["formatted"]) == example["formatted"]
    assert linha_to_barcode(example["formatted"]) == linha_to_barcode(example["linha"])


def test_vector_factors(load_vectors):
    vectors = load_vectors("boleto.json")
    for case in vectors["due_date_factor"]:
        due = date.fromisoformat(case["date"])
        assert due_date_factor(due) == case["factor"], case
        # Read on its due date, a factor gives its date back.
        assert factor_to_date(case["factor"], due) == due
    for case in vectors["factor_to_date"]:
        today = date.fromisoformat(case["today"])
        assert factor_to_date(case["factor"], today) == date.fromisoformat(case["date"])


def test_vector_boletos(load_vectors):
    vectors = load_vectors("boleto.json")["boletos"]
    for vector in vectors:
        boleto = _make(vector)
        expected = vector["expected"]
        assert expected, vector
        if "barcode" in expected:
            assert boleto.barcode == expected["barcode"], vector
        if "linha" in expected:
            assert boleto.formatted_linha == expected["linha"], vector
            assert boleto.linha == _unformat(expected["linha"])
        if "campo_livre" in expected:
            assert boleto.campo_livre == expected["campo_livre"], vector
        if "nosso_numero" in expected:
            assert boleto.nosso_numero == expected["nosso_numero"], vector
        if "barcode" in expected and "linha" in expected:
            assert barcode_to_linha(expected["barcode"]) == _unformat(expected["linha"])
            assert linha_to_barcode(expected["linha"]) == expected["barcode"]


def test_vector_sources_per_bank(load_vectors):
    """Every bank has vectors of at least two independent sources (projects)."""
    vectors = load_vectors("boleto.json")["boletos"]
    for bank in BANKS:
        sources = {v["source"].split(" ")[0] for v in vectors if v["bank"] == bank}
        assert len(sources) >= 2, (bank, sources)


def test_vector_nosso_numero_check_digits(load_vectors):
    for vector in load_vectors("boleto.json")["nosso_numero_check_digits"]:
        boleto = make_boleto(
            vector["bank"],
            nosso_numero=vector["nosso_numero"],
            due=date(2026, 1, 5),
            amount=D("1.00"),
            **vector["agreement"],
        )
        assert boleto.nosso_numero == vector["printed"], vector


# --------------------------------------------------------------------------
# Check digits
# --------------------------------------------------------------------------


def test_mod10_known_values():
    # FEBRABAN's linha example fields (DOMAIN.md §3.2) and the Luhn test number.
    assert mod10("001900000") == 9
    assert mod10("0123879897") == 7
    assert mod10("7770016818") == 8
    assert mod10("7992739871") == 3


def test_general_check_digit_maps_0_10_11_to_1():
    # Search 43-digit numbers reaching each remainder: remainders 0, 1 and 10
    # (11 - r = 11, 10, 1) all give check digit 1.
    seen = {}
    for n in range(200):
        body = f"{n:043d}"
        remainder = sum(int(c) * (2 + i % 8) for i, c in enumerate(reversed(body))) % 11
        seen.setdefault(remainder, general_check_digit(body))
    assert seen[0] == seen[1] == seen[10] == 1
    assert {seen[r] for r in range(2, 10)} == set(range(2, 10))


def test_check_digit_errors_name_the_field():
    linha = "00190000090123879897777700168188337690000013500"
    barcode = linha_to_barcode(linha)
    cases = [
        (9, "field 1"),
        (20, "field 2"),
        (31, "field 3"),
        (32, "general check digit"),
    ]
    for position, field in cases:
        wrong = (
            linha[:position]
            + str((int(linha[position]) + 1) % 10)
            + linha[position + 1 :]
        )
        with pytest.raises(CheckDigitError) as info:
            linha_to_barcode(wrong)
        assert info.value.field == field
        assert field in str(info.value)
    wrong = barcode[:4] + "4" + barcode[5:]
    with pytest.raises(CheckDigitError, match="general check digit is 4, expected 3"):
        barcode_to_linha(wrong)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0019000009012387989777770016818833769000001350", "47 digits"),
        ("001900000901238798977777001681883376900000135000", "47 digits"),
        ("00190.00009 01238.798977 77700.16818A 3 37690000013500", "only digits"),
        ("00190-00009 01238.798977 77700.168188 3 37690000013500", "only digits"),
    ],
)
def test_linha_malformed(value, message):
    with pytest.raises(ValueError, match=message):
        linha_to_barcode(value)


def test_barcode_malformed():
    with pytest.raises(ValueError, match="44 digits"):
        barcode_to_linha("0019337690000013500000000123879897777001681")
    with pytest.raises(ValueError, match="only digits"):
        barcode_to_linha("0019337690000013500000000123879897777001681X")
    with pytest.raises(ValueError, match="arrecadação"):
        barcode_to_linha("8" * 44)
    body = "0010" + "3769" + "0000013500" + "0000001238798977770016818"
    other_currency = body[:4] + str(general_check_digit(body)) + body[4:]
    with pytest.raises(ValueError, match="currency code"):
        barcode_to_linha(other_currency)
    with pytest.raises(TypeError):
        barcode_to_linha(int("1" * 44))
    with pytest.raises(TypeError):
        linha_to_barcode(None)


# --------------------------------------------------------------------------
# Single-digit changes (hypothesis)
# --------------------------------------------------------------------------


@st.composite
def barcodes(draw):
    bank = draw(st.sampled_from(sorted(BANKS)))
    factor = draw(st.integers(1000, 9999))
    amount = draw(st.integers(1, 9_999_999_999))
    free = draw(st.text(DIGITS, min_size=25, max_size=25))
    body = f"{bank}9{factor:04d}{amount:010d}{free}"
    return body[:4] + str(general_check_digit(body)) + body[4:]


def _remainder(barcode):
    body = barcode[:4] + barcode[5:]
    return sum(int(c) * (2 + i % 8) for i, c in enumerate(reversed(body))) % 11


def _change(text, position, data):
    new = data.draw(st.sampled_from([d for d in DIGITS if d != text[position]]))
    return text[:position] + new + text[position + 1 :]


@settings(deadline=None)
@given(barcodes())
def test_round_trip(barcode):
    linha = barcode_to_linha(barcode)
    assert len(linha) == 47
    assert linha_to_barcode(linha) == barcode
    assert linha_to_barcode(format_linha(linha)) == barcode
    assert format_linha(linha).count(".") == 3


@settings(deadline=None)
@given(barcodes(), st.integers(0, 46), st.data())
def test_linha_single_digit_change(barcode, position, data):
    """Every single-digit change in fields 1-3 (modulo 10 catches all of
    them) and of the general check digit (field 4) is rejected. In field 5
    (factor and amount) only the general modulo-11 check digit guards: the
    change is rejected unless the remainder moves between 0, 1 and 10, which
    all give check digit 1 (the standard's blind spot)."""
    linha = barcode_to_linha(barcode)
    changed = _change(linha, position, data)
    if position <= 32:
        with pytest.raises(CheckDigitError):
            linha_to_barcode(changed)
        return
    before = _remainder(barcode)
    changed_barcode = barcode[:5] + changed[33:47] + barcode[19:]
    after = _remainder(changed_barcode)
    assert after != before  # a single change always moves the remainder
    if {before, after} <= {0, 1, 10}:
        assert linha_to_barcode(changed) == changed_barcode
    else:
        with pytest.raises(CheckDigitError, match="general check digit"):
            linha_to_barcode(changed)


@settings(deadline=None)
@given(barcodes(), st.integers(0, 43), st.data())
def test_barcode_single_digit_change(barcode, position, data):
    """A changed general check digit is always rejected; a change of any
    other digit always moves the remainder modulo 11 (11 is prime, weights
    2-9, change 1-9) and is rejected unless the remainder moves between 0, 1
    and 10 (all written 1). A changed currency is rejected as such."""
    changed = _change(barcode, position, data)
    if position == 0 and changed[0] == "8":
        with pytest.raises(ValueError, match="arrecadação"):
            barcode_to_linha(changed)
        return
    if position == 3:
        with pytest.raises(ValueError, match="currency"):
            barcode_to_linha(changed)
        return
    if position == 4:
        with pytest.raises(CheckDigitError):
            barcode_to_linha(changed)
        return
    before, after = _remainder(barcode), _remainder(changed)
    assert before != after
    if {before, after} <= {0, 1, 10}:
        assert linha_to_barcode(barcode_to_linha(changed)) == changed
    else:
        with pytest.raises(CheckDigitError):
            barcode_to_linha(changed)


def test_barcode_blind_spot_example():
    """The standard's blind spot, concretely: two barcodes one digit apart
    (factor 3769 -> 7769, a due date 4000 days later), remainders 0 and 10
    modulo 11, both written check digit 1: both are valid."""
    a = "00191376900000135000000001238798977770016800"
    b = "00191776900000135000000001238798977770016800"
    assert sum(x != y for x, y in zip(a, b, strict=True)) == 1
    assert {_remainder(a), _remainder(b)} == {0, 10}
    assert linha_to_barcode(barcode_to_linha(a)) == a
    assert linha_to_barcode(barcode_to_linha(b)) == b


# --------------------------------------------------------------------------
# Due-date factor
# --------------------------------------------------------------------------


def test_factor_rollover():
    assert due_date_factor(date(2025, 2, 20)) == 9998
    assert due_date_factor(date(2025, 2, 21)) == 9999
    assert due_date_factor(date(2025, 2, 22)) == 1000
    assert due_date_factor(date(2025, 2, 23)) == 1001
    assert due_date_factor(FACTOR_ROLLOVER) == 1000
    assert due_date_factor(LAST_DUE_DATE) == 9999
    assert LAST_DUE_DATE == date(2049, 10, 13)
    assert due_date_factor(datetime(2025, 2, 22, 23, 59)) == 1000
    # Read around the rollover, both sides decode right.
    for today in (date(2025, 2, 21), date(2025, 2, 22), date(2025, 3, 1)):
        assert factor_to_date(9999, today) == date(2025, 2, 21)
        assert factor_to_date(1000, today) == date(2025, 2, 22)
        assert factor_to_date(1001, today) == date(2025, 2, 23)


@pytest.mark.parametrize(
    "due", [date(2000, 7, 2), date(1999, 1, 1), date(2049, 10, 14), date(2060, 1, 1)]
)
def test_factor_out_of_range(due):
    with pytest.raises(ValueError, match="outside the range of the due-date factor"):
        due_date_factor(due)


def test_factor_window_edges():
    today = date(2026, 11, 27)
    first = today - timedelta(days=WINDOW_BEFORE)
    last = today + timedelta(days=WINDOW_AFTER)
    assert factor_to_date(due_date_factor(first), today) == first
    assert factor_to_date(due_date_factor(last), today) == last
    for outside in (first - timedelta(days=1), last + timedelta(days=1)):
        with pytest.raises(ValueError, match="FEBRABAN's window"):
            factor_to_date(due_date_factor(outside), today)
    # 8501 days of window < 9000 of a cycle: the window holds at most one date
    # of each factor, and the 499 factors of the gap designate none.
    gap = [f for f in range(1000, 10000) if not _decodes(f, today)]
    assert len(gap) == 9000 - (WINDOW_BEFORE + WINDOW_AFTER + 1)


def _decodes(factor, today):
    try:
        factor_to_date(factor, today)
    except ValueError:
        return False
    return True


@settings(deadline=None)
@given(
    st.dates(min_value=date(2000, 7, 3), max_value=date(2049, 10, 13)),
    st.integers(-WINDOW_AFTER, WINDOW_BEFORE),
)
def test_factor_round_trip_in_window(due, offset):
    today = due + timedelta(days=offset)
    assert factor_to_date(due_date_factor(due), today) == due


def test_factor_to_date_bad_input():
    with pytest.raises(ValueError, match="no due date"):
        factor_to_date(0, date(2026, 1, 1))
    for factor in (999, 10000, -5):
        with pytest.raises(ValueError, match="between 1000 and 9999"):
            factor_to_date(factor, date(2026, 1, 1))
    with pytest.raises(TypeError):
        factor_to_date("2525", date(2026, 1, 1))
    with pytest.raises(TypeError):
        factor_to_date(2525, "2026-01-01")
    with pytest.raises(TypeError):
        due_date_factor("2026-01-01")


# --------------------------------------------------------------------------
# make_boleto: per bank
# --------------------------------------------------------------------------

DUE = date(2026, 12, 15)
AMOUNT = D("1234.56")


def _boleto(bank, nosso_numero, **agreement):
    return make_boleto(
        bank, nosso_numero=nosso_numero, due=DUE, amount=AMOUNT, **agreement
    )


def _check_common(boleto, bank):
    assert isinstance(boleto, Boleto)
    assert boleto.barcode[:3] == bank
    assert boleto.barcode[3] == "9"
    assert boleto.barcode[5:9] == f"{due_date_factor(DUE):04d}"
    assert boleto.barcode[9:19] == "0000123456"
    assert boleto.barcode[19:] == boleto.campo_livre
    assert barcode_to_linha(boleto.barcode) == boleto.linha
    assert format_linha(boleto.linha) == boleto.formatted_linha
    with pytest.raises(AttributeError):
        boleto.barcode = "0"


def test_campo_livre_banco_do_brasil():
    agreement = {"agencia": "1234", "conta": "5678901", "carteira": "17"}
    b7 = _boleto("001", "123", convenio="7654321", **agreement)
    assert b7.campo_livre == "000000" + "7654321" + "0000000123" + "17"
    assert b7.nosso_numero == "76543210000000123"  # 17 digits, no DV
    b6 = _boleto("001", "123", convenio="765432", **agreement)
    assert b6.campo_livre == "765432" + "00123" + "1234" + "05678901" + "17"
    b4 = _boleto("001", "123", convenio="7654", **agreement)
    assert b4.campo_livre == "7654" + "0000123" + "1234" + "05678901" + "17"
    # DV: modulo 11, weights 9..2 from the right, the remainder itself.
    for boleto, number in ((b6, "76543200123"), (b4, "76540000123")):
        weights = (9, 8, 7, 6, 5, 4, 3, 2)
        remainder = (
            sum(int(c) * weights[i % 8] for i, c in enumerate(reversed(number))) % 11
        )
        assert (
            boleto.nosso_numero == f"{number}-{'X' if remainder == 10 else remainder}"
        )
        _check_common(boleto, "001")
    _check_common(b7, "001")
    # The remainder 10 is written X.
    seq = next(
        s
        for s in range(1, 1000)
        if _boleto("001", s, convenio="7654", **agreement).nosso_numero.endswith("X")
    )
    assert _boleto("001", seq, convenio="7654", **agreement).nosso_numero[-2:] == "-X"


def test_campo_livre_banco_do_brasil_sequence_lengths():
    agreement = {"agencia": "1", "conta": "2", "carteira": "18"}
    for convenio, length in (("1234", 7), ("123456", 5), ("1234567", 10)):
        _boleto("001", "9" * length, convenio=convenio, **agreement)
        with pytest.raises(ValueError, match=f"at most {length} digits"):
            _boleto("001", "1" + "0" * length, convenio=convenio, **agreement)
    with pytest.raises(ValueError, match="4, 6 or 7 digits"):
        _boleto("001", "1", convenio="12345", **agreement)
    with pytest.raises(ValueError, match="4, 6 or 7 digits"):
        _boleto("001", "1", convenio="12345678", **agreement)


def test_campo_livre_itau():
    boleto = _boleto("341", "12345678", agencia="57", conta="123", carteira="109")
    dac = mod10("0057" + "00123" + "109" + "12345678")
    assert boleto.campo_livre == (
        "109"
        + "12345678"
        + str(dac)
        + "0057"
        + "00123"
        + str(mod10("005700123"))
        + "000"
    )
    assert boleto.nosso_numero == f"109/12345678-{dac}"
    _check_common(boleto, "341")
    # Carteiras 126, 131, 146, 150, 168: DAC of carteira + nosso número only.
    for carteira in ("126", "131", "146", "150", "168"):
        short = _boleto("341", "12345678", agencia="57", conta="123", carteira=carteira)
        assert (
            short.nosso_numero == f"{carteira}/12345678-{mod10(carteira + '12345678')}"
        )
    for carteira in ("106", "107", "122", "142", "143", "195", "196", "198"):
        with pytest.raises(ValueError, match="not supported"):
            Itau(agencia="57", conta="123", carteira=carteira)


def test_campo_livre_bradesco():
    boleto = _boleto("237", "1", agencia="278", conta="39232", carteira="9")
    assert boleto.campo_livre == "0278" + "09" + "00000000001" + "0039232" + "0"
    assert boleto.nosso_numero == "09/00000000001-1"
    _check_common(boleto, "237")


def test_campo_livre_caixa():
    boleto = _boleto(
        "104", "123456789012345", agencia="1825", codigo_beneficiario="245274"
    )
    nosso = "14123456789012345"
    assert boleto.campo_livre[:7] == "2452740"  # beneficiário + its DV
    assert boleto.campo_livre[7:24] == nosso[2:5] + "1" + nosso[5:8] + "4" + nosso[8:17]
    weights = (2, 3, 4, 5, 6, 7, 8, 9)
    dv = (
        11
        - sum(
            int(c) * weights[i % 8]
            for i, c in enumerate(reversed(boleto.campo_livre[:24]))
        )
        % 11
    )
    assert boleto.campo_livre[24] == str(0 if dv > 9 else dv)
    assert boleto.nosso_numero.startswith(nosso + "-")
    _check_common(boleto, "104")
    seven = _boleto("104", "1", agencia="1825", codigo_beneficiario="1100000")
    assert seven.campo_livre.startswith("1100000" + "000" + "1")
    _check_common(seven, "104")
    for code in ("0", "1000000", "1099999"):
        with pytest.raises(ValueError, match="codigo_beneficiario of Caixa"):
            Caixa(agencia="1825", codigo_beneficiario=code)


def test_campo_livre_santander():
    boleto = _boleto(
        "033", "42", agencia="59", codigo_beneficiario="1899775", carteira="101"
    )
    assert boleto.campo_livre[:20] == "9" + "1899775" + "000000000042"
    assert boleto.campo_livre[21:] == "0" + "101"
    assert boleto.nosso_numero == "000000000042-" + boleto.campo_livre[20]
    _check_common(boleto, "033")
    insurer = _boleto(
        "033",
        "42",
        agencia="59",
        codigo_beneficiario="1899775",
        carteira="101",
        iof="7",
    )
    assert insurer.campo_livre[21] == "7"
    with pytest.raises(ValueError, match="iof"):
        Santander(agencia="59", codigo_beneficiario="1", iof="3")


def test_campo_livre_sicoob():
    boleto = _boleto(
        "756",
        "2",
        agencia="4327",
        codigo_beneficiario="229385",
        modalidade="1",
        parcela="3",
    )
    assert (
        boleto.campo_livre == "1" + "4327" + "01" + "0229385" + "0000002" + "4" + "003"
    )
    assert boleto.nosso_numero == "0000002-4"
    _check_common(boleto, "756")


@st.composite
def agreements(draw):
    def num(n):
        return draw(st.text(DIGITS, min_size=1, max_size=n))

    cls = draw(st.sampled_from(sorted(BANKS.values(), key=lambda c: c.BANK)))
    if cls is BancoDoBrasil:
        size = draw(st.sampled_from([4, 6, 7]))
        convenio = draw(st.text(DIGITS, min_size=size, max_size=size))
        return cls(agencia=num(4), conta=num(8), convenio=convenio, carteira=num(2))
    if cls is Itau:
        carteira = draw(st.sampled_from(["109", "112", "157", "168", "175"]))
        return cls(agencia=num(4), conta=num(5), carteira=carteira)
    if cls is Bradesco:
        return cls(agencia=num(4), conta=num(7), carteira=num(2))
    if cls is Caixa:
        code = draw(st.integers(1, 999999) | st.integers(1100000, 9999999))
        return cls(agencia=num(4), codigo_beneficiario=str(code))
    if cls is Santander:
        return cls(agencia=num(4), codigo_beneficiario=num(7), carteira="101")
    return cls(agencia=num(4), codigo_beneficiario=num(7), modalidade="01")


@settings(deadline=None)
@given(
    agreements(),
    st.data(),
    st.dates(min_value=date(2000, 7, 3), max_value=date(2049, 10, 13)),
    st.integers(1, 9_999_999_999),
)
def test_make_boleto_any_agreement(agreement, data, due, cents):
    length = agreement.nosso_numero_length()
    seq = data.draw(st.text(DIGITS, min_size=1, max_size=length))
    amount = D(cents) / 100
    boleto = make_boleto(
        agreement.BANK, agreement, nosso_numero=seq, due=due, amount=amount
    )
    assert len(boleto.barcode) == 44
    assert len(boleto.campo_livre) == 25
    assert linha_to_barcode(boleto.formatted_linha) == boleto.barcode
    parsed = parse_barcode(boleto.barcode)
    assert parsed.amount == amount
    assert factor_to_date(parsed.factor, due) == due
    assert parsed.campo_livre == boleto.campo_livre
    # The sequence is in the printed nosso número.
    assert seq.zfill(length) in boleto.nosso_numero.replace("/", "")
    # Same inputs as keyword fields give the same boleto.
    fields_ = {
        name: getattr(agreement, name)
        for name in agreement.__dataclass_fields__
        if agreement.__dataclass_fields__[name].init
    }
    again = make_boleto(
        agreement.BANK, nosso_numero=seq, due=due, amount=amount, **fields_
    )
    assert again.barcode == boleto.barcode


# --------------------------------------------------------------------------
# make_boleto: bad input
# --------------------------------------------------------------------------

BB = {"agencia": "4042", "conta": "61900", "convenio": "1238798", "carteira": "18"}


def test_amount_rules():
    with pytest.raises(TypeError, match="float"):
        make_boleto("001", nosso_numero="1", due=DUE, amount=10.5, **BB)
    with pytest.raises(TypeError):
        make_boleto("001", nosso_numero="1", due=DUE, amount="10.50", **BB)
    top = make_boleto("001", nosso_numero="1", due=DUE, amount=D("99999999.99"), **BB)
    assert top.barcode[9:19] == "9999999999"
    with pytest.raises(ValueError, match="10-digit field"):
        make_boleto("001", nosso_numero="1", due=DUE, amount=D("100000000.00"), **BB)
    with pytest.raises(ValueError, match="whole cents"):
        make_boleto("001", nosso_numero="1", due=DUE, amount=D("10.505"), **BB)
    for amount in (D(0), D("-1")):
        with pytest.raises(ValueError, match="positive"):
            make_boleto("001", nosso_numero="1", due=DUE, amount=amount, **BB)
    whole = make_boleto("001", nosso_numero="1", due=DUE, amount=10, **BB)
    assert whole.amount == D("10.00")
    assert whole.barcode[9:19] == "0000001000"


def test_positional_call():
    agreement = BancoDoBrasil(**BB)
    by_position = make_boleto(
        "001", agreement, "7777700168", date(2008, 2, 3), D("135.00")
    )
    assert by_position.barcode == "00193377100000135000000001238798777770016818"
    with pytest.raises(TypeError, match="missing due, amount"):
        make_boleto("001", agreement, "7777700168")


def test_unknown_bank():
    for bank in ("999", "077", "abc", 1000):
        with pytest.raises(
            ValueError, match="supported banks: 001 .*033 .*104 .*237 .*341 .*756"
        ):
            make_boleto(bank, nosso_numero="1", due=DUE, amount=AMOUNT, **BB)
    assert make_boleto(1, nosso_numero="1", due=DUE, amount=AMOUNT, **BB).bank == "001"


def test_due_date_out_of_range():
    with pytest.raises(ValueError, match="outside the range"):
        make_boleto(
            "001", nosso_numero="1", due=date(2049, 10, 14), amount=AMOUNT, **BB
        )


def test_agreement_fields_checked():
    with pytest.raises(ValueError, match="has no agreement field convenio"):
        make_boleto("341", nosso_numero="1", due=DUE, amount=AMOUNT, **BB)
    with pytest.raises(ValueError, match="needs the agreement fields: conta"):
        make_boleto("237", nosso_numero="1", due=DUE, amount=AMOUNT, agencia="1")
    with pytest.raises(ValueError, match="conta must have at most 7 digits"):
        Bradesco(agencia="1", conta="12345678")
    with pytest.raises(ValueError, match="agencia must contain only digits"):
        Sicoob(agencia="43-7", codigo_beneficiario="1")
    with pytest.raises(ValueError, match="nosso_numero must have at most 8 digits"):
        make_boleto(
            "341",
            Itau(agencia="1", conta="2"),
            nosso_numero="123456789",
            due=DUE,
            amount=AMOUNT,
        )
    # Extra leading zeros change nothing; significant digits are never cut.
    assert Bradesco(agencia="00001172", conta="1").agencia == "1172"
    with pytest.raises(ValueError, match="not one of bank 001"):
        make_boleto(
            "001",
            Itau(agencia="1", conta="2"),
            nosso_numero="1",
            due=DUE,
            amount=AMOUNT,
        )
    with pytest.raises(TypeError, match="not both"):
        make_boleto(
            "001",
            BancoDoBrasil(**BB),
            nosso_numero="1",
            due=DUE,
            amount=AMOUNT,
            agencia="1",
        )
    with pytest.raises(TypeError):
        Bradesco(agencia=1.5, conta="1")


@settings(deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_linha_garbage_never_crashes(text):
    assume(len(text.replace(".", "").replace(" ", "")) != 47 or not text.isascii())
    with pytest.raises(ValueError):
        linha_to_barcode(text)


@pytest.mark.parametrize(
    ("bank", "printed"),
    [
        # The codes as printed on the slips of each bank (FEBRABAN list).
        ("001", "001-9"),
        ("341", "341-7"),
        ("237", "237-2"),
        ("104", "104-0"),
        ("033", "033-7"),
        ("756", "756-0"),
    ],
)
def test_bank_code_dv(bank, printed):
    assert boleto_mod.bank_code_dv(bank) == printed


def test_bank_code_dv_unknown_bank():
    with pytest.raises(ValueError, match="unsupported bank"):
        boleto_mod.bank_code_dv("999")
