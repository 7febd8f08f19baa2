# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Boleto bancário (FEBRABAN): barcode, linha digitável, due-date factor and
each supported bank's campo livre and nosso número.

The common layout (FEBRABAN, the project's DOMAIN.md §3)
-------------------------------------------------------

The 44-digit barcode is ``bank(3) currency(1) DV(1) factor(4) amount(10)
campo livre(25)``. Its general check digit (position 5) is the modulo 11 of the
other 43 digits weighted 2..9 from the right, ``11 - remainder``, written ``1``
when that gives 0, 10 or 11.

The 47-digit linha digitável is five fields::

    AAABC.CCCCX DDDDD.DDDDDY EEEEE.EEEEEZ K UUUUVVVVVVVVVV

fields 1-3 carry the bank, the currency and the campo livre, each closed by a
modulo 10 check digit (weights 2,1,2,1… from the right, digits of each product
added); field 4 is the barcode's general check digit; field 5 the factor and
the amount. :func:`barcode_to_linha` and :func:`linha_to_barcode` check every
one of those check digits and raise :class:`CheckDigitError` (a
``ValueError``) naming the field that is wrong.

What the check digits can and cannot catch (what the tests assert):

* a field check digit (modulo 10, "Luhn") catches **every** single-digit change
  in its field (doubling is a permutation of the digits 0-9), so every
  single-digit change in fields 1-3 of a linha is rejected;
* a change of the general check digit itself (linha field 4, barcode position
  5) is always rejected;
* the general check digit does **not** catch every single-digit change of the
  other 43 digits: a change always moves the remainder modulo 11 (11 is prime
  and no weight is a multiple of it) but the remainders 0, 1 and 10 are all
  written as check digit ``1``, so a change between two of those remainders
  goes unnoticed. This is a property of the standard, not of this code: such a
  barcode (or a linha changed in field 5) is indistinguishable from a valid one.

Due-date factor
---------------

Days since 1997-10-07; it reached 9999 on 2025-02-21 and restarted at 1000 on
2025-02-22 (FEBRABAN; kivanio/brcobranca ``spec/brcobranca/calculo_data_spec.rb``);
this cycle ends at 9999 on 2049-10-13. :func:`due_date_factor` encodes the due
dates from 2000-07-03 (factor 1000) to 2049-10-13. Decoding is ambiguous
(every factor designates a date every 9000 days): FEBRABAN's rule, applied by
:func:`factor_to_date`, is that the date lies between 3000 days before and
5500 days after the day the boleto is read (both limits included).

Banks and their agreement fields
--------------------------------

Each bank's agreement is a frozen dataclass (lengths checked on creation;
shorter numbers are zero-padded on the left, longer ones refused). The
``nosso_numero`` given to :func:`make_boleto` is the beneficiary's sequential
number, without check digit; :attr:`Boleto.nosso_numero` is the nosso número as
printed on the slip, with its check digit when the bank has one.

=====  ======================  =============================================
bank   agreement               campo livre (25 digits) and nosso número
=====  ======================  =============================================
001    :class:`BancoDoBrasil`  Banco do Brasil, *Especificações técnicas para
       agencia 4, conta 8,     confecção de boleto de cobrança do Banco do
       carteira 2, convenio    Brasil* (leiaute do código de barras):
       of 4, 6 or 7 digits     convênio 4: ``convênio(4) seq(7) agência(4)
                               conta(8) carteira(2)``; convênio 6:
                               ``convênio(6) seq(5) agência(4) conta(8)
                               carteira(2)``; nosso número = convênio +
                               seq, DV modulo 11 weights 9..2 from the
                               right, the remainder itself, 10 written
                               ``X``. Convênio 7: ``000000 convênio(7)
                               seq(10) carteira(2)``, nosso número of 17
                               digits without DV. Not supported: convênio
                               6 with a free 17-digit nosso número (service
                               21) and convênio 8.
341    :class:`Itau`           Itaú, *Boleto de cobrança Itaú — especificação
       agencia 4, conta 5,     técnica*: ``carteira(3) nn(8) DAC agência(4)
       carteira 3              conta(5) DAC(agência+conta) 000``; DAC of the
                               nosso número modulo 10 of agência + conta +
                               carteira + nn (of carteira + nn for the
                               carteiras 126, 131, 146, 150 and 168); printed
                               ``ccc/nnnnnnnn-D``. The carteiras with "seu
                               número" (106, 107, 122, 142, 143, 195, 196,
                               198) use another layout and are refused.
237    :class:`Bradesco`       Bradesco, *Boleto de cobrança — layout do
       agencia 4, conta 7,     código de barras*: ``agência(4) carteira(2)
       carteira 2              nn(11) conta(7) 0``; DV modulo 11 weights 2..7
                               of carteira + nn, ``11 - remainder``, ``P``
                               for remainder 1, ``0`` for remainder 0;
                               printed ``cc/nnnnnnnnnnn-D``.
104    :class:`Caixa`          Caixa, *SIGCB — Leiaute do código de barras*
       agencia 4 (printed      (cobrança registrada, emitida pelo
       only), codigo_          beneficiário): nosso número ``14`` + seq(15),
       beneficiario of 6       DV modulo 11 weights 2..9, ``11 - remainder``
       digits (1-999999) or    (10 and 11 written 0); campo livre
       7 (from 1100000)        ``beneficiário(6) DV nn[3:6] 1 nn[6:9] 4
                               nn[9:18] DV`` — a 7-digit beneficiário takes
                               the place of beneficiário + DV — closed by the
                               same modulo 11 of its first 24 digits.
033    :class:`Santander`      Santander, *Layout de cobrança — código de
       agencia 4 (printed      barras*: ``9 beneficiário(7) nn(12) DV IOF(1)
       only), codigo_          carteira(3)``; DV modulo 11 weights 2..9,
       beneficiario 7,         ``11 - remainder`` (10 and 11 written 0);
       carteira 3, iof 1       printed ``nnnnnnnnnnnn-D``.
756    :class:`Sicoob`         Sicoob, *Cobrança bancária — leiaute do
       agencia 4, codigo_      código de barras*: ``carteira(1) agência(4)
       beneficiario 7,         modalidade(2) cliente(7) nn(7) DV
       modalidade 2,           parcela(3)``; DV modulo 11 of agência(4) +
       carteira 1, parcela 3   cliente(10) + nn(7) with the constant 3197
                               repeated from the left, ``11 - remainder``
                               (remainders 0 and 1 give 0); printed
                               ``nnnnnnn-D``.
=====  ======================  =============================================

Every bank above was verified against worked examples of at least two
independent public sources: see ``tests/vectors/boleto.json`` (each vector
names its source) and the library's README.

Money is a :class:`~decimal.Decimal` (an ``int`` is accepted, a ``float`` is a
``TypeError``) of whole cents from 0.01 to 99,999,999.99 (the barcode's
10-digit field).
"""

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal

from .charges import to_decimal

__all__ = [
    "BANKS",
    "BancoDoBrasil",
    "Boleto",
    "Bradesco",
    "Caixa",
    "CheckDigitError",
    "Itau",
    "Santander",
    "Sicoob",
    "bank_code_dv",
    "barcode_to_linha",
    "due_date_factor",
    "factor_to_date",
    "format_linha",
    "general_check_digit",
    "linha_to_barcode",
    "make_boleto",
    "mod10",
    "parse_barcode",
]

BARCODE_LENGTH = 44
LINHA_LENGTH = 47
CAMPO_LIVRE_LENGTH = 25
#: Currency code of the real in the barcode (position 4).
CURRENCY_REAL = "9"
#: Largest amount the barcode's 10-digit field holds.
MAX_AMOUNT = Decimal("99999999.99")
CENT = Decimal("0.01")

#: Factor 1000 of the first cycle; 9999 fell on 2025-02-21.
FACTOR_BASE = date(2000, 7, 3)
#: Factor 1000 again: the start of the current cycle.
FACTOR_ROLLOVER = date(2025, 2, 22)
#: Factors run from 1000 to 9999: 9000 days per cycle.
FACTOR_CYCLE = 9000
FIRST_DUE_DATE = FACTOR_BASE
#: Factor 9999 of the current cycle: the last due date a factor can hold.
LAST_DUE_DATE = FACTOR_ROLLOVER + timedelta(days=FACTOR_CYCLE - 1)
#: FEBRABAN's decoding window around the reading day (days, both included).
WINDOW_BEFORE = 3000
WINDOW_AFTER = 5500

# Barcode slices (0-based, end excluded).
_BANK = slice(0, 3)
_CURRENCY = slice(3, 4)
_DV = 4
_FACTOR = slice(5, 9)
_AMOUNT = slice(9, 19)
_CAMPO_LIVRE = slice(19, 44)


class CheckDigitError(ValueError):
    """A check digit of a barcode or linha digitável does not match.

    :attr field: the field whose check digit is wrong (``"field 1"``,
        ``"field 2"``, ``"field 3"`` of the linha, or ``"general check
        digit"``).
    """

    def __init__(self, what: str, field: str, found: str, expected: str, rule: str):
        self.field = field
        self.found = found
        self.expected = expected
        super().__init__(
            f"{what}: the check digit of {field} is {found}, expected {expected} "
            f"({rule}); a digit of {field} is wrong"
            if field != "general check digit"
            else f"{what}: the general check digit is {found}, expected {expected} "
            f"({rule}); a digit of the barcode (or of fields 4-5 of the linha) "
            "is wrong"
        )


# --------------------------------------------------------------------------
# Check digits
# --------------------------------------------------------------------------


def _digits(value: str, name: str, length: int | None = None) -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be a string of digits, got {type(value).__name__}"
        )
    if not value.isascii() or not value.isdigit():
        raise ValueError(f"{name} must contain only digits 0-9, got {value!r}")
    if length is not None and len(value) != length:
        raise ValueError(
            f"{name} must have {length} digits, got {len(value)}: {value!r}"
        )
    return value


def mod10(number: str) -> int:
    """FEBRABAN modulo 10: weights 2,1,2,1… from the rightmost digit, the
    digits of each product added, ``(10 - sum % 10) % 10``."""
    total = 0
    for i, char in enumerate(reversed(number)):
        product = int(char) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def _weighted_sum(
    number: str, weights: tuple[int, ...], from_right: bool = True
) -> int:
    digits = reversed(number) if from_right else iter(number)
    return sum(int(char) * weights[i % len(weights)] for i, char in enumerate(digits))


_W_2_9 = (2, 3, 4, 5, 6, 7, 8, 9)


def _mod11_low_is_zero(number: str) -> int:
    """Modulo 11 weights 2..9 from the right, ``11 - remainder``, 10 and 11
    written 0 (Caixa, Santander)."""
    dv = 11 - _weighted_sum(number, _W_2_9) % 11
    return 0 if dv > 9 else dv


def bank_code_dv(bank: object) -> str:
    """The bank code as printed at the top of the slip, with its check
    digit: modulo 11 weights 2..9 from the right, ``11 - remainder``, 10 and
    11 written 0 (FEBRABAN; e.g. ``001-9``, ``341-7``, ``237-2``, ``104-0``,
    ``033-7``, ``756-0``).

    :raises ValueError: for an unknown bank.
    """
    code = _bank_code(bank)
    return f"{code}-{_mod11_low_is_zero(code)}"


def general_check_digit(barcode43: str) -> int:
    """The barcode's general check digit (position 5) of the other 43 digits:
    modulo 11 weights 2..9 from the right, ``11 - remainder``; 0, 10 and 11
    are written 1."""
    _digits(barcode43, "barcode without its check digit", BARCODE_LENGTH - 1)
    dv = 11 - _weighted_sum(barcode43, _W_2_9) % 11
    return 1 if dv in (0, 10, 11) else dv


# --------------------------------------------------------------------------
# Barcode and linha digitável
# --------------------------------------------------------------------------


def _check_barcode(barcode: str, what: str = "barcode") -> str:
    if not isinstance(barcode, str):
        raise TypeError(
            f"{what} must be a string of digits, got {type(barcode).__name__}"
        )
    barcode = barcode.strip()
    _digits(barcode, what, BARCODE_LENGTH)
    if barcode[0] == "8":
        raise ValueError(
            f"{what} starts with 8: it is a bill/tax slip (arrecadação, 48-digit "
            "linha), not a boleto bancário"
        )
    if barcode[_CURRENCY] != CURRENCY_REAL:
        raise ValueError(
            f"{what}: the currency code (position 4) is {barcode[_CURRENCY]}, "
            f"expected {CURRENCY_REAL} (real)"
        )
    expected = general_check_digit(barcode[:_DV] + barcode[_DV + 1 :])
    if barcode[_DV] != str(expected):
        raise CheckDigitError(
            what, "general check digit", barcode[_DV], str(expected), "modulo 11"
        )
    return barcode


def barcode_to_linha(barcode: str) -> str:
    """The 47-digit linha digitável (unformatted) of a 44-digit barcode.

    :raises CheckDigitError: if the general check digit is wrong.
    :raises ValueError: for anything that is not a boleto bancário barcode.
    """
    barcode = _check_barcode(barcode)
    free = barcode[_CAMPO_LIVRE]
    field1 = barcode[_BANK] + barcode[_CURRENCY] + free[:5]
    field2 = free[5:15]
    field3 = free[15:25]
    return (
        f"{field1}{mod10(field1)}{field2}{mod10(field2)}{field3}{mod10(field3)}"
        f"{barcode[_DV]}{barcode[_FACTOR]}{barcode[_AMOUNT]}"
    )


def _clean_linha(linha: str) -> str:
    if not isinstance(linha, str):
        raise TypeError(f"linha digitável must be a string, got {type(linha).__name__}")
    cleaned = "".join(ch for ch in linha if ch not in ". \t\n\r")
    return _digits(cleaned, "linha digitável", LINHA_LENGTH)


def linha_to_barcode(linha: str) -> str:
    """The 44-digit barcode of a linha digitável, formatted (dots, spaces) or
    not.

    Every check digit is checked: those of fields 1, 2 and 3 (modulo 10) and
    the general one (field 4, modulo 11).

    :raises CheckDigitError: naming the field whose check digit is wrong.
    :raises ValueError: if it is not 47 digits (after removing dots and
        whitespace) or not a boleto bancário.
    """
    linha = _clean_linha(linha)
    fields_ = (
        (linha[0:9], linha[9]),
        (linha[10:20], linha[20]),
        (linha[21:31], linha[31]),
    )
    for number, (body, dv) in enumerate(fields_, start=1):
        expected = mod10(body)
        if dv != str(expected):
            raise CheckDigitError(
                "linha digitável", f"field {number}", dv, str(expected), "modulo 10"
            )
    (f1, _), (f2, _), (f3, _) = fields_
    barcode = f1[:4] + linha[32] + linha[33:47] + f1[4:] + f2 + f3
    return _check_barcode(barcode, "linha digitável")


def format_linha(linha: str) -> str:
    """The linha digitável as printed: ``AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC
    D EEEEEEEEEEEEEE``. The linha is checked as by :func:`linha_to_barcode`."""
    linha = _clean_linha(linha)
    linha_to_barcode(linha)
    return (
        f"{linha[0:5]}.{linha[5:10]} {linha[10:15]}.{linha[15:21]} "
        f"{linha[21:26]}.{linha[26:32]} {linha[32]} {linha[33:47]}"
    )


# --------------------------------------------------------------------------
# Due-date factor
# --------------------------------------------------------------------------


def due_date_factor(due: date) -> int:
    """The fator de vencimento (1000-9999) of ``due``, from 2000-07-03 to
    2049-10-13, with the 2025-02-22 rollover to 1000.

    :raises ValueError: for a date outside that range.
    """
    if not isinstance(due, date):
        raise TypeError(f"due must be a datetime.date, got {type(due).__name__}")
    if isinstance(due, datetime):
        due = due.date()
    if not FIRST_DUE_DATE <= due <= LAST_DUE_DATE:
        raise ValueError(
            f"due date {due.isoformat()} is outside the range of the due-date "
            f"factor ({FIRST_DUE_DATE.isoformat()} to {LAST_DUE_DATE.isoformat()})"
        )
    return 1000 + (due - FACTOR_BASE).days % FACTOR_CYCLE


def factor_to_date(factor: int, today: date) -> date:
    """The due date a factor designates when read on ``today``: the one date
    with that factor between ``today - 3000`` and ``today + 5500`` days
    (FEBRABAN's decoding window, both limits included).

    :raises ValueError: for a factor outside 1000-9999 (0000 means "no due
        date") or a date outside the window.
    """
    if isinstance(factor, bool) or not isinstance(factor, int):
        raise TypeError(f"factor must be an int, got {type(factor).__name__}")
    if not isinstance(today, date):
        raise TypeError(f"today must be a datetime.date, got {type(today).__name__}")
    if isinstance(today, datetime):
        today = today.date()
    if factor == 0:
        raise ValueError("factor 0000 means the boleto has no due date")
    if not 1000 <= factor <= 9999:
        raise ValueError(f"due-date factor must be between 1000 and 9999, got {factor}")
    low = today - timedelta(days=WINDOW_BEFORE)
    high = today + timedelta(days=WINDOW_AFTER)
    first = FACTOR_BASE + timedelta(days=factor - 1000)
    # Cycles before FACTOR_BASE never held factors >= 1000 (they started at
    # 1997-10-07 + 1000 = FACTOR_BASE): start from the first cycle.
    cycles = max(0, (low - first).days // FACTOR_CYCLE)
    candidate = first + timedelta(days=cycles * FACTOR_CYCLE)
    while candidate < low:
        candidate += timedelta(days=FACTOR_CYCLE)
    if candidate > high:
        raise ValueError(
            f"due-date factor {factor} designates no date between "
            f"{low.isoformat()} and {high.isoformat()} (FEBRABAN's window of "
            f"{WINDOW_BEFORE} days before and {WINDOW_AFTER} days after "
            f"{today.isoformat()})"
        )
    return candidate


# --------------------------------------------------------------------------
# Parsed barcode
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedBarcode:
    """The common fields of a valid barcode."""

    bank: str
    currency: str
    factor: int
    amount: Decimal
    campo_livre: str


def parse_barcode(barcode: str) -> ParsedBarcode:
    """Split a valid barcode (checked as by :func:`barcode_to_linha`)."""
    barcode = _check_barcode(barcode)
    return ParsedBarcode(
        bank=barcode[_BANK],
        currency=barcode[_CURRENCY],
        factor=int(barcode[_FACTOR]),
        amount=Decimal(int(barcode[_AMOUNT])) * CENT,
        campo_livre=barcode[_CAMPO_LIVRE],
    )


# --------------------------------------------------------------------------
# Bank agreements
# --------------------------------------------------------------------------


def _number(value: object, name: str, max_len: int) -> str:
    """``value`` (digits as a str, or a non-negative int) zero-padded to
    ``max_len`` digits. A value with more significant digits is refused, never
    truncated (extra leading zeros are dropped: they change nothing)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(
            f"{name} must be a string of digits, got {type(value).__name__}"
        )
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"{name} must contain only digits 0-9, got {value!r}")
    if len(text) > max_len:
        if len(text.lstrip("0")) > max_len:
            raise ValueError(
                f"{name} must have at most {max_len} digits, got {len(text)}: {value!r}"
            )
        text = text[-max_len:]
    return text.zfill(max_len)


def _normalize(instance, specs: dict) -> None:
    for name, max_len in specs.items():
        object.__setattr__(
            instance, name, _number(getattr(instance, name), name, max_len)
        )


@dataclass(frozen=True)
class _Agreement:
    """Common part of the agreements: the bank code and the checks."""

    BANK = ""
    NAME = ""
    #: Maximum number of digits of the sequential nosso número.
    NOSSO_NUMERO_LENGTH = 0

    def _sequence(self, nosso_numero: object) -> str:
        return _number(nosso_numero, "nosso_numero", self.nosso_numero_length())

    def nosso_numero_length(self) -> int:
        return self.NOSSO_NUMERO_LENGTH

    def campo_livre(self, seq: str) -> tuple[str, str]:  # pragma: no cover
        """Return ``(campo livre, printed nosso número)`` for a sequence
        already padded by :meth:`_sequence`."""
        raise NotImplementedError


@dataclass(frozen=True)
class BancoDoBrasil(_Agreement):
    """Banco do Brasil (001) agreement.

    :param agencia: agência, up to 4 digits (without its DV).
    :param conta: conta corrente, up to 8 digits (without its DV).
    :param convenio: convênio of 4, 6 or 7 digits (its length selects the
        layout; leading zeros count: give it with its own length).
    :param carteira: carteira, up to 2 digits (e.g. 17, 18).
    """

    agencia: str = ""
    conta: str = ""
    convenio: str = ""
    carteira: str = "18"
    BANK = "001"
    NAME = "Banco do Brasil"

    def __post_init__(self):
        _normalize(self, {"agencia": 4, "conta": 8, "carteira": 2})
        convenio = self.convenio
        if isinstance(convenio, bool) or not isinstance(convenio, str | int):
            raise TypeError("convenio must be a string of digits")
        convenio = str(convenio).strip()
        if (
            not convenio.isascii()
            or not convenio.isdigit()
            or len(convenio) not in (4, 6, 7)
        ):
            raise ValueError(
                "convenio of Banco do Brasil must have 4, 6 or 7 digits, "
                f"got {self.convenio!r}"
            )
        object.__setattr__(self, "convenio", convenio)

    def nosso_numero_length(self) -> int:
        return {4: 7, 6: 5, 7: 10}[len(self.convenio)]

    def campo_livre(self, seq):
        nosso = self.convenio + seq
        if len(self.convenio) == 7:
            return f"000000{nosso}{self.carteira}", nosso
        remainder = _weighted_sum(nosso, (9, 8, 7, 6, 5, 4, 3, 2)) % 11
        dv = "X" if remainder == 10 else str(remainder)
        return f"{nosso}{self.agencia}{self.conta}{self.carteira}", f"{nosso}-{dv}"


@dataclass(frozen=True)
class Itau(_Agreement):
    """Itaú (341) agreement.

    :param agencia: agência, up to 4 digits.
    :param conta: conta corrente, up to 5 digits (without its DAC).
    :param carteira: carteira, 3 digits (e.g. 109, 112, 157, 175).
    """

    agencia: str = ""
    conta: str = ""
    carteira: str = "109"
    BANK = "341"
    NAME = "Itaú"
    NOSSO_NUMERO_LENGTH = 8
    #: Carteiras whose nosso-número DAC omits agência and conta.
    SHORT_DAC_CARTEIRAS = frozenset({"126", "131", "146", "150", "168"})
    #: Carteiras with "seu número" and código do cliente: another campo livre.
    UNSUPPORTED_CARTEIRAS = frozenset(
        {"106", "107", "122", "142", "143", "195", "196", "198"}
    )

    def __post_init__(self):
        _normalize(self, {"agencia": 4, "conta": 5, "carteira": 3})
        if self.carteira in self.UNSUPPORTED_CARTEIRAS:
            raise ValueError(
                f"Itaú carteira {self.carteira} (with seu número and código do "
                "cliente) is not supported"
            )

    def campo_livre(self, seq):
        if self.carteira in self.SHORT_DAC_CARTEIRAS:
            dac = mod10(self.carteira + seq)
        else:
            dac = mod10(self.agencia + self.conta + self.carteira + seq)
        account_dac = mod10(self.agencia + self.conta)
        free = f"{self.carteira}{seq}{dac}{self.agencia}{self.conta}{account_dac}000"
        return free, f"{self.carteira}/{seq}-{dac}"


@dataclass(frozen=True)
class Bradesco(_Agreement):
    """Bradesco (237) agreement.

    :param agencia: agência, up to 4 digits (without its DV).
    :param conta: conta corrente, up to 7 digits (without its DV).
    :param carteira: carteira, up to 2 digits (e.g. 09).
    """

    agencia: str = ""
    conta: str = ""
    carteira: str = "09"
    BANK = "237"
    NAME = "Bradesco"
    NOSSO_NUMERO_LENGTH = 11

    def __post_init__(self):
        _normalize(self, {"agencia": 4, "conta": 7, "carteira": 2})

    def campo_livre(self, seq):
        remainder = _weighted_sum(self.carteira + seq, (2, 3, 4, 5, 6, 7)) % 11
        dv = "0" if remainder == 0 else "P" if remainder == 1 else str(11 - remainder)
        free = f"{self.agencia}{self.carteira}{seq}{self.conta}0"
        return free, f"{self.carteira}/{seq}-{dv}"


@dataclass(frozen=True)
class Caixa(_Agreement):
    """Caixa Econômica Federal (104) SIGCB agreement, cobrança registrada
    issued by the beneficiary (nosso número ``14`` + 15 digits).

    :param agencia: agência, up to 4 digits (printed on the slip only).
    :param codigo_beneficiario: código do beneficiário: 1 to 999999 (6 digits,
        its DV computed here) or from 1100000 (7 digits, no DV); 1000000 to
        1099999 do not exist.
    """

    agencia: str = ""
    codigo_beneficiario: str = ""
    BANK = "104"
    NAME = "Caixa Econômica Federal"
    NOSSO_NUMERO_LENGTH = 15
    #: Nosso número prefix: 1 = cobrança registrada, 4 = issued by the
    #: beneficiary.
    PREFIX = "14"

    def __post_init__(self):
        _normalize(self, {"agencia": 4, "codigo_beneficiario": 7})
        code = int(self.codigo_beneficiario)
        if code == 0 or 999999 < code < 1100000:
            raise ValueError(
                "codigo_beneficiario of Caixa must be between 1 and 999999 or "
                f"from 1100000, got {code}"
            )
        object.__setattr__(
            self,
            "codigo_beneficiario",
            self.codigo_beneficiario[1:]
            if code <= 999999
            else self.codigo_beneficiario,
        )

    def campo_livre(self, seq):
        nosso = self.PREFIX + seq
        dv = _mod11_low_is_zero(nosso)
        code = self.codigo_beneficiario
        if len(code) == 6:
            code += str(_mod11_low_is_zero(code))
        free = f"{code}{nosso[2:5]}{nosso[0]}{nosso[5:8]}{nosso[1]}{nosso[8:17]}"
        return free + str(_mod11_low_is_zero(free)), f"{nosso}-{dv}"


@dataclass(frozen=True)
class Santander(_Agreement):
    """Santander (033) agreement.

    :param agencia: agência, up to 4 digits (printed on the slip only).
    :param codigo_beneficiario: código do beneficiário (código do cedente),
        up to 7 digits.
    :param carteira: carteira, 3 digits (101 cobrança simples rápida com
        registro, 102 sem registro, 104 eletrônica com registro, 201 penhor).
    :param iof: IOF, 1 digit: 0 except for insurers (7, 8 or 9).
    """

    agencia: str = ""
    codigo_beneficiario: str = ""
    carteira: str = "101"
    iof: str = "0"
    BANK = "033"
    NAME = "Santander"
    NOSSO_NUMERO_LENGTH = 12

    def __post_init__(self):
        _normalize(
            self, {"agencia": 4, "codigo_beneficiario": 7, "carteira": 3, "iof": 1}
        )
        if self.iof not in ("0", "7", "8", "9"):
            raise ValueError(f"iof of Santander must be 0, 7, 8 or 9, got {self.iof}")

    def campo_livre(self, seq):
        dv = _mod11_low_is_zero(seq)
        free = f"9{self.codigo_beneficiario}{seq}{dv}{self.iof}{self.carteira}"
        return free, f"{seq}-{dv}"


@dataclass(frozen=True)
class Sicoob(_Agreement):
    """Sicoob (756) agreement.

    :param agencia: agência (cooperativa), up to 4 digits.
    :param codigo_beneficiario: código do cliente (beneficiário), up to 7
        digits.
    :param modalidade: modalidade, 2 digits (01 simples com registro, 02
        simples sem registro, 05 carnê).
    :param carteira: carteira, 1 digit (1 simples).
    :param parcela: installment number printed in the campo livre, up to 3
        digits (001 for a single boleto).
    """

    agencia: str = ""
    codigo_beneficiario: str = ""
    modalidade: str = "01"
    carteira: str = "1"
    parcela: str = "001"
    BANK = "756"
    NAME = "Sicoob"
    NOSSO_NUMERO_LENGTH = 7

    def __post_init__(self):
        _normalize(
            self,
            {
                "agencia": 4,
                "codigo_beneficiario": 7,
                "modalidade": 2,
                "carteira": 1,
                "parcela": 3,
            },
        )

    def campo_livre(self, seq):
        total = _weighted_sum(
            self.agencia + self.codigo_beneficiario.zfill(10) + seq,
            (3, 1, 9, 7),
            from_right=False,
        )
        remainder = total % 11
        dv = 0 if remainder in (0, 1) else 11 - remainder
        free = (
            f"{self.carteira}{self.agencia}{self.modalidade}"
            f"{self.codigo_beneficiario}{seq}{dv}{self.parcela}"
        )
        return free, f"{seq}-{dv}"


#: The supported banks: FEBRABAN code -> agreement class.
BANKS: dict[str, type[_Agreement]] = {
    cls.BANK: cls for cls in (BancoDoBrasil, Santander, Caixa, Bradesco, Itau, Sicoob)
}


def _bank_code(bank: object) -> str:
    if isinstance(bank, bool) or not isinstance(bank, str | int):
        raise TypeError(f"bank must be a FEBRABAN code, got {type(bank).__name__}")
    code = str(bank).strip()
    if code.isascii() and code.isdigit() and len(code) <= 3:
        code = code.zfill(3)
    if code not in BANKS:
        supported = ", ".join(f"{c} ({cls.NAME})" for c, cls in sorted(BANKS.items()))
        raise ValueError(f"unsupported bank {bank!r}; supported banks: {supported}")
    return code


def agreement_for(bank: object, **fields_) -> _Agreement:
    """The agreement dataclass of ``bank`` built from its fields.

    :raises ValueError: for an unknown bank or a field that bank does not
        have, naming the fields it has.
    """
    cls = BANKS[_bank_code(bank)]
    names = [f.name for f in fields(cls) if f.init]
    unknown = sorted(set(fields_) - set(names))
    if unknown:
        raise ValueError(
            f"{cls.NAME} ({cls.BANK}) has no agreement field {', '.join(unknown)}; "
            f"its fields are: {', '.join(names)}"
        )
    missing = [n for n in names if n not in fields_ and getattr(cls, n, "") == ""]
    if missing:
        raise ValueError(
            f"{cls.NAME} ({cls.BANK}) needs the agreement fields: {', '.join(missing)}"
        )
    return cls(**fields_)


# --------------------------------------------------------------------------
# Boleto
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Boleto:
    """A boleto's computed numbers."""

    bank: str
    agreement: _Agreement
    due: date
    amount: Decimal
    #: Due-date factor (positions 6-9 of the barcode).
    factor: int
    #: Nosso número as printed on the slip, with its check digit if any.
    nosso_numero: str
    #: The 25 bank-specific digits (positions 20-44 of the barcode).
    campo_livre: str
    #: The 44-digit barcode (Interleaved 2 of 5).
    barcode: str
    #: The 47-digit linha digitável, digits only.
    linha: str
    #: The linha digitável as printed (dots and spaces).
    formatted_linha: str


def _amount(amount: object) -> Decimal:
    amount = to_decimal(amount, "amount")
    if amount != amount.quantize(CENT):
        raise ValueError(f"amount must be in whole cents, got {amount}")
    if amount <= 0:
        raise ValueError(f"amount must be positive, got {amount}")
    if amount > MAX_AMOUNT:
        raise ValueError(
            f"amount {amount} does not fit the barcode's 10-digit field "
            f"(at most {MAX_AMOUNT})"
        )
    return amount.quantize(CENT)


def make_boleto(
    bank: object,
    agreement: _Agreement | None = None,
    nosso_numero: object = None,
    due: date | None = None,
    amount: Decimal | None = None,
    **agreement_fields,
) -> Boleto:
    """Compute a boleto of ``bank``.

    The agreement is either an instance of the bank's agreement class
    (:data:`BANKS`) or its fields as keyword arguments, e.g.::

        make_boleto("001", agencia="4042", conta="61900", convenio="1238798",
                    carteira="18", nosso_numero="7777700168",
                    due=date(2008, 2, 3), amount=Decimal("135.00"))
        make_boleto("001", BancoDoBrasil(agencia="4042", conta="61900",
                    convenio="1238798"), "7777700168", date(2008, 2, 3),
                    Decimal("135.00"))

    :param nosso_numero: the sequential number (digits), without check digit;
        its maximum length depends on the bank (and on BB's convênio).
    :raises ValueError: for an unknown bank (listing the supported ones), an
        agreement field that does not fit, an amount outside 0.01 to
        99,999,999.99 or a due date outside the factor's range.
    :raises TypeError: for a float amount.
    """
    missing = [
        name
        for name, value in (
            ("nosso_numero", nosso_numero),
            ("due", due),
            ("amount", amount),
        )
        if value is None
    ]
    if missing:
        raise TypeError(f"make_boleto() missing {', '.join(missing)}")
    code = _bank_code(bank)
    if agreement is None:
        agreement = agreement_for(code, **agreement_fields)
    elif agreement_fields:
        raise TypeError("give the agreement or its fields, not both")
    if not isinstance(agreement, _Agreement) or agreement.BANK != code:
        raise ValueError(
            f"the agreement {type(agreement).__name__} is not one of bank {code} "
            f"({BANKS[code].__name__} expected)"
        )
    amount = _amount(amount)
    factor = due_date_factor(due)
    if isinstance(due, datetime):
        due = due.date()
    seq = agreement._sequence(nosso_numero)
    free, printed = agreement.campo_livre(seq)
    assert len(free) == CAMPO_LIVRE_LENGTH, free
    body = f"{code}{CURRENCY_REAL}{factor:04d}{int(amount / CENT):010d}{free}"
    barcode = body[:4] + str(general_check_digit(body)) + body[4:]
    linha = barcode_to_linha(barcode)
    return Boleto(
        bank=code,
        agreement=agreement,
        due=due,
        amount=amount,
        factor=factor,
        nosso_numero=printed,
        campo_livre=free,
        barcode=barcode,
        linha=linha,
        formatted_linha=format_linha(linha),
    )
