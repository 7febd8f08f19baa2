# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""CNAB 240 cobrança files (FEBRABAN 240, version 10.x): remessa (registration
and instructions) written, retorno (the bank's answer) read.

Layout (FEBRABAN *Layout Padrão de Arquivos CNAB 240*, v10, cobrança; the
positions of the layouts in this module are 1-based, both ends included, as
in FEBRABAN's document):

* header de arquivo (record type 0), header de lote (1), detail segments (3)
  — P (title), Q (payer), R (discounts 2-3, fine, messages) in a remessa; T
  (title, tariff, reasons) and U (amounts paid, dates) in a retorno — trailer
  de lote (5), trailer de arquivo (9);
* every line is 240 characters; numbers are right-aligned zero-filled, text
  left-aligned space-filled, upper-case ASCII (accents removed); dates
  ``DDMMAAAA`` (``00000000`` = none); money with 2 implied decimals.

Writing validates every field: a value that does not fit its width raises
:class:`CnabFieldError` naming the record and field; nothing is truncated
silently (free texts — names, addresses, messages — are the only fields cut to
their width, after transliteration, as the layout asks of them).

Reading validates every field it uses: a malformed line raises
:class:`CnabFieldError` naming the line number and field. Lines shorter than
240 characters are completed with spaces (trailing blanks are often stripped
in transit); a truncated line then fails on its first missing numeric field.
A retorno whose bank, company document, convênio, agência or conta (in the
file header or in any batch header) is not the expected one is refused whole
(:class:`CnabAgreementError`), before any title is returned. Remessas are
written with one batch; files of several batches are read.

Banks (:data:`PROFILES`: Banco do Brasil and Sicoob) differ in the agreement
fields of the headers, in the 20-position nosso número of segments P and T and
in the layout versions each bank asks for (:class:`Profile` is FEBRABAN's:
convênio in the 20 positions of the headers, nosso número left-aligned):

* Banco do Brasil (001), *Layout de arquivo retorno/remessa CNAB 240 — Banco
  do Brasil* (as implemented by kivanio/brcobranca
  ``lib/brcobranca/remessa/cnab240/banco_brasil.rb``): convênio field =
  convênio (9, zero-filled) + ``0014`` (cobrança) + carteira (2) + variação
  (3) + 2 blanks; nosso número = convênio + sequence (+ DV for convênios of 4
  and 6 digits), left-aligned; versions 083 (file) and 042 (batch).
* Sicoob (756), *Sicoob — Layout CNAB 240 cobrança bancária*
  (kivanio/brcobranca ``lib/brcobranca/remessa/cnab240/sicoob.rb``): convênio
  field blank; nosso número = number with DV (10) + parcela (2) + modalidade
  (2) + tipo de formulário (1, ``4`` = A4) + 5 blanks; versions 081 and 040.

Retorno movement codes are FEBRABAN's (note C044): 02 entrada confirmada, 03
entrada rejeitada (reasons in T 214-223), 06 liquidação, 09 baixa, 17
liquidação após baixa, 28 débito de tarifas, and the instruction
confirmations; each title line of the retorno is a :class:`RetornoTitle`.
"""

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .charges import (
    DAYS_PER_MONTH,
    HUNDRED,
    LateChargePolicy,
    applicable_fine_pct,
    round_cents,
    to_decimal,
)

__all__ = [
    "PROFILES",
    "BankAccount",
    "CnabAgreementError",
    "CnabError",
    "CnabFieldError",
    "Payer",
    "Remessa",
    "RetornoTitle",
    "Title",
    "late_charge_terms",
    "protest_terms",
    "read_remessa",
    "read_retorno",
    "reason_texts",
    "write_remessa",
    "write_retorno",
]

LINE_LENGTH = 240
CENT = Decimal("0.01")

#: Remessa movement codes (FEBRABAN note C004).
REMESSA_MOVEMENTS = {
    "01": "entrada de títulos",
    "02": "pedido de baixa",
    "04": "concessão de abatimento",
    "05": "cancelamento de abatimento",
    "06": "alteração de vencimento",
    "07": "concessão de desconto",
    "08": "cancelamento de desconto",
    "09": "protestar",
    "10": "sustar protesto e baixar título",
    "11": "sustar protesto e manter em carteira",
    "31": "alteração de outros dados",
}
#: Retorno movement codes (FEBRABAN note C044) and the kind of event.
RETORNO_MOVEMENTS = {
    "02": ("entrada_confirmada", "entrada confirmada"),
    "03": ("entrada_rejeitada", "entrada rejeitada"),
    "04": ("other", "transferência de carteira/entrada"),
    "05": ("other", "transferência de carteira/baixa"),
    "06": ("liquidacao", "liquidação"),
    "07": ("instrucao_confirmada", "confirmação da instrução de desconto"),
    "08": ("instrucao_confirmada", "confirmação do cancelamento do desconto"),
    "09": ("baixa", "baixa"),
    "11": ("other", "títulos em carteira (em ser)"),
    "12": ("instrucao_confirmada", "confirmação da instrução de abatimento"),
    "13": ("instrucao_confirmada", "confirmação do cancelamento do abatimento"),
    "14": ("instrucao_confirmada", "confirmação da alteração de vencimento"),
    "17": ("liquidacao", "liquidação após baixa ou de título não registrado"),
    "19": ("instrucao_confirmada", "confirmação da instrução de protesto"),
    "20": ("instrucao_confirmada", "confirmação da sustação de protesto"),
    "23": ("other", "remessa a cartório"),
    "24": ("other", "retirada de cartório"),
    "25": ("baixa", "protestado e baixado"),
    "26": ("instrucao_rejeitada", "instrução rejeitada"),
    "27": ("instrucao_confirmada", "confirmação da alteração de outros dados"),
    "28": ("tarifa", "débito de tarifas/custas"),
    "30": ("instrucao_rejeitada", "alteração de dados rejeitada"),
}
#: Interest codes (C018): 1 amount a day, 2 monthly rate, 3 exempt; Sicoob's
#: manual writes exempt as 0.
INTEREST_CODES = ("0", "1", "2", "3")
#: Fine codes (C073 of v10): 0 none, 1 fixed amount, 2 percentage.
FINE_CODES = ("0", "1", "2")
#: Discount codes (C021): 0 none, 1 fixed amount until the date, 2 percentage
#: until the date.
DISCOUNT_CODES = ("0", "1", "2")
#: Protest codes (C026): 1 calendar days, 2 business days, 3 do not protest.
PROTEST_CODES = ("1", "2", "3")


class CnabError(ValueError):
    """A CNAB file cannot be written or read."""


class CnabFieldError(CnabError):
    """A field does not fit (write) or is malformed (read).

    :attr line: 1-based line number (read) or ``None`` (write).
    :attr record: the record (``"segment P"``, ``"file header"``…).
    :attr field: the field's name.
    """

    def __init__(self, record, field_, message, line=None, value=None):
        self.line = line
        self.record = record
        self.field = field_
        self.value = value
        where = f"line {line}, " if line is not None else ""
        super().__init__(f"{where}{record}, field {field_!r}: {message}")


class CnabAgreementError(CnabError):
    """A retorno of another bank, company or agreement: refused whole."""


# --------------------------------------------------------------------------
# Field codec
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class F:
    """A field: 1-based ``start``/``end`` positions (both included), numeric
    (``N``: right-aligned, zero-filled) or alphanumeric (``A``), with
    ``decimals`` implied decimals for money and rates."""

    name: str
    start: int
    end: int
    kind: str = "N"
    decimals: int = 0
    #: Free text cut to the width (names, addresses, messages).
    cut: bool = False

    @property
    def width(self):
        return self.end - self.start + 1


def ascii_upper(text: str) -> str:
    """Upper-case ASCII: accents removed, other characters replaced by
    spaces (the character set CNAB files accept)."""
    decomposed = unicodedata.normalize("NFKD", text)
    out = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        out.append(char if " " <= char <= "~" else " ")
    return "".join(out).upper()


def _encode(value, spec: F, record: str) -> str:
    width = spec.width
    if spec.kind == "N":
        if value is None:
            value = 0
        if isinstance(value, date):
            text = value.strftime("%d%m%Y")
        elif isinstance(value, Decimal) or spec.decimals:
            amount = to_decimal(value, spec.name)
            scaled = amount.scaleb(spec.decimals)
            if scaled != scaled.to_integral_value():
                raise CnabFieldError(
                    record,
                    spec.name,
                    f"{amount} has more than {spec.decimals} decimals",
                    value=value,
                )
            if scaled < 0:
                raise CnabFieldError(record, spec.name, "negative amount", value=value)
            text = str(int(scaled))
        else:
            text = str(value)
        if not text.isascii() or not text.isdigit():
            raise CnabFieldError(
                record, spec.name, f"not a number: {value!r}", value=value
            )
        if len(text) > width:
            raise CnabFieldError(
                record,
                spec.name,
                f"{value!r} does not fit {width} digits",
                value=value,
            )
        return text.zfill(width)
    text = ascii_upper("" if value is None else str(value))
    if len(text) > width:
        if not spec.cut:
            raise CnabFieldError(
                record,
                spec.name,
                f"{value!r} does not fit {width} characters",
                value=value,
            )
        text = text[:width]
    return text.ljust(width)


def _build(layout: tuple, values: dict, record: str) -> str:
    line = [" "] * LINE_LENGTH
    for spec in layout:
        text = _encode(values.get(spec.name), spec, record)
        line[spec.start - 1 : spec.end] = text
    result = "".join(line)
    assert len(result) == LINE_LENGTH
    return result


def _raw(line: str, spec: F) -> str:
    return line[spec.start - 1 : spec.end]


def _decode(line: str, spec: F, record: str, number: int):
    raw = _raw(line, spec)
    if spec.kind == "A":
        return raw.rstrip()
    if not raw.isascii() or not raw.isdigit():
        raise CnabFieldError(
            record, spec.name, f"{raw!r} is not a number", line=number, value=raw
        )
    if spec.decimals:
        return (
            Decimal(int(raw))
            .scaleb(-spec.decimals)
            .quantize(Decimal(1).scaleb(-spec.decimals))
        )
    return raw


def _decode_date(line: str, spec: F, record: str, number: int):
    raw = _decode(line, spec, record, number)
    if raw == "00000000":
        return None
    try:
        return date(int(raw[4:8]), int(raw[2:4]), int(raw[0:2]))
    except ValueError:
        raise CnabFieldError(
            record,
            spec.name,
            f"{raw!r} is not a date (DDMMAAAA)",
            line=number,
            value=raw,
        ) from None


def _parse(layout: tuple, line: str, record: str, number: int, dates=()) -> dict:
    values = {}
    for spec in layout:
        if spec.name in dates:
            values[spec.name] = _decode_date(line, spec, record, number)
        else:
            values[spec.name] = _decode(line, spec, record, number)
    return values


# --------------------------------------------------------------------------
# Layouts (FEBRABAN 240 v10, cobrança)
# --------------------------------------------------------------------------

_CONTROL = (
    F("bank", 1, 3),
    F("batch", 4, 7),
    F("record_type", 8, 8),
)
_ACCOUNT_FILE = (
    F("company_doc_type", 18, 18),
    F("company_doc", 19, 32),
    F("agreement", 33, 52, "A"),
    F("agencia", 53, 57),
    F("agencia_dv", 58, 58, "A"),
    F("conta", 59, 70),
    F("conta_dv", 71, 71, "A"),
    F("agencia_conta_dv", 72, 72, "A"),
    F("company_name", 73, 102, "A", cut=True),
)
FILE_HEADER = (
    *_CONTROL,
    *_ACCOUNT_FILE,
    F("bank_name", 103, 132, "A", cut=True),
    F("direction", 143, 143),  # 1 remessa, 2 retorno
    F("created", 144, 151),
    F("created_time", 152, 157),
    F("file_number", 158, 163),
    F("layout_version", 164, 166),
    F("density", 167, 171),
)
BATCH_HEADER = (
    *_CONTROL,
    F("operation", 9, 9, "A"),  # R remessa, T retorno
    F("service", 10, 11),  # 01 cobrança
    F("batch_layout_version", 14, 16),
    F("company_doc_type", 18, 18),
    F("company_doc", 19, 33),
    F("agreement", 34, 53, "A"),
    F("agencia", 54, 58),
    F("agencia_dv", 59, 59, "A"),
    F("conta", 60, 71),
    F("conta_dv", 72, 72, "A"),
    F("agencia_conta_dv", 73, 73, "A"),
    F("company_name", 74, 103, "A", cut=True),
    F("message_1", 104, 143, "A", cut=True),
    F("message_2", 144, 183, "A", cut=True),
    F("file_number", 184, 191),
    F("created", 192, 199),
    F("credit_date", 200, 207),
)
_DETAIL = (
    *_CONTROL,
    F("sequence", 9, 13),
    F("segment", 14, 14, "A"),
    F("movement", 16, 17),
)
_DETAIL_ACCOUNT = (
    F("agencia", 18, 22),
    F("agencia_dv", 23, 23, "A"),
    F("conta", 24, 35),
    F("conta_dv", 36, 36, "A"),
    F("agencia_conta_dv", 37, 37, "A"),
    F("nosso_numero", 38, 57, "A"),
    F("carteira_code", 58, 58),
)
SEGMENT_P = (
    *_DETAIL,
    *_DETAIL_ACCOUNT,
    F("registration", 59, 59),  # 1 com cadastramento
    F("document_type", 60, 60, "A"),
    F("issuer", 61, 61),  # emissão do boleto: 2 beneficiário
    F("delivery", 62, 62, "A"),  # distribuição
    F("document_number", 63, 77, "A"),
    F("due", 78, 85),
    F("amount", 86, 100, decimals=2),
    F("collecting_agency", 101, 105),
    F("collecting_agency_dv", 106, 106, "A"),
    F("especie", 107, 108),  # 02 DM (duplicata mercantil), 04 DS (de serviço)
    F("accepted", 109, 109, "A"),  # aceite: A / N
    F("issue_date", 110, 117),
    F("interest_code", 118, 118),
    F("interest_date", 119, 126),
    F("interest", 127, 141, decimals=2),
    F("discount_code", 142, 142),
    F("discount_date", 143, 150),
    F("discount", 151, 165, decimals=2),
    F("iof", 166, 180, decimals=2),
    F("rebate", 181, 195, decimals=2),
    F("company_reference", 196, 220, "A"),
    F("protest_code", 221, 221),
    F("protest_days", 222, 223),
    F("writeoff_code", 224, 224, "A"),
    F("writeoff_days", 225, 227, "A"),
    F("currency", 228, 229),
    F("contract", 230, 239),
)
SEGMENT_Q = (
    *_DETAIL,
    F("payer_doc_type", 18, 18),
    F("payer_doc", 19, 33),
    F("payer_name", 34, 73, "A", cut=True),
    F("payer_street", 74, 113, "A", cut=True),
    F("payer_district", 114, 128, "A", cut=True),
    F("payer_zip", 129, 136),
    F("payer_city", 137, 151, "A", cut=True),
    F("payer_state", 152, 153, "A"),
    F("guarantor_doc_type", 154, 154),
    F("guarantor_doc", 155, 169),
    F("guarantor_name", 170, 209, "A", cut=True),
    F("correspondent_bank", 210, 212),
)
SEGMENT_R = (
    *_DETAIL,
    F("discount2_code", 18, 18),
    F("discount2_date", 19, 26),
    F("discount2", 27, 41, decimals=2),
    F("discount3_code", 42, 42),
    F("discount3_date", 43, 50),
    F("discount3", 51, 65, decimals=2),
    F("fine_code", 66, 66),
    F("fine_date", 67, 74),
    F("fine", 75, 89, decimals=2),
    F("payer_info", 90, 99, "A", cut=True),
    F("message_3", 100, 139, "A", cut=True),
    F("message_4", 140, 179, "A", cut=True),
)
SEGMENT_T = (
    *_DETAIL,
    *_DETAIL_ACCOUNT,
    F("document_number", 59, 73, "A"),
    F("due", 74, 81),
    F("amount", 82, 96, decimals=2),
    F("collecting_bank", 97, 99),
    F("collecting_agency", 100, 104),
    F("company_reference", 106, 130, "A"),
    F("payer_doc_type", 133, 133),
    F("payer_doc", 134, 148),
    F("payer_name", 149, 188, "A"),
    F("tariff", 199, 213, decimals=2),
    F("reasons", 214, 223, "A"),
)
SEGMENT_U = (
    *_DETAIL,
    F("interest_fine", 18, 32, decimals=2),
    F("discount", 33, 47, decimals=2),
    F("rebate", 48, 62, decimals=2),
    F("iof", 63, 77, decimals=2),
    F("paid", 78, 92, decimals=2),
    F("credited", 93, 107, decimals=2),
    F("other_expenses", 108, 122, decimals=2),
    F("other_credits", 123, 137, decimals=2),
    F("occurrence_date", 138, 145),
    F("credit_date", 146, 153),
)
_NOSSO_NUMERO = _DETAIL_ACCOUNT[5]
BATCH_TRAILER = (*_CONTROL, F("records", 18, 23))
FILE_TRAILER = (*_CONTROL, F("batches", 18, 23), F("records", 24, 29))

#: What reading checks of the headers: the agreement and the file's identity
#: (banks fill the other fields in their own ways).
_READ = {
    "bank",
    "batch",
    "record_type",
    "company_doc",
    "agreement",
    "agencia",
    "conta",
    "direction",
    "created",
    "file_number",
}
_FILE_HEADER_READ = tuple(f for f in FILE_HEADER if f.name in _READ)
_BATCH_HEADER_READ = tuple(
    f for f in BATCH_HEADER if f.name in _READ - {"file_number", "created"}
)

_P_DATES = ("due", "issue_date", "interest_date", "discount_date")
_R_DATES = ("discount2_date", "discount3_date", "fine_date")


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def _digits(value, name, max_len, record="bank account"):
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit():
        raise CnabFieldError(
            record, name, f"must be digits, got {value!r}", value=value
        )
    if len(text.lstrip("0")) > max_len:
        raise CnabFieldError(
            record, name, f"{value!r} has more than {max_len} digits", value=value
        )
    return text.lstrip("0") or "0"


@dataclass(frozen=True)
class BankAccount:
    """The beneficiary's agreement with the bank, as the headers carry it.

    :param bank: FEBRABAN code of a :data:`PROFILES` entry.
    :param company_doc: CNPJ (14 digits) or CPF (11) of the beneficiary.
    :param convenio: convênio / código do beneficiário (BB: 4 to 7 digits).
    :param carteira: carteira (BB: 2 digits, e.g. 17).
    :param variacao: variação da carteira (BB, 3 digits).
    :param carteira_code: código da carteira of segment P (1 simples; BB 7).
    :param modalidade: Sicoob modalidade (2 digits).
    """

    bank: str
    company_name: str
    company_doc: str
    agencia: str
    agencia_dv: str
    conta: str
    conta_dv: str
    convenio: str = ""
    carteira: str = ""
    variacao: str = ""
    carteira_code: str = "1"
    modalidade: str = "01"

    def __post_init__(self):
        if self.bank not in PROFILES:
            raise CnabError(
                f"unsupported bank {self.bank!r} for CNAB 240; supported: "
                f"{', '.join(sorted(PROFILES))}"
            )
        doc = str(self.company_doc).strip()
        if not doc.isascii() or not doc.isdigit() or len(doc) not in (11, 14):
            raise CnabFieldError(
                "bank account",
                "company_doc",
                f"CPF (11) or CNPJ (14) digits, got {doc!r}",
            )
        object.__setattr__(self, "agencia", _digits(self.agencia, "agencia", 5))
        object.__setattr__(self, "conta", _digits(self.conta, "conta", 12))

    @property
    def company_doc_type(self):
        return "1" if len(self.company_doc) == 11 else "2"


@dataclass(frozen=True)
class Payer:
    """The payer (sacado) of segment Q."""

    doc: str
    name: str
    street: str = ""
    district: str = ""
    zip: str = "0"
    city: str = ""
    state: str = ""

    def __post_init__(self):
        doc = str(self.doc).strip()
        if not doc.isascii() or not doc.isdigit() or len(doc) not in (11, 14):
            raise CnabFieldError(
                "payer", "doc", f"CPF (11) or CNPJ (14) digits, got {doc!r}"
            )
        zip_code = str(self.zip).strip()
        if not zip_code.isascii() or not zip_code.isdigit() or len(zip_code) > 8:
            raise CnabFieldError("payer", "zip", f"CEP of 8 digits, got {zip_code!r}")
        object.__setattr__(self, "zip", zip_code.zfill(8))

    @property
    def doc_type(self):
        return "1" if len(self.doc) == 11 else "2"


@dataclass(frozen=True)
class Title:
    """One title (boleto) of a remessa: segments P, Q and R.

    Money is a ``Decimal`` with at most 2 decimals (a float is a
    ``TypeError``). ``interest`` is the amount a day (``interest_code`` 1) or
    the monthly rate in percent (2), charged from ``interest_date``; ``fine``
    the amount (``fine_code`` 1) or the percentage (2), charged from
    ``fine_date``; ``discount`` the amount (``discount_code`` 1) or the
    percentage (2) granted until ``discount_date``. ``protest_code`` 1/2 with
    ``protest_days`` (1-99) asks the bank to protest, 3 not to.
    ``nosso_numero`` is what the bank expects in the 20 positions of segment P
    (BB: convênio + sequence, plus the check digit for convênios of 4 and 6
    digits — :attr:`cobranca.boleto.Boleto.nosso_numero` without its dash;
    Sicoob: the number with its check digit). ``movement`` is the remessa
    movement (:data:`REMESSA_MOVEMENTS`): 01 registers, 02 asks for a baixa,
    06 changes the due date, 09 protests…
    """

    nosso_numero: str
    document_number: str
    due: date
    amount: Decimal
    issue_date: date
    payer: Payer
    movement: str = "01"
    especie: str = "02"
    accepted: str = "N"
    interest_code: str = "3"
    interest_date: date | None = None
    interest: Decimal = Decimal(0)
    discount_code: str = "0"
    discount_date: date | None = None
    discount: Decimal = Decimal(0)
    rebate: Decimal = Decimal(0)
    fine_code: str = "0"
    fine_date: date | None = None
    fine: Decimal = Decimal(0)
    protest_code: str = "3"
    protest_days: int = 0
    writeoff_code: str = "1"
    writeoff_days: str = "060"
    company_reference: str = ""
    message_3: str = ""
    message_4: str = ""
    parcela: str = "01"

    def __post_init__(self):
        checks = (
            ("movement", REMESSA_MOVEMENTS),
            ("interest_code", INTEREST_CODES),
            ("fine_code", FINE_CODES),
            ("discount_code", DISCOUNT_CODES),
            ("protest_code", PROTEST_CODES),
        )
        for name, allowed in checks:
            if getattr(self, name) not in allowed:
                raise CnabFieldError(
                    "title",
                    name,
                    f"{getattr(self, name)!r} is not one of {', '.join(allowed)}",
                )
        for name in ("amount", "interest", "discount", "rebate", "fine"):
            object.__setattr__(self, name, to_decimal(getattr(self, name), name))
        if self.amount <= 0:
            raise CnabFieldError(
                "title", "amount", f"must be positive, got {self.amount}"
            )
        if self.interest_code in ("0", "3") and self.interest:
            raise CnabFieldError(
                "title",
                "interest",
                f"interest code {self.interest_code} (exempt) with a value",
            )
        if self.fine_code == "0" and self.fine:
            raise CnabFieldError("title", "fine", "fine code 0 (none) with a value")
        if self.discount_code == "0" and self.discount:
            raise CnabFieldError(
                "title", "discount", "discount code 0 (none) with a value"
            )


def late_charge_terms(
    amount: Decimal,
    due: date,
    policy: LateChargePolicy,
    *,
    consumer: bool,
    interest_per: str = "month",
) -> dict:
    """The :class:`Title` keyword arguments that carry ``policy``'s late
    charges to the bank, for a title of ``amount`` due on ``due``.

    * Fine: a percentage (code 2) — the policy's, capped for a consumer by
      :func:`cobranca.charges.applicable_fine_pct` (CDC art. 52 §1) — from the
      day after the due date; none (code 0) when it is zero.
    * Interest from the day after the due date: the monthly rate (code 2,
      the default: the bank prorates it, nothing is rounded here) or, with
      ``interest_per="day"``, the amount a day (code 1) ``amount × rate / 100
      / 30`` rounded half-up to cents (the project's pro rata die convention);
      exempt (code 3) when the rate is zero.

    The bank extends a due date that falls on a non-business day itself (Lei
    7.089/1983): the dates sent are the contract's.

    :raises CnabError: for an ``interest_per`` other than ``"month"`` and
        ``"day"``, or a rate that is less than a cent a day on ``amount``.
    """
    amount = to_decimal(amount, "amount")
    start = date.fromordinal(due.toordinal() + 1)
    fine_pct = applicable_fine_pct(policy, consumer=consumer)
    terms = {
        "fine_code": "2" if fine_pct else "0",
        "fine_date": start if fine_pct else None,
        "fine": fine_pct,
    }
    rate = policy.interest_monthly_pct
    if not rate:
        return {**terms, "interest_code": "3", "interest_date": None, "interest": 0}
    if interest_per == "month":
        return {**terms, "interest_code": "2", "interest_date": start, "interest": rate}
    if interest_per != "day":
        raise CnabError(f"interest_per must be 'month' or 'day', got {interest_per!r}")
    per_day = round_cents(amount * rate / HUNDRED / DAYS_PER_MONTH)
    if not per_day:
        raise CnabError(
            f"{rate}% a month on {amount} is less than a cent a day: "
            "send the monthly rate (interest_per='month')"
        )
    return {**terms, "interest_code": "1", "interest_date": start, "interest": per_day}


def protest_terms(days: int) -> dict:
    """The :class:`Title` keyword arguments of a policy's protest: ``days``
    calendar days after the due date (code 1), or no protest (code 3) when
    ``days`` is 0.

    :raises CnabFieldError: for days outside 0-99 (the rule of segment P).
    """
    if isinstance(days, bool) or not isinstance(days, int):
        raise CnabFieldError("title", "protest_days", f"not a number: {days!r}")
    if not days:
        return {"protest_code": "3", "protest_days": 0}
    terms = {"protest_code": "1", "protest_days": days}
    _check_protest(_ProtestTerms(**terms))
    return terms


@dataclass(frozen=True)
class _ProtestTerms:
    protest_code: str
    protest_days: int


#: Reasons of a rejected entry or instruction (FEBRABAN note C047, movements
#: 03, 26 and 30), as the bank's manual writes them.
REJECTION_REASONS = {
    "01": "código do banco inválido",
    "02": "código do registro detalhe inválido",
    "03": "código do segmento inválido",
    "04": "código de movimento não permitido para carteira",
    "05": "código de movimento inválido",
    "06": "tipo/número de inscrição do beneficiário inválidos",
    "07": "agência/conta/DV inválido",
    "08": "nosso número inválido",
    "09": "nosso número duplicado",
    "10": "carteira inválida",
    "11": "forma de cadastramento do título inválida",
    "12": "tipo de documento inválido",
    "13": "identificação da emissão do boleto inválida",
    "14": "identificação da distribuição do boleto inválida",
    "15": "características da cobrança incompatíveis",
    "16": "data de vencimento inválida",
    "17": "data de vencimento anterior à data de emissão",
    "18": "vencimento fora do prazo de operação",
    "20": "valor do título inválido",
    "21": "espécie do título inválida",
    "22": "espécie do título não permitida para a carteira",
    "23": "aceite inválido",
    "24": "data da emissão inválida",
    "25": "data da emissão posterior à data de entrada",
    "26": "código de juros de mora inválido",
    "27": "valor/taxa de juros de mora inválido",
    "28": "código do desconto inválido",
    "29": "valor do desconto maior ou igual ao valor do título",
    "30": "desconto a conceder não confere",
    "32": "valor do IOF inválido",
    "33": "valor do abatimento inválido",
    "34": "valor do abatimento maior ou igual ao valor do título",
    "37": "código para protesto inválido",
    "38": "prazo para protesto inválido",
    "39": "pedido de protesto não permitido para o título",
    "40": "título com ordem de protesto emitida",
    "41": "pedido de cancelamento/sustação para título sem instrução de protesto",
    "42": "código para baixa/devolução inválido",
    "43": "prazo para baixa/devolução inválido",
    "44": "código da moeda inválido",
    "45": "nome do pagador não informado",
    "46": "tipo/número de inscrição do pagador inválidos",
    "47": "endereço do pagador não informado",
    "48": "CEP inválido",
    "49": "CEP sem praça de cobrança",
    "52": "unidade da federação inválida",
    "57": "código da multa inválido",
    "58": "data da multa inválida",
    "59": "valor/percentual da multa inválido",
    "60": "movimento para título não cadastrado",
    "63": "entrada para título já cadastrado",
}


def reason_texts(title: "RetornoTitle") -> tuple:
    """The reasons of a retorno title as ``"code - text"`` (FEBRABAN C047 for
    rejections; the bare code when the table does not have it, or for other
    movements, whose reason codes each bank lists in its own manual)."""
    rejected = title.kind in ("entrada_rejeitada", "instrucao_rejeitada")
    return tuple(
        f"{code} - {REJECTION_REASONS[code]}"
        if rejected and code in REJECTION_REASONS
        else code
        for code in title.reasons
    )


@dataclass(frozen=True)
class Remessa:
    """A remessa as read back by :func:`read_remessa`."""

    account: BankAccount
    file_number: int
    created: date
    titles: tuple


@dataclass(frozen=True)
class RetornoTitle:
    """One title event of a retorno (segments T and U).

    :attr kind: ``entrada_confirmada``, ``entrada_rejeitada``, ``liquidacao``,
        ``baixa``, ``tarifa``, ``instrucao_confirmada``,
        ``instrucao_rejeitada`` or ``other``.
    :attr reasons: the reason codes (T 214-223) other than blank/``00``.
    """

    movement: str
    nosso_numero: str
    document_number: str = ""
    company_reference: str = ""
    due: date | None = None
    amount: Decimal = Decimal("0.00")
    tariff: Decimal = Decimal("0.00")
    reasons: tuple = ()
    interest_fine: Decimal = Decimal("0.00")
    discount: Decimal = Decimal("0.00")
    rebate: Decimal = Decimal("0.00")
    iof: Decimal = Decimal("0.00")
    paid: Decimal = Decimal("0.00")
    credited: Decimal = Decimal("0.00")
    other_expenses: Decimal = Decimal("0.00")
    other_credits: Decimal = Decimal("0.00")
    occurrence_date: date | None = None
    credit_date: date | None = None
    collecting_bank: str = ""
    payer_doc: str = ""
    #: Line of the segment T in the file it was read from (0 when built).
    line: int = field(default=0, compare=False)

    @property
    def kind(self) -> str:
        return RETORNO_MOVEMENTS.get(self.movement, ("other", ""))[0]

    @property
    def description(self) -> str:
        return RETORNO_MOVEMENTS.get(self.movement, ("", "movement " + self.movement))[
            1
        ]


@dataclass(frozen=True)
class Retorno:
    """A retorno as read by :func:`read_retorno`.

    :attr digest: SHA-256 of its lines without trailing blanks: the same file
        imported twice (even re-saved with other line endings) has the same
        digest — the key to refuse booking it twice.
    """

    bank: str
    file_number: int
    created: date | None
    titles: tuple = field(default=())
    digest: str = ""


# --------------------------------------------------------------------------
# Bank profiles
# --------------------------------------------------------------------------


class Profile:
    """FEBRABAN standard; subclasses carry a bank's differences."""

    bank = ""
    bank_name = ""
    #: Layout versions of the file and batch headers: each bank's manual
    #: names the ones it accepts.
    file_version = ""
    batch_version = ""

    def agreement_field(self, account: BankAccount) -> str:
        return account.convenio

    def nosso_numero_field(self, account: BankAccount, title: Title) -> str:
        return title.nosso_numero

    def nosso_numero_from_field(self, raw: str) -> str:
        return raw.strip()

    def retorno_nosso_numero_field(self, account, title) -> str:
        return title.nosso_numero

    def check_nosso_numero(self, account, title):
        _digits(title.nosso_numero, "nosso_numero", 20, "title")

    def agreement_matches(self, account: BankAccount, raw: str) -> bool:
        return raw.strip() == self.agreement_field(account).strip()


class BancoDoBrasilProfile(Profile):
    bank = "001"
    bank_name = "BANCO DO BRASIL S.A."
    file_version = "083"
    batch_version = "042"

    def agreement_field(self, account):
        return (
            f"{_digits(account.convenio, 'convenio', 9).zfill(9)}0014"
            f"{account.carteira:>2}{account.variacao:>3}"
        )

    def check_nosso_numero(self, account, title):
        # Convênio + sequence (17 digits), or convênio + sequence + DV where
        # the DV may be X (convênios of 4 and 6 digits).
        number = title.nosso_numero
        body = number.removesuffix("X")
        _digits(body or "X", "nosso_numero", 17, "title")
        if len(number) > 17:
            raise CnabFieldError(
                "title", "nosso_numero", f"{number!r} has more than 17 characters"
            )

    def agreement_matches(self, account, raw):
        # The convênio and "0014" must match; carteira/variação may be blank
        # in the bank's retorno.
        return raw[:13] == self.agreement_field(account)[:13]


class SicoobProfile(Profile):
    bank = "756"
    bank_name = "SICOOB"
    file_version = "081"
    batch_version = "040"

    def agreement_field(self, account):
        return ""

    def nosso_numero_field(self, account, title):
        number = _digits(title.nosso_numero, "nosso_numero", 10, "title").zfill(10)
        parcela = _digits(title.parcela, "parcela", 2, "title").zfill(2)
        modalidade = _digits(account.modalidade, "modalidade", 2).zfill(2)
        return f"{number}{parcela}{modalidade}4"

    def nosso_numero_from_field(self, raw):
        return raw[:10].lstrip("0") or "0"

    def retorno_nosso_numero_field(self, account, title):
        number = _digits(title.nosso_numero, "nosso_numero", 10, "segment T")
        return f"{number.zfill(10)}01{account.modalidade}4"

    def check_nosso_numero(self, account, title):
        self.nosso_numero_field(account, title)

    def agreement_matches(self, account, raw):
        return True  # Sicoob leaves it blank: agência and conta decide.


#: Supported CNAB 240 profiles, by FEBRABAN bank code.
PROFILES = {p.bank: p for p in (BancoDoBrasilProfile(), SicoobProfile())}


# --------------------------------------------------------------------------
# Remessa
# --------------------------------------------------------------------------


def _account_values(account: BankAccount, profile: Profile) -> dict:
    return {
        "bank": profile.bank,
        "company_doc_type": account.company_doc_type,
        "company_doc": account.company_doc,
        "agreement": profile.agreement_field(account),
        "agencia": account.agencia,
        "agencia_dv": account.agencia_dv,
        "conta": account.conta,
        "conta_dv": account.conta_dv,
        "agencia_conta_dv": "",
        "company_name": account.company_name,
    }


def _check_protest(title):
    """Protest days are required to protest and refused otherwise (checked
    on write: a bank's file may carry 00 for "the agreement's default")."""
    if title.protest_code == "3" and title.protest_days:
        raise CnabFieldError(
            "segment P", "protest_days", "days given with code 3 (no protest)"
        )
    if title.protest_code in ("1", "2") and not 1 <= title.protest_days <= 99:
        raise CnabFieldError(
            "segment P",
            "protest_days",
            f"must be 1-99 to protest, got {title.protest_days}",
        )


def write_remessa(
    account: BankAccount,
    titles: Iterable[Title],
    *,
    file_number: int,
    created: date,
    created_time: str = "000000",
    newline: str = "\r\n",
) -> str:
    """The remessa file (one batch) registering or instructing ``titles``.

    :param file_number: the file's sequential number (NSA), 1-999999.
    :raises CnabFieldError: for any value that does not fit its field.
    """
    profile = PROFILES[account.bank]
    titles = list(titles)
    if not titles:
        raise CnabError("a remessa needs at least one title")
    if not 1 <= file_number <= 999999:
        raise CnabFieldError(
            "file header", "file_number", f"1-999999, got {file_number}"
        )
    base = _account_values(account, profile)
    lines = [
        _build(
            FILE_HEADER,
            {
                **base,
                "batch": 0,
                "record_type": 0,
                "bank_name": profile.bank_name,
                "direction": 1,
                "created": created,
                "created_time": created_time,
                "file_number": file_number,
                "layout_version": profile.file_version,
                "density": 0,
            },
            "file header",
        ),
        _build(
            BATCH_HEADER,
            {
                **base,
                "batch": 1,
                "record_type": 1,
                "operation": "R",
                "service": 1,
                "batch_layout_version": profile.batch_version,
                "company_doc": account.company_doc,
                "file_number": file_number,
                "created": created,
                "credit_date": None,
            },
            "batch header",
        ),
    ]
    sequence = 0
    for title in titles:
        _check_protest(title)
        profile.check_nosso_numero(account, title)
        common = {
            "bank": profile.bank,
            "batch": 1,
            "record_type": 3,
            "movement": title.movement,
        }
        sequence += 1
        lines.append(
            _build(
                SEGMENT_P,
                {
                    **common,
                    "sequence": sequence,
                    "segment": "P",
                    "agencia": account.agencia,
                    "agencia_dv": account.agencia_dv,
                    "conta": account.conta,
                    "conta_dv": account.conta_dv,
                    "nosso_numero": profile.nosso_numero_field(account, title),
                    "carteira_code": account.carteira_code,
                    "registration": 1,
                    "issuer": 2,
                    "delivery": "2",
                    "document_number": title.document_number,
                    "due": title.due,
                    "amount": title.amount,
                    "especie": title.especie,
                    "accepted": title.accepted,
                    "issue_date": title.issue_date,
                    "interest_code": title.interest_code,
                    "interest_date": title.interest_date,
                    "interest": title.interest,
                    "discount_code": title.discount_code,
                    "discount_date": title.discount_date,
                    "discount": title.discount,
                    "rebate": title.rebate,
                    "company_reference": title.company_reference,
                    "protest_code": title.protest_code,
                    "protest_days": title.protest_days,
                    "writeoff_code": title.writeoff_code,
                    "writeoff_days": title.writeoff_days,
                    "currency": 9,
                },
                "segment P",
            )
        )
        sequence += 1
        payer = title.payer
        lines.append(
            _build(
                SEGMENT_Q,
                {
                    **common,
                    "sequence": sequence,
                    "segment": "Q",
                    "payer_doc_type": payer.doc_type,
                    "payer_doc": payer.doc,
                    "payer_name": payer.name,
                    "payer_street": payer.street,
                    "payer_district": payer.district,
                    "payer_zip": payer.zip,
                    "payer_city": payer.city,
                    "payer_state": payer.state,
                },
                "segment Q",
            )
        )
        sequence += 1
        lines.append(
            _build(
                SEGMENT_R,
                {
                    **common,
                    "sequence": sequence,
                    "segment": "R",
                    "fine_code": title.fine_code,
                    "fine_date": title.fine_date,
                    "fine": title.fine,
                    "message_3": title.message_3,
                    "message_4": title.message_4,
                },
                "segment R",
            )
        )
    lines.append(
        _build(
            BATCH_TRAILER,
            {
                "bank": profile.bank,
                "batch": 1,
                "record_type": 5,
                "records": sequence + 2,
            },
            "batch trailer",
        )
    )
    lines.append(
        _build(
            FILE_TRAILER,
            {
                "bank": profile.bank,
                "batch": 9999,
                "record_type": 9,
                "batches": 1,
                "records": len(lines) + 1,
            },
            "file trailer",
        )
    )
    return newline.join(lines) + newline


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def _digest(lines) -> str:
    joined = "\n".join(line.rstrip() for _number, line in lines)
    return hashlib.sha256(joined.encode("latin-1", "replace")).hexdigest()


def _lines(text: str) -> list[tuple[int, str]]:
    if isinstance(text, bytes):
        text = text.decode("latin-1")
    result = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if number == len(text.splitlines()):
                continue
            raise CnabFieldError("line", "length", "empty line", line=number)
        if len(line) > LINE_LENGTH:
            raise CnabFieldError(
                "line",
                "length",
                f"{len(line)} characters, expected {LINE_LENGTH}",
                line=number,
            )
        result.append((number, line.ljust(LINE_LENGTH)))
    if len(result) < 4:
        raise CnabError("not a CNAB 240 file: fewer than 4 lines")
    return result


def _record(line, number, expected_type, name):
    values = _parse(_CONTROL, line, name, number)
    if values["record_type"] != expected_type:
        raise CnabFieldError(
            name,
            "record_type",
            f"is {values['record_type']}, expected {expected_type} ({name})",
            line=number,
        )
    return values


def _check_structure(lines, account, profile, detail_segments):
    """Control fields of every line: one bank, batches opened and closed in
    order, each batch header of ``account``'s agreement, detail sequences,
    trailer counts. Returns the detail lines."""
    bank = profile.bank
    details = []
    batches = 0
    open_batch = None
    for number, line in lines[1:-1]:
        control = _parse(_CONTROL, line, "record", number)
        if control["bank"] != bank:
            raise CnabFieldError(
                "record",
                "bank",
                f"{control['bank']}, the file is of bank {bank}",
                line=number,
            )
        kind, batch = control["record_type"], control["batch"]
        if kind == "1":
            if open_batch is not None:
                raise CnabFieldError(
                    "batch header",
                    "record_type",
                    f"batch {open_batch} has no trailer before this header",
                    line=number,
                )
            batches += 1
            if int(batch) != batches:
                raise CnabFieldError(
                    "batch header",
                    "batch",
                    f"{batch}, expected {batches:04d}",
                    line=number,
                )
            values = _parse(_BATCH_HEADER_READ, line, "batch header", number)
            _check_account(values, account, profile, number, "batch header")
            open_batch, batch_records, expected_sequence = batch, 1, 1
            continue
        if kind not in ("3", "5"):
            raise CnabFieldError(
                "record", "record_type", f"unexpected record type {kind!r}", line=number
            )
        if open_batch is None or batch != open_batch:
            raise CnabFieldError(
                "record",
                "batch",
                f"{batch}, outside of a batch"
                if open_batch is None
                else f"{batch}, in batch {open_batch}",
                line=number,
            )
        batch_records += 1
        if kind == "3":
            values = _parse(_DETAIL, line, "detail", number)
            if int(values["sequence"]) != expected_sequence:
                raise CnabFieldError(
                    "detail",
                    "sequence",
                    f"{values['sequence']}, expected {expected_sequence:05d}",
                    line=number,
                )
            expected_sequence += 1
            if values["segment"] not in detail_segments:
                raise CnabFieldError(
                    "detail",
                    "segment",
                    f"{values['segment']!r}, expected one of "
                    f"{', '.join(detail_segments)}",
                    line=number,
                )
            details.append((number, line, values["segment"]))
            continue
        trailer = _parse(BATCH_TRAILER, line, "batch trailer", number)
        if int(trailer["records"]) != batch_records:
            raise CnabFieldError(
                "batch trailer",
                "records",
                f"{trailer['records']}, the batch has {batch_records}",
                line=number,
            )
        open_batch = None
    last_number, last = lines[-1]
    if open_batch is not None:
        raise CnabFieldError(
            "batch trailer",
            "record_type",
            f"batch {open_batch} has no trailer",
            line=last_number,
        )
    _record(last, last_number, "9", "file trailer")
    trailer = _parse(FILE_TRAILER, last, "file trailer", last_number)
    if int(trailer["records"]) != len(lines):
        raise CnabFieldError(
            "file trailer",
            "records",
            f"{trailer['records']}, the file has {len(lines)} lines",
            line=last_number,
        )
    if int(trailer["batches"]) != batches:
        raise CnabFieldError(
            "file trailer",
            "batches",
            f"{trailer['batches']}, the file has {batches}",
            line=last_number,
        )
    return details


def _check_account(values, account, profile, number, record):
    problems = []
    if values["company_doc"].lstrip("0") != account.company_doc.lstrip("0"):
        problems.append(f"company document {values['company_doc']}")
    if not profile.agreement_matches(account, _raw_agreement(values)):
        problems.append(f"agreement {values['agreement']!r}")
    if values["agencia"].lstrip("0") != account.agencia.lstrip("0"):
        problems.append(f"agência {values['agencia']}")
    if values["conta"].lstrip("0") != account.conta.lstrip("0"):
        problems.append(f"conta {values['conta']}")
    if problems:
        raise CnabAgreementError(
            f"line {number}, {record}: the file is not of this agreement "
            f"({'; '.join(problems)}): refused whole, nothing read"
        )


def _raw_agreement(values):
    return values["agreement"].ljust(20)


def _parse_header(lines, account, profile, direction):
    number, line = lines[0]
    bank = _parse(_CONTROL, line, "file header", number)["bank"]
    if bank != profile.bank:
        raise CnabAgreementError(
            f"the file is of bank {bank}, expected {profile.bank}: refused whole"
        )
    _record(line, number, "0", "file header")
    header = _parse(_FILE_HEADER_READ, line, "file header", number, dates=("created",))
    if header["direction"] != direction:
        raise CnabFieldError(
            "file header",
            "direction",
            f"{header['direction']}, expected {direction} "
            f"({'remessa' if direction == '1' else 'retorno'})",
            line=number,
        )
    _check_account(header, account, profile, number, "file header")
    return header


def read_retorno(text: str, account: BankAccount) -> Retorno:
    """Read a retorno of ``account``'s bank and agreement.

    :raises CnabAgreementError: for a file of another bank, company or
        agreement (nothing is returned).
    :raises CnabFieldError: for a malformed line (line number and field).
    """
    profile = PROFILES[account.bank]
    lines = _lines(text)
    header = _parse_header(lines, account, profile, "2")
    details = _check_structure(lines, account, profile, ("T", "U"))
    titles = []
    pending = None
    for number, line, segment in details:
        if segment == "T":
            if pending is not None:
                raise CnabFieldError(
                    "segment T",
                    "segment",
                    "a T segment without its U segment",
                    line=pending[0],
                )
            pending = (
                number,
                _parse(SEGMENT_T, line, "segment T", number, dates=("due",)),
                _raw(line, _NOSSO_NUMERO),
            )
            continue
        if pending is None:
            raise CnabFieldError(
                "segment U", "segment", "a U segment without its T", line=number
            )
        t_number, t, raw_nn = pending
        pending = None
        u = _parse(
            SEGMENT_U,
            line,
            "segment U",
            number,
            dates=("occurrence_date", "credit_date"),
        )
        if u["movement"] != t["movement"]:
            raise CnabFieldError(
                "segment U",
                "movement",
                f"{u['movement']}, its segment T (line {t_number}) has {t['movement']}",
                line=number,
            )
        reasons = tuple(
            code
            for code in (t["reasons"].ljust(10)[i : i + 2] for i in range(0, 10, 2))
            if code.strip() and code != "00"
        )
        titles.append(
            RetornoTitle(
                line=t_number,
                movement=t["movement"],
                nosso_numero=profile.nosso_numero_from_field(raw_nn),
                document_number=t["document_number"],
                company_reference=t["company_reference"],
                due=t["due"],
                amount=t["amount"],
                tariff=t["tariff"],
                reasons=reasons,
                interest_fine=u["interest_fine"],
                discount=u["discount"],
                rebate=u["rebate"],
                iof=u["iof"],
                paid=u["paid"],
                credited=u["credited"],
                other_expenses=u["other_expenses"],
                other_credits=u["other_credits"],
                occurrence_date=u["occurrence_date"],
                credit_date=u["credit_date"],
                collecting_bank=t["collecting_bank"].strip("0")
                and t["collecting_bank"],
                payer_doc=t["payer_doc"].strip("0") and t["payer_doc"],
            )
        )
    if pending is not None:
        raise CnabFieldError(
            "segment T", "segment", "a T segment without its U", line=pending[0]
        )
    return Retorno(
        bank=profile.bank,
        file_number=int(header["file_number"]),
        created=header["created"],
        titles=tuple(titles),
        digest=_digest(lines),
    )


def read_remessa(text: str, account: BankAccount) -> Remessa:
    """Read back a remessa written for ``account`` (the round trip of
    :func:`write_remessa`; also checks a bank's published example).

    :raises CnabAgreementError: for a file of another bank or agreement.
    :raises CnabFieldError: for a malformed line (line number and field).
    """
    profile = PROFILES[account.bank]
    lines = _lines(text)
    header = _parse_header(lines, account, profile, "1")
    details = _check_structure(lines, account, profile, ("P", "Q", "R"))
    titles = []
    current = {}
    for number, line, segment in details:
        if segment == "P":
            if current:
                titles.append(_title(current, profile, account))
            current = {
                "P": _parse(SEGMENT_P, line, "segment P", number, dates=_P_DATES),
                "raw_nn": _raw(line, _NOSSO_NUMERO),
            }
        elif segment == "Q":
            if "P" not in current or "Q" in current:
                raise CnabFieldError(
                    "segment Q", "segment", "not after a segment P", line=number
                )
            current["Q"] = _parse(SEGMENT_Q, line, "segment Q", number)
        else:
            if "Q" not in current or "R" in current:
                raise CnabFieldError(
                    "segment R", "segment", "not after a segment Q", line=number
                )
            current["R"] = _parse(SEGMENT_R, line, "segment R", number, dates=_R_DATES)
    if current:
        titles.append(_title(current, profile, account))
    return Remessa(
        account=account,
        file_number=int(header["file_number"]),
        created=header["created"],
        titles=tuple(titles),
    )


def _title(current, profile, account):
    p, q, r = current["P"], current.get("Q"), current.get("R", {})
    if q is None:
        raise CnabError("a segment P without its segment Q")
    raw_nn = current["raw_nn"]
    if isinstance(profile, SicoobProfile):
        nosso, parcela = raw_nn[:10].lstrip("0") or "0", raw_nn[10:12]
    else:
        nosso, parcela = raw_nn.strip(), "01"
    payer = Payer(
        doc=q["payer_doc"].lstrip("0").zfill(11 if q["payer_doc_type"] == "1" else 14),
        name=q["payer_name"],
        street=q["payer_street"],
        district=q["payer_district"],
        zip=q["payer_zip"],
        city=q["payer_city"],
        state=q["payer_state"],
    )
    return Title(
        nosso_numero=nosso,
        document_number=p["document_number"],
        due=p["due"],
        amount=p["amount"],
        issue_date=p["issue_date"],
        payer=payer,
        movement=p["movement"],
        especie=p["especie"],
        accepted=p["accepted"],
        interest_code=p["interest_code"],
        interest_date=p["interest_date"],
        interest=p["interest"],
        discount_code=p["discount_code"],
        discount_date=p["discount_date"],
        discount=p["discount"],
        rebate=p["rebate"],
        fine_code=r.get("fine_code", "0"),
        fine_date=r.get("fine_date"),
        fine=r.get("fine", Decimal(0)),
        protest_code=p["protest_code"],
        protest_days=int(p["protest_days"]),
        writeoff_code=p["writeoff_code"],
        writeoff_days=p["writeoff_days"],
        company_reference=p["company_reference"],
        message_3=r.get("message_3", ""),
        message_4=r.get("message_4", ""),
        parcela=parcela,
    )


def write_retorno(
    account: BankAccount,
    titles: Iterable[RetornoTitle],
    *,
    file_number: int,
    created: date,
    newline: str = "\r\n",
) -> str:
    """A retorno file as ``account``'s bank would send it (segments T and U):
    for tests and sandboxes of the code that imports retornos.

    :raises CnabFieldError: for any value that does not fit its field.
    """
    profile = PROFILES[account.bank]
    base = _account_values(account, profile)
    lines = [
        _build(
            FILE_HEADER,
            {
                **base,
                "batch": 0,
                "record_type": 0,
                "bank_name": profile.bank_name,
                "direction": 2,
                "created": created,
                "created_time": 0,
                "file_number": file_number,
                "layout_version": profile.file_version,
                "density": 0,
            },
            "file header",
        ),
        _build(
            BATCH_HEADER,
            {
                **base,
                "batch": 1,
                "record_type": 1,
                "operation": "T",
                "service": 1,
                "batch_layout_version": profile.batch_version,
                "file_number": file_number,
                "created": created,
                "credit_date": None,
            },
            "batch header",
        ),
    ]
    sequence = 0
    for title in titles:
        if len(title.reasons) > 5:
            raise CnabFieldError("segment T", "reasons", "at most 5 reason codes")
        common = {
            "bank": profile.bank,
            "batch": 1,
            "record_type": 3,
            "movement": title.movement,
        }
        sequence += 1
        lines.append(
            _build(
                SEGMENT_T,
                {
                    **common,
                    "sequence": sequence,
                    "segment": "T",
                    "agencia": account.agencia,
                    "agencia_dv": account.agencia_dv,
                    "conta": account.conta,
                    "conta_dv": account.conta_dv,
                    "nosso_numero": profile.retorno_nosso_numero_field(account, title),
                    "carteira_code": account.carteira_code,
                    "document_number": title.document_number,
                    "due": title.due,
                    "amount": title.amount,
                    "collecting_bank": title.collecting_bank or 0,
                    "collecting_agency": 0,
                    "company_reference": title.company_reference,
                    "payer_doc_type": 0,
                    "payer_doc": title.payer_doc or 0,
                    "tariff": title.tariff,
                    "reasons": "".join(title.reasons),
                },
                "segment T",
            )
        )
        sequence += 1
        lines.append(
            _build(
                SEGMENT_U,
                {
                    **common,
                    "sequence": sequence,
                    "segment": "U",
                    "interest_fine": title.interest_fine,
                    "discount": title.discount,
                    "rebate": title.rebate,
                    "iof": title.iof,
                    "paid": title.paid,
                    "credited": title.credited,
                    "other_expenses": title.other_expenses,
                    "other_credits": title.other_credits,
                    "occurrence_date": title.occurrence_date,
                    "credit_date": title.credit_date,
                },
                "segment U",
            )
        )
    lines.append(
        _build(
            BATCH_TRAILER,
            {
                "bank": profile.bank,
                "batch": 1,
                "record_type": 5,
                "records": sequence + 2,
            },
            "batch trailer",
        )
    )
    lines.append(
        _build(
            FILE_TRAILER,
            {
                "bank": profile.bank,
                "batch": 9999,
                "record_type": 9,
                "batches": 1,
                "records": len(lines) + 1,
            },
            "file trailer",
        )
    )
    return newline.join(lines) + newline
