# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a ``cobv`` costs on a payment date, as the PSP computes it.

The spec's ``CobDataDeVencimento``, ``CobVValor`` and ``Pix.componentesValor``
implemented on their own (not with ``cobranca.charges``), so that the
sandbox checks the library's charges instead of agreeing with them.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from cobranca.calendar import BankCalendar
from cobranca.charges import round_cents
from cobranca.pix import (
    DEFAULT_VALIDADE_APOS_VENCIMENTO,
    AbatimentoModalidade,
    DescontoModalidade,
    JurosModalidade,
    MultaModalidade,
)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
#: Interest conventions where the spec names a rate but not its day count
#: (see :func:`cobv_amount`).
DAYS_PER_MONTH = 30
DAYS_PER_YEAR = 360
BUSINESS_DAYS_PER_YEAR = 252
BUSINESS_DAYS_PER_MONTH = BUSINESS_DAYS_PER_YEAR // 12


class ChargeNotPayable(ValueError):
    """The charge cannot be paid on that date (past its validity, removed...)."""


@dataclass(frozen=True)
class CobVAmount:
    """What a ``cobv`` costs on ``paid_on``; the ``Pix.componentesValor``."""

    paid_on: date
    effective_due_date: date
    last_payment_date: date
    days_late: int
    business_days_late: int
    original: Decimal
    multa: Decimal
    juros: Decimal
    abatimento: Decimal
    desconto: Decimal

    @property
    def final(self) -> Decimal:
        """original + multa + juros - abatimento - desconto."""
        return self.original + self.multa + self.juros - self.abatimento - self.desconto

    def componentes_valor(self) -> dict:
        components = {"original": {"valor": f"{self.original:f}"}}
        for name in ("multa", "juros", "abatimento", "desconto"):
            value = getattr(self, name)
            if value:
                components[name] = {"valor": f"{value:f}"}
        return components


def payment_window(
    due: date, validade_apos_vencimento: int, calendar: BankCalendar
) -> tuple[date, date]:
    """Return the effective due date and the last day a ``cobv`` can be paid.

    ``CobDataDeVencimento``: a due date on a weekend or holiday is moved to the
    next business day, and everything that refers to it moves with it; the
    validity runs ``validadeAposVencimento`` calendar days after that date,
    and a validity ending on a non-business day is extended to the next
    business day as well (the spec's examples A, E and G).
    """
    effective = calendar.next_business_day(due)
    last = calendar.next_business_day(
        effective + timedelta(days=validade_apos_vencimento)
    )
    return effective, last


def _percent_of(base: Decimal, rate: Decimal) -> Decimal:
    return base * rate / HUNDRED


def _juros(
    modalidade: int, rate: Decimal, original: Decimal, days: int, business_days: int
) -> Decimal:
    per_day = {
        JurosModalidade.VALOR_DIAS_CORRIDOS: (rate, days),
        JurosModalidade.PERCENTUAL_DIA_DIAS_CORRIDOS: (
            _percent_of(original, rate),
            days,
        ),
        JurosModalidade.PERCENTUAL_MES_DIAS_CORRIDOS: (
            _percent_of(original, rate) / DAYS_PER_MONTH,
            days,
        ),
        JurosModalidade.PERCENTUAL_ANO_DIAS_CORRIDOS: (
            _percent_of(original, rate) / DAYS_PER_YEAR,
            days,
        ),
        JurosModalidade.VALOR_DIAS_UTEIS: (rate, business_days),
        JurosModalidade.PERCENTUAL_DIA_DIAS_UTEIS: (
            _percent_of(original, rate),
            business_days,
        ),
        JurosModalidade.PERCENTUAL_MES_DIAS_UTEIS: (
            _percent_of(original, rate) / BUSINESS_DAYS_PER_MONTH,
            business_days,
        ),
        JurosModalidade.PERCENTUAL_ANO_DIAS_UTEIS: (
            _percent_of(original, rate) / BUSINESS_DAYS_PER_YEAR,
            business_days,
        ),
    }
    amount, count = per_day[JurosModalidade(modalidade)]
    return amount * count


def _desconto(
    desconto: Mapping,
    original: Decimal,
    due: date,
    effective: date,
    paid_on: date,
    calendar: BankCalendar,
) -> Decimal:
    modalidade = DescontoModalidade(int(desconto["modalidade"]))
    if modalidade in (
        DescontoModalidade.VALOR_FIXO_ATE_DATA,
        DescontoModalidade.PERCENTUAL_ATE_DATA,
    ):
        limits = []
        for item in desconto.get("descontoDataFixa") or ():
            day = date.fromisoformat(item["data"])
            # A discount date that is the due date moves with it.
            limits.append(
                (effective if day == due else day, Decimal(item["valorPerc"]))
            )
        for limit, value in sorted(limits):
            if paid_on <= limit:
                if modalidade == DescontoModalidade.PERCENTUAL_ATE_DATA:
                    return _percent_of(original, value)
                return value
        return Decimal(0)
    rate = Decimal(desconto["valorPerc"])
    if paid_on >= effective:
        return Decimal(0)
    days = (effective - paid_on).days
    business_days = calendar.business_days_between(paid_on, effective)
    return {
        DescontoModalidade.VALOR_ANTECIPACAO_DIA_CORRIDO: rate * days,
        DescontoModalidade.VALOR_ANTECIPACAO_DIA_UTIL: rate * business_days,
        DescontoModalidade.PERCENTUAL_ANTECIPACAO_DIA_CORRIDO: _percent_of(
            original, rate
        )
        * days,
        DescontoModalidade.PERCENTUAL_ANTECIPACAO_DIA_UTIL: _percent_of(original, rate)
        * business_days,
    }[modalidade]


def cobv_amount(
    cobv: Mapping, paid_on: date, calendar: BankCalendar | None = None
) -> CobVAmount:
    """Compute what a ``cobv`` costs when paid on ``paid_on``.

    ``cobv`` is the charge's JSON (``calendario`` and ``valor`` are used).

    * Due date and validity: :func:`payment_window`. Paid after the last day:
      :class:`ChargeNotPayable`.
    * ``multa`` (once, from the first day after the effective due date):
      modalidade 1 a fixed amount, 2 a percentage of ``original``.
    * ``juros`` from the effective due date (the spec moves every field that
      refers to the due date), on ``original``: 1 amount per calendar day,
      2 % per calendar day, 3 % a month / 30 per calendar day, 4 % a year /
      360 per calendar day, 5 amount per business day, 6 % per business day,
      7 % a month / 21 per business day, 8 % a year / 252 per business day.
      The spec does not give the day counts of 4, 7 and 8: 360 is the
      commercial year of the 30-day month of 3; 252 business days a year
      (21 a month) is the Brazilian market convention.
    * ``abatimento``: always; 1 a fixed amount, 2 a percentage of
      ``original``.
    * ``desconto`` (never when late): 1-2 the value of the first fixed date on
      or after the payment (a date equal to the due date moves with it); 3-6
      an amount or percentage of ``original`` per calendar (3, 5) or
      business (4, 6) day before the effective due date.
    * Each part is rounded half-up to cents; the discount never brings the
      amount below one cent.
    """
    calendar = calendar or BankCalendar()
    calendario, valor = cobv["calendario"], cobv["valor"]
    due = date.fromisoformat(calendario["dataDeVencimento"])
    validade = int(
        calendario.get("validadeAposVencimento", DEFAULT_VALIDADE_APOS_VENCIMENTO)
    )
    effective, last = payment_window(due, validade, calendar)
    if paid_on > last:
        raise ChargeNotPayable(
            f"the charge due on {due} (validity {validade} days) could be paid "
            f"until {last}, not on {paid_on}"
        )
    original = Decimal(valor["original"])
    days_late = max(0, (paid_on - effective).days)
    business_days_late = (
        calendar.business_days_between(effective, paid_on) if days_late else 0
    )
    multa = juros = abatimento = desconto = Decimal(0)
    if days_late and "multa" in valor:
        rate = Decimal(valor["multa"]["valorPerc"])
        multa = (
            _percent_of(original, rate)
            if int(valor["multa"]["modalidade"]) == MultaModalidade.PERCENTUAL
            else rate
        )
    if days_late and "juros" in valor:
        juros = _juros(
            int(valor["juros"]["modalidade"]),
            Decimal(valor["juros"]["valorPerc"]),
            original,
            days_late,
            business_days_late,
        )
    if "abatimento" in valor:
        rate = Decimal(valor["abatimento"]["valorPerc"])
        abatimento = (
            _percent_of(original, rate)
            if int(valor["abatimento"]["modalidade"]) == AbatimentoModalidade.PERCENTUAL
            else rate
        )
    if not days_late and "desconto" in valor:
        desconto = _desconto(
            valor["desconto"], original, due, effective, paid_on, calendar
        )
    multa, juros, abatimento, desconto = map(
        round_cents, (multa, juros, abatimento, desconto)
    )
    desconto = max(Decimal("0.00"), min(desconto, original - abatimento - CENT))
    return CobVAmount(
        paid_on=paid_on,
        effective_due_date=effective,
        last_payment_date=last,
        days_late=days_late,
        business_days_late=business_days_late,
        original=original,
        multa=multa,
        juros=juros,
        abatimento=abatimento,
        desconto=desconto,
    )
