# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from decimal import Decimal

import pytest
from cobranca.cnab240 import (
    LINE_LENGTH,
    BankAccount,
    CnabAgreementError,
    CnabError,
    CnabFieldError,
    Payer,
    RetornoTitle,
    Title,
    late_charge_terms,
    read_remessa,
    read_retorno,
    write_remessa,
    write_retorno,
)
from conftest import VECTORS_DIR
from hypothesis import given, settings
from hypothesis import strategies as st

D = Decimal
CNAB_DIR = VECTORS_DIR / "cnab240"


def _golden(name):
    path = CNAB_DIR / name
    assert path.is_file(), f"golden file missing from the repository: {path}"
    return path.read_text(encoding="latin-1")


# The agreements of the golden files (kivanio/brcobranca, MIT; see
# tests/vectors/cnab240/SOURCES.rst).
BB_RETORNO = BankAccount(
    bank="001",
    company_name="XXXXXXXXXX",
    company_doc="35643899000145",
    agencia="1234",
    agencia_dv="5",
    conta="5432",
    conta_dv="1",
    convenio="1999957",
)
BB_REMESSA = BankAccount(
    bank="001",
    company_name="SOCIEDADE BRASILEIRA DE ZOOLOGIA LTDA",
    company_doc="12345678901",
    agencia="1234",
    agencia_dv="3",
    conta="12345",
    conta_dv="5",
    convenio="1234567",
    carteira="12",
    variacao="123",
    carteira_code="7",
)
SICOOB_REMESSA = BankAccount(
    bank="756",
    company_name="SOCIEDADE BRASILEIRA DE ZOOLOGIA LTDA",
    company_doc="74576177000177",
    agencia="4327",
    agencia_dv="3",
    conta="03666",
    conta_dv="8",
    modalidade="01",
)
SICOOB = BankAccount(
    bank="756",
    company_name="RAZAO SOCIAL SICOOB",
    company_doc="82991308000100",
    agencia="3039",
    agencia_dv="0",
    conta="4898",
    conta_dv="1",
)


# --------------------------------------------------------------------------
# Golden files
# --------------------------------------------------------------------------


def test_golden_bb_retorno():
    """brcobranca spec/brcobranca/retorno/retorno_cnab_240_spec.rb asserts
    these values of the first title of spec/arquivos/CNAB240.RET."""
    retorno = read_retorno(_golden("brcobranca-bb-retorno.ret"), BB_RETORNO)
    assert len(retorno.titles) == 35
    assert retorno.created == date(2011, 12, 29)
    first = retorno.titles[0]
    assert first.line == 3
    assert first.movement == "17"
    assert first.kind == "liquidacao"
    assert first.nosso_numero == "14499570000020673"
    assert first.due is None  # 00000000
    assert first.amount == D("344.00")
    assert first.collecting_bank == "001"
    assert first.credit_date == date(2012, 1, 2)
    assert first.occurrence_date == date(2011, 12, 29)
    assert first.other_expenses == D("0.04")
    assert first.iof == D("0.03")
    assert first.rebate == D("0.02")
    assert first.discount == D("0.01")
    assert first.paid == D("344.00")
    assert first.interest_fine == D("0.09")
    assert first.other_credits == D("0.05")
    assert first.tariff == D("1.03")
    assert first.reasons == ("03",)
    assert first.credited == D("342.97")
    assert all(t.kind == "liquidacao" for t in retorno.titles)


def test_golden_bb_remessa():
    """brcobranca spec/brcobranca/remessa/cnab240/banco_brasil_spec.rb: the
    inputs of its fixture (remessa-banco_brasil-cnab240.rem)."""
    remessa = read_remessa(_golden("brcobranca-bb-remessa.rem"), BB_REMESSA)
    assert remessa.created == date(2015, 7, 14)
    (title,) = remessa.titles
    # convênio of 7 digits: convênio + the 10-digit sequence, no DV.
    assert title.nosso_numero == "12345670000000123"
    assert title.amount == D("199.90")
    assert title.document_number == "000000000006969"
    assert title.company_reference.strip() == "6969"
    assert title.due == date(2015, 7, 14)
    assert title.especie == "02"
    assert title.accepted == "N"
    assert title.payer.doc == "12345678901"
    assert title.payer.name == "PABLO DIEGO JOSE FRANCISCO DE PAULA JUAN"
    assert title.payer.zip == "12345678"
    assert title.payer.state == "SP"
    assert title.movement == "01"


def test_golden_sicoob_remessa():
    """brcobranca spec/brcobranca/remessa/cnab240/sicoob_spec.rb: the inputs
    of its fixture (remessa-bancoob-cnab240.rem)."""
    remessa = read_remessa(_golden("brcobranca-sicoob-remessa.rem"), SICOOB_REMESSA)
    (title,) = remessa.titles
    # nosso número with DV (10) + parcela + modalidade + formulário.
    assert title.nosso_numero == "429715"
    assert title.parcela == "01"
    assert title.amount == D("50.00")
    assert title.interest_code == "0"  # Sicoob's "isento"
    assert title.protest_code == "1"
    assert title.payer.doc == "82136760505"
    assert title.payer.state == "RJ"


def test_golden_sicoob_retorno_header_is_malformed():
    """brcobranca's Sicoob retorno fixture has a file header shifted by 17
    positions (the retorno code at 126 instead of 143): refused, naming the
    line and the field."""
    with pytest.raises(CnabFieldError) as info:
        read_retorno(_golden("brcobranca-sicoob-retorno.ret"), SICOOB)
    assert info.value.line == 1
    assert info.value.field == "created"
    assert "line 1, file header, field 'created'" in str(info.value)


def test_golden_sicoob_retorno_segments():
    """The T/U segments of the same fixture, under a well-formed header and
    trailers (ours): the values brcobranca's sicoob_spec.rb asserts."""
    lines = _golden("brcobranca-sicoob-retorno.ret").splitlines()
    built = write_retorno(SICOOB, [], file_number=1, created=date(2015, 8, 11))
    header, batch, trailer, file_trailer = built.splitlines()
    trailer = trailer[:17] + "000008" + trailer[23:]
    file_trailer = file_trailer[:23] + "000010" + file_trailer[29:]
    text = "\r\n".join([header, batch, *lines[2:8], trailer, file_trailer])
    retorno = read_retorno(text, SICOOB)
    assert len(retorno.titles) == 3
    first = retorno.titles[0]
    assert first.nosso_numero == "83"
    assert first.movement == "06"
    assert first.kind == "liquidacao"
    assert first.due == date(2015, 8, 13)
    assert first.amount == D("2.00")
    assert first.collecting_bank == "756"
    assert first.paid == D("2.00")
    assert first.tariff == D("1.70")
    assert first.occurrence_date == first.credit_date == date(2015, 8, 10)
    assert first.reasons == ("03",)


# --------------------------------------------------------------------------
# Retorno: agreement, kinds, malformed lines
# --------------------------------------------------------------------------


def test_retorno_of_another_agreement_is_refused_whole():
    text = _golden("brcobranca-bb-retorno.ret")
    others = [
        BankAccount(**{**BB_RETORNO.__dict__, "convenio": "1999958"}),
        BankAccount(**{**BB_RETORNO.__dict__, "agencia": "4321"}),
        BankAccount(**{**BB_RETORNO.__dict__, "conta": "5433"}),
        BankAccount(**{**BB_RETORNO.__dict__, "company_doc": "11222333000181"}),
    ]
    for account in others:
        with pytest.raises(CnabAgreementError, match="refused whole"):
            read_retorno(text, account)
    with pytest.raises(CnabAgreementError, match="bank 001, expected 756"):
        read_retorno(text, SICOOB)


EVENTS = [
    RetornoTitle(
        movement="02",
        nosso_numero="12345670000000001",
        document_number="INV/2026/0001",
        due=date(2026, 12, 10),
        amount=D("150.00"),
        tariff=D("1.50"),
    ),
    RetornoTitle(
        movement="03",
        nosso_numero="12345670000000002",
        due=date(2026, 12, 10),
        amount=D("99.90"),
        reasons=("08", "48"),
    ),
    RetornoTitle(
        movement="06",
        nosso_numero="12345670000000001",
        due=date(2026, 12, 10),
        amount=D("150.00"),
        tariff=D("1.50"),
        interest_fine=D("4.50"),
        discount=D("0.00"),
        paid=D("154.50"),
        credited=D("153.00"),
        occurrence_date=date(2026, 12, 20),
        credit_date=date(2026, 12, 21),
        collecting_bank="237",
    ),
    RetornoTitle(movement="09", nosso_numero="12345670000000003", amount=D("10.00")),
]
BB_ACCOUNT = BankAccount(
    bank="001",
    company_name="Empresa Exemplo Ltda",
    company_doc="11222333000181",
    agencia="1234",
    agencia_dv="3",
    conta="99999",
    conta_dv="7",
    convenio="1234567",
    carteira="17",
    variacao="019",
    carteira_code="7",
)


def test_retorno_kinds():
    text = write_retorno(BB_ACCOUNT, EVENTS, file_number=7, created=date(2026, 12, 21))
    assert all(len(line) == LINE_LENGTH for line in text.splitlines())
    retorno = read_retorno(text, BB_ACCOUNT)
    assert retorno.file_number == 7
    assert retorno.titles == tuple(EVENTS)
    kinds = [t.kind for t in retorno.titles]
    assert kinds == ["entrada_confirmada", "entrada_rejeitada", "liquidacao", "baixa"]
    assert retorno.titles[1].reasons == ("08", "48")
    paid = retorno.titles[2]
    assert paid.paid - paid.interest_fine + paid.discount == paid.amount
    assert paid.credited == paid.paid - paid.tariff
    assert [t.line for t in retorno.titles] == [3, 5, 7, 9]


def _replace(text, line_number, start, new):
    lines = text.splitlines()
    line = lines[line_number - 1]
    lines[line_number - 1] = line[: start - 1] + new + line[start - 1 + len(new) :]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    ("line", "start", "new", "field"),
    [
        (8, 78, "0000000000X4550", "paid"),  # segment U of the liquidation
        (7, 199, "00000000000015A", "tariff"),
        (7, 74, "32122026", "due"),
        (8, 146, "21132026", "credit_date"),
        (9, 9, "00002", "sequence"),
        (11, 18, "000999", "records"),
        (12, 24, "000099", "records"),
        (6, 16, "07", "movement"),  # the U of a T with 03
    ],
)
def test_retorno_malformed_line_names_line_and_field(line, start, new, field):
    text = write_retorno(BB_ACCOUNT, EVENTS, file_number=7, created=date(2026, 12, 21))
    broken = _replace(text, line, start, new)
    with pytest.raises(CnabFieldError) as info:
        read_retorno(broken, BB_ACCOUNT)
    assert info.value.field == field
    assert info.value.line is not None
    assert f"line {info.value.line}" in str(info.value)


def test_retorno_line_too_long_or_missing():
    text = write_retorno(BB_ACCOUNT, EVENTS, file_number=7, created=date(2026, 12, 21))
    lines = text.splitlines()
    too_long = "\r\n".join([*lines[:3], lines[3] + "X", *lines[4:]])
    with pytest.raises(CnabFieldError, match="line 4, line, field 'length'"):
        read_retorno(too_long, BB_ACCOUNT)
    missing_u = "\r\n".join([*lines[:3], *lines[4:]])
    with pytest.raises(CnabFieldError):
        read_retorno(missing_u, BB_ACCOUNT)
    with pytest.raises(CnabError, match="fewer than 4 lines"):
        read_retorno("\r\n".join(lines[:2]), BB_ACCOUNT)
    # A truncated line (trailing blanks lost) is read; one cut into its
    # numbers fails on the first missing numeric field.
    cut = "\r\n".join([*lines[:2], lines[2][:200], *lines[3:]])
    with pytest.raises(CnabFieldError) as info:
        read_retorno(cut, BB_ACCOUNT)
    assert (info.value.line, info.value.field) == (3, "tariff")
    # Cut only in its trailing blanks, a line is read as it was.
    blanks = "\r\n".join([*lines[:3], lines[3][:160], *lines[4:]])
    assert read_retorno(blanks, BB_ACCOUNT) == read_retorno(text, BB_ACCOUNT)


def test_retorno_remessa_directions_not_confused():
    remessa = write_remessa(
        BB_ACCOUNT, [_title()], file_number=1, created=date(2026, 12, 1)
    )
    with pytest.raises(CnabFieldError, match="direction"):
        read_retorno(remessa, BB_ACCOUNT)


# --------------------------------------------------------------------------
# Remessa: fields, validation, round trip
# --------------------------------------------------------------------------

PAYER = Payer(
    doc="12345678909",
    name="José da Silva Ção",
    street="Rua das Flores, 10",
    district="Centro",
    zip="01001000",
    city="São Paulo",
    state="SP",
)


def _title(**changes):
    values = {
        "nosso_numero": "12345670000000042",
        "document_number": "INV/2026/0042",
        "due": date(2026, 12, 10),
        "amount": D("1500.00"),
        "issue_date": date(2026, 11, 27),
        "payer": PAYER,
        "interest_code": "2",
        "interest_date": date(2026, 12, 11),
        "interest": D("1.00"),
        "fine_code": "2",
        "fine_date": date(2026, 12, 11),
        "fine": D("2.00"),
        "discount_code": "1",
        "discount_date": date(2026, 12, 5),
        "discount": D("15.00"),
        "protest_code": "1",
        "protest_days": 5,
        "company_reference": "dunning:42",
    }
    values.update(changes)
    return Title(**values)


def test_remessa_fields():
    text = write_remessa(
        BB_ACCOUNT,
        [_title()],
        file_number=12,
        created=date(2026, 11, 27),
        created_time="101500",
    )
    lines = text.split("\r\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert len(lines) == 7
    assert all(len(line) == LINE_LENGTH for line in lines)
    header, batch, p, q, r, batch_trailer, trailer = lines
    assert header[:8] == "00100000"
    assert header[17:32] == "211222333000181"
    assert header[32:52] == "0012345670014" + "17" + "019" + "  "
    assert header[52:58] == "012343"
    assert header[58:71] == "0000000999997"
    assert header[142:157] == "1" + "27112026" + "101500"
    assert header[157:171] == "000012" + "083" + "00000"
    assert batch[:17] == "00100011R01  042 "
    assert batch[183:191] == "00000012"
    assert p[:17] == "0010001300001P 01"
    assert p[37:57] == "12345670000000042   "
    assert p[57] == "7"
    assert p[62:77] == "INV/2026/0042  "
    assert p[77:100] == "10122026" + "000000000150000"
    assert p[106:117] == "02N27112026"
    assert p[117:141] == "2" + "11122026" + "000000000000100"
    assert p[141:165] == "1" + "05122026" + "000000000001500"
    assert p[195:220] == "DUNNING:42".ljust(25)
    assert p[220:229] == "105" + "1060" + "09"
    assert q[:17] == "0010001300002Q 01"
    assert q[17:33] == "1000012345678909"
    assert q[33:73] == "JOSE DA SILVA CAO".ljust(40)
    assert q[128:136] == "01001000"
    assert q[136:153] == "SAO PAULO      SP"
    assert r[:17] == "0010001300003R 01"
    assert r[65:89] == "2" + "11122026" + "000000000000200"
    assert batch_trailer[:23] == "00100015         000005"
    assert trailer[:29] == "00199999         000001000007"


def test_remessa_sicoob_nosso_numero():
    account = BankAccount(**SICOOB_REMESSA.__dict__)
    title = _title(nosso_numero="4297150", parcela="02")
    p = write_remessa(
        account, [title], file_number=1, created=date(2026, 11, 27)
    ).split("\r\n")[2]
    assert p[37:57] == "0004297150" + "02" + "01" + "4" + "     "
    assert p[:3] == "756"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": D("10000000000000.00")}, "amount"),
        ({"amount": D("10.001")}, "amount"),
        ({"document_number": "X" * 16}, "document_number"),
        ({"company_reference": "X" * 26}, "company_reference"),
        ({"interest": D("1.005")}, "interest"),
        ({"fine": D("2.001")}, "fine"),
    ],
)
def test_remessa_value_that_does_not_fit_raises(changes, field):
    with pytest.raises(CnabFieldError) as info:
        write_remessa(
            BB_ACCOUNT, [_title(**changes)], file_number=1, created=date(2026, 1, 1)
        )
    assert info.value.field == field
    assert info.value.line is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"movement": "99"}, "movement"),
        ({"interest_code": "5"}, "interest_code"),
        ({"interest_code": "3"}, "interest"),
        ({"fine_code": "0"}, "fine"),
        ({"amount": D(0)}, "amount"),
    ],
)
def test_title_checked(changes, field):
    with pytest.raises(CnabFieldError) as info:
        _title(**changes)
    assert info.value.field == field


@pytest.mark.parametrize(
    "changes", [{"protest_code": "1", "protest_days": 0}, {"protest_code": "3"}]
)
def test_protest_days_checked_on_write(changes):
    title = _title(**changes)
    with pytest.raises(CnabFieldError) as info:
        write_remessa(BB_ACCOUNT, [title], file_number=1, created=date(2026, 1, 1))
    assert info.value.field == "protest_days"


def test_remessa_other_checks():
    with pytest.raises(TypeError):
        _title(amount=1500.0)
    with pytest.raises(CnabFieldError, match="nosso_numero"):
        write_remessa(
            BB_ACCOUNT,
            [_title(nosso_numero="1" * 18)],
            file_number=1,
            created=date(2026, 1, 1),
        )
    with pytest.raises(CnabFieldError, match="file_number"):
        write_remessa(
            BB_ACCOUNT, [_title()], file_number=10**6, created=date(2026, 1, 1)
        )
    with pytest.raises(CnabError, match="at least one title"):
        write_remessa(BB_ACCOUNT, [], file_number=1, created=date(2026, 1, 1))
    with pytest.raises(CnabError, match="supported: 001, 756"):
        BankAccount(**{**BB_ACCOUNT.__dict__, "bank": "341"})
    with pytest.raises(CnabFieldError, match="doc"):
        Payer(doc="123", name="X")
    with pytest.raises(CnabFieldError, match="conta"):
        BankAccount(**{**BB_ACCOUNT.__dict__, "conta": "1234567890123"})


def test_remessa_instructions():
    """Baixa, change of due date and protest are remessa records of their own
    movement code."""
    titles = [
        _title(movement="02"),
        _title(movement="06", due=date(2027, 1, 10)),
        _title(movement="09", protest_code="1", protest_days=3),
    ]
    text = write_remessa(BB_ACCOUNT, titles, file_number=2, created=date(2026, 12, 12))
    back = read_remessa(text, BB_ACCOUNT)
    assert [t.movement for t in back.titles] == ["02", "06", "09"]
    assert back.titles[1].due == date(2027, 1, 10)
    assert back.titles[2].protest_days == 3


_TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-", max_size=15).map(
    str.strip
)
_MONEY = st.integers(0, 10**12).map(lambda c: D(c).scaleb(-2))
_DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def titles(draw, sicoob=False):
    interest_code = draw(st.sampled_from(["1", "2", "3"]))
    fine_code = draw(st.sampled_from(["0", "1", "2"]))
    discount_code = draw(st.sampled_from(["0", "1", "2"]))
    protest_code = draw(st.sampled_from(["1", "2", "3"]))
    digits = st.text("0123456789", min_size=1, max_size=7 if sicoob else 17)
    doc = draw(st.sampled_from([11, 14]))
    return Title(
        nosso_numero=draw(digits).lstrip("0") or "1" if sicoob else draw(digits),
        document_number=draw(_TEXT),
        due=draw(_DATES),
        amount=draw(_MONEY.filter(bool)),
        issue_date=draw(_DATES),
        payer=Payer(
            doc=draw(st.text("0123456789", min_size=doc, max_size=doc)),
            name=draw(_TEXT),
            street=draw(_TEXT),
            district=draw(_TEXT),
            zip=draw(st.text("0123456789", min_size=8, max_size=8)),
            city=draw(_TEXT),
            state=draw(st.sampled_from(["SP", "RJ", "MG", ""])),
        ),
        movement=draw(st.sampled_from(["01", "02", "06", "09", "31"])),
        interest_code=interest_code,
        interest_date=draw(_DATES) if interest_code != "3" else None,
        interest=draw(_MONEY) if interest_code != "3" else D(0),
        fine_code=fine_code,
        fine_date=draw(_DATES) if fine_code != "0" else None,
        fine=draw(_MONEY) if fine_code != "0" else D(0),
        discount_code=discount_code,
        discount_date=draw(_DATES) if discount_code != "0" else None,
        discount=draw(_MONEY) if discount_code != "0" else D(0),
        protest_code=protest_code,
        protest_days=draw(st.integers(1, 99)) if protest_code != "3" else 0,
        company_reference=draw(_TEXT),
        message_3=draw(_TEXT),
        parcela=draw(st.sampled_from(["01", "02", "12"])) if sicoob else "01",
    )


@settings(deadline=None)
@given(st.lists(titles(), min_size=1, max_size=5), st.integers(1, 999999), _DATES)
def test_remessa_round_trip_bb(items, number, created):
    text = write_remessa(BB_ACCOUNT, items, file_number=number, created=created)
    assert all(len(line) == LINE_LENGTH for line in text.splitlines())
    back = read_remessa(text, BB_ACCOUNT)
    assert back.file_number == number
    assert back.created == created
    assert back.titles == tuple(items)


@settings(deadline=None)
@given(st.lists(titles(sicoob=True), min_size=1, max_size=5))
def test_remessa_round_trip_sicoob(items):
    text = write_remessa(SICOOB_REMESSA, items, file_number=3, created=date(2026, 1, 2))
    assert read_remessa(text, SICOOB_REMESSA).titles == tuple(items)


@st.composite
def events(draw):
    movement = draw(st.sampled_from(["02", "03", "06", "09", "17", "28"]))
    return RetornoTitle(
        movement=movement,
        nosso_numero=draw(st.text("0123456789", min_size=1, max_size=17)),
        document_number=draw(_TEXT),
        due=draw(st.none() | _DATES),
        amount=draw(_MONEY),
        tariff=draw(_MONEY),
        reasons=tuple(
            draw(st.lists(st.sampled_from(["01", "08", "48", "A4"]), max_size=5))
        ),
        interest_fine=draw(_MONEY),
        discount=draw(_MONEY),
        paid=draw(_MONEY),
        credited=draw(_MONEY),
        occurrence_date=draw(st.none() | _DATES),
        credit_date=draw(st.none() | _DATES),
    )


@settings(deadline=None)
@given(st.lists(events(), max_size=6))
def test_retorno_round_trip(items):
    text = write_retorno(BB_ACCOUNT, items, file_number=5, created=date(2026, 12, 1))
    assert read_retorno(text, BB_ACCOUNT).titles == tuple(items)


def test_remessa_of_boletos():
    """The nosso número of a boleto of cobranca.boleto goes into segment P as
    printed, without its dash (BB convênio 6: with its DV, X included)."""
    from cobranca.boleto import make_boleto

    account = BankAccount(**{**BB_ACCOUNT.__dict__, "convenio": "123879"})
    numbers = []
    for seq in range(1, 60):
        boleto = make_boleto(
            "001",
            agencia="1234",
            conta="99999",
            convenio="123879",
            carteira="17",
            nosso_numero=seq,
            due=date(2026, 12, 10),
            amount=D("10.00"),
        )
        numbers.append(boleto.nosso_numero.replace("-", ""))
    assert any(n.endswith("X") for n in numbers)
    items = [_title(nosso_numero=n) for n in numbers]
    text = write_remessa(account, items, file_number=1, created=date(2026, 12, 1))
    back = read_remessa(text, account)
    assert [t.nosso_numero for t in back.titles] == numbers


def _two_batches(second_account):
    """A retorno of two batches: ours, then one built for ``second_account``."""
    ours = write_retorno(
        BB_ACCOUNT, EVENTS[:1], file_number=7, created=date(2026, 12, 1)
    )
    other = write_retorno(
        second_account, EVENTS[1:2], file_number=7, created=date(2026, 12, 1)
    )
    a, b = ours.splitlines(), other.splitlines()
    second = [line[:3] + "0002" + line[7:] for line in b[1:-1]]
    lines = [*a[:-1], *second, a[-1]]
    lines[-1] = lines[-1][:17] + "000002" + f"{len(lines):06d}" + lines[-1][29:]
    return "\r\n".join(lines) + "\r\n"


def test_every_batch_of_the_agreement():
    both = read_retorno(_two_batches(BB_ACCOUNT), BB_ACCOUNT)
    assert [t.movement for t in both.titles] == ["02", "03"]
    other = BankAccount(**{**BB_ACCOUNT.__dict__, "convenio": "7654321"})
    with pytest.raises(CnabAgreementError, match="line 6, batch header.*refused whole"):
        read_retorno(_two_batches(other), BB_ACCOUNT)


def test_batch_structure():
    lines = write_retorno(
        BB_ACCOUNT, EVENTS[:1], file_number=7, created=date(2026, 12, 1)
    ).splitlines()
    no_trailer = [*lines[:4], lines[5][:17] + "000003" + lines[5][23:]]
    with pytest.raises(CnabFieldError, match="batch 0001 has no trailer") as info:
        read_retorno("\r\n".join(no_trailer), BB_ACCOUNT)
    assert info.value.line == 5
    wrong_batch = [*lines[:2], lines[2][:3] + "0002" + lines[2][7:], *lines[3:]]
    with pytest.raises(CnabFieldError, match="line 3, record, field 'batch'"):
        read_retorno("\r\n".join(wrong_batch), BB_ACCOUNT)
    other_bank = [*lines[:3], "237" + lines[3][3:], *lines[4:]]
    with pytest.raises(CnabFieldError, match="line 4, record, field 'bank'"):
        read_retorno("\r\n".join(other_bank), BB_ACCOUNT)


@settings(deadline=None)
@given(st.integers(0, 12 * 242 - 1), st.characters(codec="latin-1"))
def test_retorno_any_single_change_is_read_or_refused_cleanly(position, char):
    """Any one character changed anywhere: the file is read, or refused with
    a CnabError (never another exception)."""
    text = write_retorno(BB_ACCOUNT, EVENTS, file_number=7, created=date(2026, 12, 21))
    changed = text[:position] + char + text[position + 1 :]
    try:
        read_retorno(changed, BB_ACCOUNT)
    except CnabError as error:
        assert str(error)


def test_late_charge_terms_from_policy():
    from cobranca.charges import LateChargePolicy

    due = date(2026, 12, 10)
    policy = LateChargePolicy(D("10"), D("1"))
    business = late_charge_terms(D("1500.00"), due, policy, consumer=False)
    assert business == {
        "fine_code": "2",
        "fine_date": date(2026, 12, 11),
        "fine": D("10"),
        "interest_code": "2",
        "interest_date": date(2026, 12, 11),
        "interest": D("1"),
    }
    consumer = late_charge_terms(
        D("1500.00"), due, policy, consumer=True, interest_per="day"
    )
    assert consumer["fine"] == D("2")  # CDC art. 52 §1 cap
    assert (consumer["interest_code"], consumer["interest"]) == ("1", D("0.50"))
    title = _title(**consumer)
    r = write_remessa(BB_ACCOUNT, [title], file_number=1, created=date(2026, 12, 1))
    p, _q, r = r.splitlines()[2:5]
    assert p[117:141] == "1" + "11122026" + "000000000000050"
    assert r[65:89] == "2" + "11122026" + "000000000000200"
    none = late_charge_terms(
        D("100.00"), due, LateChargePolicy(D(0), D(0)), consumer=True
    )
    assert (none["fine_code"], none["interest_code"]) == ("0", "3")
    _title(**none)
    with pytest.raises(CnabError, match="less than a cent a day"):
        late_charge_terms(
            D("10.00"),
            due,
            LateChargePolicy(D(0), D("1")),
            consumer=False,
            interest_per="day",
        )
    with pytest.raises(CnabError, match="interest_per"):
        late_charge_terms(D("10.00"), due, policy, consumer=False, interest_per="year")


def test_retorno_digest_identifies_the_file():
    text = write_retorno(BB_ACCOUNT, EVENTS, file_number=7, created=date(2026, 12, 21))
    first = read_retorno(text, BB_ACCOUNT)
    resaved = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    assert read_retorno(resaved, BB_ACCOUNT).digest == first.digest
    other = write_retorno(
        BB_ACCOUNT, EVENTS[:3], file_number=7, created=date(2026, 12, 21)
    )
    assert read_retorno(other, BB_ACCOUNT).digest != first.digest
    assert len(first.digest) == 64


def test_sicoob_retorno_round_trip():
    events = [
        RetornoTitle(
            movement="06", nosso_numero="24", amount=D("50.00"), paid=D("51.00")
        )
    ]
    text = write_retorno(SICOOB, events, file_number=3, created=date(2026, 12, 2))
    t_line = text.splitlines()[2]
    assert t_line[37:57] == "0000000024" + "01" + "01" + "4" + "     "
    assert read_retorno(text, SICOOB).titles == tuple(events)
