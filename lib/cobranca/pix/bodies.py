# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Request bodies of the Banco Central *API Pix* and the values they carry.

The JSON of the spec (``openapi.yaml`` of bacen/pix-api, release 2.9.0) as
plain dicts, checked before anything is sent: txids (26-35 ``[a-zA-Z0-9]``),
end-to-end ids (32 ``[a-zA-Z0-9]``), refund ids (1-35), amounts (a
:class:`~decimal.Decimal` in whole cents, sent as ``"123.45"``; a float is
refused anywhere in a body), rates (two decimals), Pix keys, CPF/CNPJ, and
the length of every text. The ``fit_*`` helpers prepare free texts (names,
messages) to those lengths.
"""

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from enum import IntEnum
from typing import Any

from ..calendar import check_date
from ..charges import to_decimal
from ..documents import document_kind, validate_cnpj, validate_cpf
from .keys import normalize_key

CENT = Decimal("0.01")
#: ``\d{1,10}\.\d{2}``: the largest amount the API Pix can carry.
MAX_AMOUNT = Decimal("9999999999.99")
#: Lengths of the spec's text fields, in characters.
MAX_DEVEDOR_NOME = 200
MAX_SOLICITACAO_PAGADOR = 140
MAX_INFO_ADICIONAIS = 50
MAX_INFO_NOME = 50
MAX_INFO_VALOR = 200
MAX_DESCRICAO_DEVOLUCAO = 140
MAX_INFO_PAGADOR = 140
#: A refund id (``devolucao`` ``id``): 1 to 35 ``[a-zA-Z0-9]``.
MAX_DEVOLUCAO_ID_LENGTH = 35
#: ``calendario.expiracao`` of a ``cob`` when none is given, in seconds.
DEFAULT_EXPIRACAO = 86400
#: ``calendario.validadeAposVencimento`` of a ``cobv`` when none is given,
#: in days.
DEFAULT_VALIDADE_APOS_VENCIMENTO = 30

_E2EID = re.compile(r"[a-zA-Z0-9]{32}")
_DEVOLUCAO_ID = re.compile(rf"[a-zA-Z0-9]{{1,{MAX_DEVOLUCAO_ID_LENGTH}}}")
_NOT_ALNUM = re.compile(r"[^a-zA-Z0-9]")
_CEP = re.compile(r"[0-9]{8}")
_UF = re.compile(r"[A-Z]{2}")
_WHITESPACE = re.compile(r"\s+")


# --- Domain tables (components.schemas.CobVValor) -----------------------------


class MultaModalidade(IntEnum):
    """``valor.multa.modalidade``."""

    VALOR_FIXO = 1
    PERCENTUAL = 2


class JurosModalidade(IntEnum):
    """``valor.juros.modalidade``: the amount or rate and the days counted."""

    VALOR_DIAS_CORRIDOS = 1
    PERCENTUAL_DIA_DIAS_CORRIDOS = 2
    PERCENTUAL_MES_DIAS_CORRIDOS = 3
    PERCENTUAL_ANO_DIAS_CORRIDOS = 4
    VALOR_DIAS_UTEIS = 5
    PERCENTUAL_DIA_DIAS_UTEIS = 6
    PERCENTUAL_MES_DIAS_UTEIS = 7
    PERCENTUAL_ANO_DIAS_UTEIS = 8


class AbatimentoModalidade(IntEnum):
    """``valor.abatimento.modalidade``."""

    VALOR_FIXO = 1
    PERCENTUAL = 2


class DescontoModalidade(IntEnum):
    """``valor.desconto.modalidade``.

    1 and 2 take ``descontoDataFixa`` (up to three dates); 3 to 6 take
    ``valorPerc``, an amount or a rate per day of early payment.
    """

    VALOR_FIXO_ATE_DATA = 1
    PERCENTUAL_ATE_DATA = 2
    VALOR_ANTECIPACAO_DIA_CORRIDO = 3
    VALOR_ANTECIPACAO_DIA_UTIL = 4
    PERCENTUAL_ANTECIPACAO_DIA_CORRIDO = 5
    PERCENTUAL_ANTECIPACAO_DIA_UTIL = 6


_DESCONTO_DATA_FIXA = frozenset(
    {DescontoModalidade.VALOR_FIXO_ATE_DATA, DescontoModalidade.PERCENTUAL_ATE_DATA}
)


# --- Values -------------------------------------------------------------------


def format_amount(value: Decimal | int, name: str = "amount", *, zero=False) -> str:
    """Return ``value`` as the API Pix writes money: ``"1234.50"``.

    :param zero: whether 0 is allowed (it is not for ``valor.original``).
    :raises TypeError: for a float or anything but a Decimal or an int.
    :raises ValueError: negative, not in whole cents, or above
        9 999 999 999.99.
    """
    amount = to_decimal(value, name)
    if amount < 0 or (amount == 0 and not zero):
        raise ValueError(
            f"{name} must be {'zero or ' if zero else ''}positive, got {amount:f}"
        )
    if amount != amount.quantize(CENT):
        raise ValueError(f"{name} must be in whole cents, got {amount:f}")
    if amount > MAX_AMOUNT:
        raise ValueError(f"{name} must be at most {MAX_AMOUNT}, got {amount:f}")
    return f"{amount.quantize(CENT):f}"


def format_percent(value: Decimal | int, name: str) -> str:
    """Return a rate in percent as the API Pix writes it: ``"2.00"``.

    :raises ValueError: negative, or more than two decimals (the API cannot
        carry ``0.033``: it would have to be rounded, which is refused).
    """
    return format_amount(value, name, zero=True)


def _check_id(value: str, pattern: re.Pattern, label: str, rule: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{label} must be a str, got {type(value).__name__}")
    if not pattern.fullmatch(value):
        raise ValueError(
            f"{label} has {rule} characters [a-zA-Z0-9], got {len(value)}: {value!r}"
        )
    return value


def validate_e2eid(e2eid: str) -> str:
    """Return ``e2eid`` if it is a Pix end-to-end id (32 ``[a-zA-Z0-9]``)."""
    return _check_id(e2eid, _E2EID, "an end-to-end id (e2eid)", "exactly 32")


def validate_devolucao_id(devolucao_id: str) -> str:
    """Return ``devolucao_id`` if it is a refund id (1-35 ``[a-zA-Z0-9]``)."""
    return _check_id(
        devolucao_id,
        _DEVOLUCAO_ID,
        "a refund (devolucao) id",
        f"1 to {MAX_DEVOLUCAO_ID_LENGTH}",
    )


def devolucao_id_from(reference: str) -> str:
    """A refund id made of ``reference`` (e.g. an Odoo transaction reference):
    its letters and digits, the last 35 of them.

    :raises ValueError: no letter or digit in ``reference``.
    """
    if not isinstance(reference, str):
        raise TypeError(f"reference must be a str, got {type(reference).__name__}")
    return validate_devolucao_id(
        _NOT_ALNUM.sub("", reference)[-MAX_DEVOLUCAO_ID_LENGTH:]
    )


def api_percent(value: Decimal | int, name: str = "rate") -> Decimal:
    """A rate in percent as the API Pix can carry it: rounded down to two
    decimals, so that the PSP never charges more than ``value`` says."""
    return to_decimal(value, name).quantize(CENT, rounding=ROUND_DOWN)


def fit_text(text: str | None, max_length: int) -> str:
    """``text`` for a free-text field of at most ``max_length`` characters:
    runs of whitespace folded into one space, stripped, then cut (accents are
    kept: the API Pix carries UTF-8). None gives ``""``."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {type(text).__name__}: {text!r}")
    return _WHITESPACE.sub(" ", text).strip()[:max_length].rstrip()


def fit_devedor_nome(name: str | None) -> str:
    """A debtor's name cut to the 200 characters of ``devedor.nome``."""
    return fit_text(name, MAX_DEVEDOR_NOME)


def fit_solicitacao_pagador(text: str | None) -> str:
    """A message to the payer cut to the 140 characters of
    ``solicitacaoPagador``."""
    return fit_text(text, MAX_SOLICITACAO_PAGADOR)


def fit_info_pagador(text: str | None) -> str:
    """A payer's message cut to the 140 characters of ``Pix.infoPagador``."""
    return fit_text(text, MAX_INFO_PAGADOR)


def _text(value: str | None, name: str, max_length: int, *, required=False):
    if value is None:
        if required:
            raise ValueError(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    text = value.strip()
    if not text:
        if required:
            raise ValueError(f"{name} cannot be empty")
        return None
    if len(text) > max_length:
        raise ValueError(
            f"{name} must have at most {max_length} characters, got {len(text)}"
        )
    return text


def format_datetime(value: datetime, name: str) -> str:
    """An aware datetime as RFC 3339 (``inicio``, ``fim`` of ``GET /pix``)."""
    if not isinstance(value, datetime):
        raise TypeError(
            f"{name} must be a datetime with a time zone, got {type(value).__name__}"
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must carry a time zone (RFC 3339), got the naive {value!r}"
        )
    return value.isoformat()


def _devedor(
    cpf_or_cnpj: str,
    nome: str,
    *,
    email: str | None = None,
    logradouro: str | None = None,
    cidade: str | None = None,
    uf: str | None = None,
    cep: str | None = None,
) -> dict[str, str]:
    if not isinstance(cpf_or_cnpj, str):
        raise TypeError(
            f"the debtor's CPF or CNPJ must be a str, got {type(cpf_or_cnpj).__name__}"
        )
    kind = document_kind(cpf_or_cnpj)
    document = (validate_cpf if kind == "cpf" else validate_cnpj)(cpf_or_cnpj)
    devedor = {kind: document}
    devedor["nome"] = _text(nome, "devedor nome", MAX_DEVEDOR_NOME, required=True)
    extra = {
        "email": _text(email, "devedor email", 200),
        "logradouro": _text(logradouro, "devedor logradouro", 200),
        "cidade": _text(cidade, "devedor cidade", 200),
    }
    if uf is not None:
        extra["uf"] = _text(uf, "devedor uf", 2, required=True).upper()
        if not _UF.fullmatch(extra["uf"]):
            raise ValueError(f"devedor uf must be 2 letters, got {uf!r}")
    if cep is not None:
        extra["cep"] = re.sub(r"[\s.\-]", "", _text(cep, "devedor cep", 10) or "")
        if not _CEP.fullmatch(extra["cep"]):
            raise ValueError(f"devedor cep must have 8 digits, got {cep!r}")
    devedor.update({key: value for key, value in extra.items() if value})
    return devedor


def _info_adicionais(items: Iterable) -> list[dict[str, str]]:
    result = []
    for item in items:
        if isinstance(item, Mapping):
            nome, valor = item.get("nome"), item.get("valor")
        else:
            nome, valor = item
        result.append(
            {
                "nome": _text(
                    nome, "infoAdicionais nome", MAX_INFO_NOME, required=True
                ),
                "valor": _text(
                    valor, "infoAdicionais valor", MAX_INFO_VALOR, required=True
                ),
            }
        )
    if len(result) > MAX_INFO_ADICIONAIS:
        raise ValueError(
            f"infoAdicionais holds at most {MAX_INFO_ADICIONAIS} items, "
            f"got {len(result)}"
        )
    return result


@dataclass(frozen=True)
class Desconto:
    """``valor.desconto`` of a ``cobv``: an early-payment discount.

    Build it with :meth:`fixed_until` or :meth:`per_day_early`.
    ``datas`` are ``(limit date, amount or percent)`` pairs for modalidades
    1-2; ``valor_perc`` is the amount or percent per day for 3-6.
    """

    modalidade: DescontoModalidade
    datas: tuple[tuple[date, Decimal], ...] = ()
    valor_perc: Decimal | None = None

    @classmethod
    def fixed_until(cls, datas: Iterable[tuple[date, Decimal]], *, percent=False):
        """Up to three ``(date, amount)`` discounts (percentages if ``percent``)
        for a payment made on or before each date (modalidade 1 or 2)."""
        modalidade = (
            DescontoModalidade.PERCENTUAL_ATE_DATA
            if percent
            else DescontoModalidade.VALOR_FIXO_ATE_DATA
        )
        return cls(modalidade, tuple(datas))

    @classmethod
    def per_day_early(cls, valor_perc: Decimal, *, percent=False, business_days=False):
        """A discount per (calendar or business) day of early payment."""
        modalidade = {
            (False, False): DescontoModalidade.VALOR_ANTECIPACAO_DIA_CORRIDO,
            (False, True): DescontoModalidade.VALOR_ANTECIPACAO_DIA_UTIL,
            (True, False): DescontoModalidade.PERCENTUAL_ANTECIPACAO_DIA_CORRIDO,
            (True, True): DescontoModalidade.PERCENTUAL_ANTECIPACAO_DIA_UTIL,
        }[bool(percent), bool(business_days)]
        return cls(modalidade, valor_perc=valor_perc)

    def to_json(self, valor_original: Decimal, data_vencimento: date) -> dict:
        """The ``valor.desconto`` object, checked against the charge."""
        modalidade = DescontoModalidade(self.modalidade)
        percent = modalidade in (
            DescontoModalidade.PERCENTUAL_ATE_DATA,
            DescontoModalidade.PERCENTUAL_ANTECIPACAO_DIA_CORRIDO,
            DescontoModalidade.PERCENTUAL_ANTECIPACAO_DIA_UTIL,
        )
        limit = Decimal(100) if percent else valor_original

        def value(amount, name):
            text = (
                format_percent(amount, name) if percent else format_amount(amount, name)
            )
            if Decimal(text) >= limit:
                bound = "100%" if percent else "the original amount"
                raise ValueError(f"{name} must be below {bound}, got {text}")
            return text

        if modalidade in _DESCONTO_DATA_FIXA:
            if self.valor_perc is not None or not 1 <= len(self.datas) <= 3:
                raise ValueError(
                    f"desconto modalidade {int(modalidade)} takes 1 to 3 (date, value) "
                    "pairs and no per-day value"
                )
            seen = set()
            items = []
            for day, amount in sorted(self.datas):
                check_date(day, "desconto date")
                if day > data_vencimento or day in seen:
                    raise ValueError(
                        "desconto dates must be distinct and on or before the due "
                        f"date {data_vencimento}, got {day}"
                    )
                seen.add(day)
                items.append(
                    {"data": day.isoformat(), "valorPerc": value(amount, "desconto")}
                )
            return {"modalidade": int(modalidade), "descontoDataFixa": items}
        if self.datas or self.valor_perc is None:
            raise ValueError(
                f"desconto modalidade {int(modalidade)} takes a per-day value and no "
                "dates"
            )
        return {
            "modalidade": int(modalidade),
            "valorPerc": value(self.valor_perc, "desconto"),
        }


def cobv_body(
    *,
    devedor_cpf_or_cnpj: str,
    devedor_nome: str,
    valor_original: Decimal,
    data_vencimento: date,
    validade_apos_vencimento: int,
    chave: str,
    multa_pct: Decimal | None,
    juros_monthly_pct: Decimal | None,
    desconto: Desconto | None = None,
    abatimento: Decimal | None = None,
    solicitacao_pagador: str | None = None,
    info_adicionais: Iterable = (),
    devedor_email: str | None = None,
    devedor_logradouro: str | None = None,
    devedor_cidade: str | None = None,
    devedor_uf: str | None = None,
    devedor_cep: str | None = None,
) -> dict[str, Any]:
    """Return the ``CobVSolicitada`` body of ``PUT /cobv/{txid}``.

    :param valor_original: the installment amount, positive, whole cents.
    :param validade_apos_vencimento: calendar days after the (business-day
        adjusted) due date during which the charge can still be paid.
    :param chave: the receiver's Pix key; normalized as registered in DICT.
    :param multa_pct: late fine in percent of the original amount, charged
        once (``valor.multa`` modalidade 2, percentual); None or 0: no fine.
        The API does not cap it: apply the consumer cap (2%, CDC art. 52 §1)
        before, e.g. with :class:`cobranca.charges.LateChargePolicy`.
    :param juros_monthly_pct: moratory interest in percent a month, counted
        per calendar day (``valor.juros`` modalidade 3, "percentual ao mês,
        dias corridos"); None or 0: no interest.
    :param desconto: an early-payment discount, see :class:`Desconto`.
    :param abatimento: a fixed rebate (``valor.abatimento`` modalidade 1).
    :param info_adicionais: ``(nome, valor)`` pairs or ``{"nome", "valor"}``
        dicts shown to the payer (at most 50).
    :raises ValueError, TypeError: on anything the API would refuse, before
        it is sent (invalid CPF/CNPJ or key, float amounts, too long texts...).
    """
    original = format_amount(valor_original, "valor_original")
    check_date(data_vencimento, "data_vencimento")
    if isinstance(validade_apos_vencimento, bool) or not isinstance(
        validade_apos_vencimento, int
    ):
        raise TypeError("validade_apos_vencimento must be an int (days)")
    if validade_apos_vencimento < 0:
        raise ValueError(
            f"validade_apos_vencimento must be >= 0, got {validade_apos_vencimento}"
        )
    valor: dict[str, Any] = {"original": original}
    if multa_pct is not None and to_decimal(multa_pct, "multa_pct") != 0:
        valor["multa"] = {
            "modalidade": int(MultaModalidade.PERCENTUAL),
            "valorPerc": format_percent(multa_pct, "multa_pct"),
        }
    if (
        juros_monthly_pct is not None
        and to_decimal(juros_monthly_pct, "juros_monthly_pct") != 0
    ):
        valor["juros"] = {
            "modalidade": int(JurosModalidade.PERCENTUAL_MES_DIAS_CORRIDOS),
            "valorPerc": format_percent(juros_monthly_pct, "juros_monthly_pct"),
        }
    if abatimento is not None:
        text = format_amount(abatimento, "abatimento")
        if Decimal(text) >= Decimal(original):
            raise ValueError("abatimento must be below the original amount")
        valor["abatimento"] = {
            "modalidade": int(AbatimentoModalidade.VALOR_FIXO),
            "valorPerc": text,
        }
    if desconto is not None:
        if not isinstance(desconto, Desconto):
            raise TypeError("desconto must be a cobranca.pix.Desconto")
        valor["desconto"] = desconto.to_json(Decimal(original), data_vencimento)
    body: dict[str, Any] = {
        "calendario": {
            "dataDeVencimento": data_vencimento.isoformat(),
            "validadeAposVencimento": validade_apos_vencimento,
        },
        "devedor": _devedor(
            devedor_cpf_or_cnpj,
            devedor_nome,
            email=devedor_email,
            logradouro=devedor_logradouro,
            cidade=devedor_cidade,
            uf=devedor_uf,
            cep=devedor_cep,
        ),
        "valor": valor,
        "chave": normalize_key(chave),
    }
    return _with_payer_texts(body, solicitacao_pagador, info_adicionais)


def _with_payer_texts(
    body: dict[str, Any], solicitacao_pagador: str | None, info_adicionais: Iterable
) -> dict[str, Any]:
    """``body`` with the texts shown to the payer (cob and cobv alike)."""
    solicitacao = _text(
        solicitacao_pagador, "solicitacao_pagador", MAX_SOLICITACAO_PAGADOR
    )
    if solicitacao:
        body["solicitacaoPagador"] = solicitacao
    info = _info_adicionais(info_adicionais)
    if info:
        body["infoAdicionais"] = info
    return body


def cob_body(
    *,
    valor_original: Decimal,
    chave: str,
    expiracao: int = DEFAULT_EXPIRACAO,
    devedor_cpf_or_cnpj: str | None = None,
    devedor_nome: str | None = None,
    payer_may_change_amount: bool = False,
    solicitacao_pagador: str | None = None,
    info_adicionais: Iterable = (),
) -> dict[str, Any]:
    """Return the ``CobSolicitada`` body of ``PUT /cob/{txid}`` (immediate).

    :param expiracao: lifetime in seconds from creation, > 0.
    :param payer_may_change_amount: ``valor.modalidadeAlteracao`` 1.
    """
    if isinstance(expiracao, bool) or not isinstance(expiracao, int):
        raise TypeError("expiracao must be an int (seconds)")
    if expiracao <= 0:
        raise ValueError(f"expiracao must be positive, got {expiracao}")
    valor: dict[str, Any] = {
        "original": format_amount(valor_original, "valor_original")
    }
    if payer_may_change_amount:
        valor["modalidadeAlteracao"] = 1
    body: dict[str, Any] = {"calendario": {"expiracao": expiracao}}
    if devedor_cpf_or_cnpj is not None or devedor_nome is not None:
        if devedor_cpf_or_cnpj is None or devedor_nome is None:
            raise ValueError("give both devedor_cpf_or_cnpj and devedor_nome, or none")
        body["devedor"] = _devedor(devedor_cpf_or_cnpj, devedor_nome)
    body["valor"] = valor
    body["chave"] = normalize_key(chave)
    return _with_payer_texts(body, solicitacao_pagador, info_adicionais)


def devolucao_body(
    valor: Decimal, natureza: str | None = None, descricao: str | None = None
) -> dict[str, Any]:
    """Return the ``DevolucaoSolicitada`` body of ``PUT
    /pix/{e2eid}/devolucao/{id}``.

    :param natureza: ``ORIGINAL`` (default on the PSP side) or ``RETIRADA``
        (Pix Saque/Troco).
    """
    body: dict[str, Any] = {"valor": format_amount(valor, "valor")}
    if natureza is not None:
        if natureza not in ("ORIGINAL", "RETIRADA"):
            raise ValueError(
                f"natureza must be 'ORIGINAL' or 'RETIRADA', got {natureza!r}"
            )
        body["natureza"] = natureza
    text = _text(descricao, "descricao", MAX_DESCRICAO_DEVOLUCAO)
    if text:
        body["descricao"] = text
    return body


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_amount(value, "a Decimal of the body", zero=True)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(
        f"a value of type {type(value).__name__} cannot be sent to the API Pix"
    )


def encode_body(body: Mapping[str, Any]) -> bytes:
    """Serialize a request body; a Decimal becomes ``"12.30"``, a float is refused."""
    if not isinstance(body, Mapping):
        raise TypeError(f"a request body must be a dict, got {type(body).__name__}")

    def check(value, path):
        if isinstance(value, float):
            raise TypeError(
                f"{path} is a float ({value!r}): the API Pix carries money and rates "
                "as strings with 2 decimals; use a Decimal"
            )
        if isinstance(value, Mapping):
            for key, item in value.items():
                check(item, f"{path}.{key}")
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                check(item, f"{path}[{index}]")

    check(body, "body")
    return json.dumps(
        body, default=_json_default, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
