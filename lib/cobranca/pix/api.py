# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client of the Banco Central *API Pix* (bacen/pix-api, release 2.9.0).

Every Brazilian PSP exposes this standard API to its receiving customers:
charges with a due date (``cobv``) and immediate charges (``cob``), the Pix
received, refunds (``devolucao``) and the payment webhook. Paths and bodies
are those of the official ``openapi.yaml``; the JSON of the spec goes in and
out unchanged (plain dicts), except that:

* inputs are checked before anything is sent: txids (26-35 ``[a-zA-Z0-9]``),
  end-to-end ids (32 ``[a-zA-Z0-9]``), refund ids (1-35), amounts (a
  :class:`~decimal.Decimal` in whole cents, sent as ``"123.45"``; a float is
  refused anywhere in a body), Pix keys, CPF/CNPJ;
* the ``pixCopiaECola`` of a charge is parsed (CRC, TLV, dynamic payload whose
  url is the charge's location) before it is returned, so a broken BR Code
  never reaches a customer.

Transport: OAuth2 client credentials (HTTP Basic on the token URL) with the
token cached until shortly before it expires, refreshed once on a 401; mTLS
with the PSP-issued certificate (``cert``); a timeout on every request;
retries with exponential backoff on connection errors, timeouts, 429 (honouring
``Retry-After``) and 5xx. Every method of the API that is used here is a
GET/PUT/PATCH/DELETE keyed by a client-chosen identifier (txid, e2eid + refund
id, key), hence idempotent and safe to retry; a POST (the token request) is
never retried.

Errors are :class:`PixApiError` (RFC 7807 ``problem+json`` decoded, with each
``violacoes`` item), :class:`PixApiTimeout` and :class:`PixApiUnavailable`
(retries exhausted), :class:`PixApiInvalidResponse` (a 2xx answer that is not
what the spec says), all subclasses of :class:`PixError`.
"""

import json
import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from enum import IntEnum
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from ..calendar import check_date
from ..charges import to_decimal
from ..documents import document_kind, validate_cnpj, validate_cpf
from .brcode import parse_brcode, validate_charge_txid
from .keys import normalize_key

_logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
#: ``\d{1,10}\.\d{2}``: the largest amount the API Pix can carry.
MAX_AMOUNT = Decimal("9999999999.99")
MAX_DEVEDOR_NOME = 200
MAX_SOLICITACAO_PAGADOR = 140
MAX_INFO_ADICIONAIS = 50
MAX_INFO_NOME = 50
MAX_INFO_VALOR = 200
MAX_DESCRICAO_DEVOLUCAO = 140
#: ``calendario.expiracao`` of a ``cob`` when none is given, in seconds.
DEFAULT_EXPIRACAO = 86400
#: 5xx statuses that are permanent, hence never retried.
PERMANENT_5XX = frozenset({501, 505})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})

_E2EID = re.compile(r"[a-zA-Z0-9]{32}")
_DEVOLUCAO_ID = re.compile(r"[a-zA-Z0-9]{1,35}")
_CEP = re.compile(r"[0-9]{8}")
_UF = re.compile(r"[A-Z]{2}")


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


# --- Errors -------------------------------------------------------------------


class PixError(Exception):
    """Base of every error of the API Pix client."""


class PixApiError(PixError):
    """The API Pix (or its token endpoint) refused a request.

    Built from an RFC 7807 ``application/problem+json`` answer when there is
    one: ``type`` (``https://pix.bcb.gov.br/api/v2/error/<TipoErro>``),
    ``title``, ``detail``, ``violacoes`` (``[{"razao", "propriedade",
    "valor"}]``) and ``correlation_id``; from the status line and the text of
    the answer otherwise. ``status`` is None when no answer was received.
    """

    def __init__(
        self,
        status: int | None,
        type: str | None = None,
        title: str | None = None,
        detail: str | None = None,
        violacoes: list[dict] | None = None,
        correlation_id: str | None = None,
        *,
        method: str | None = None,
        url: str | None = None,
        body: Any = None,
        attempts: int = 1,
    ) -> None:
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.violacoes = list(violacoes or [])
        self.correlation_id = correlation_id
        self.method = method
        self.url = url
        self.body = body
        self.attempts = attempts
        super().__init__(self._message())

    @property
    def error_name(self) -> str | None:
        """The ``<TipoErro>`` at the end of ``type``, e.g. ``CobVNaoEncontrada``."""
        if not self.type:
            return None
        return self.type.rstrip("/").rsplit("/", 1)[-1]

    def _message(self) -> str:
        where = f"{self.method} {urlsplit(self.url).path}" if self.url else "API Pix"
        status = f"HTTP {self.status}" if self.status is not None else "no answer"
        message = f"{where}: {status}"
        if self.error_name and self.error_name != "about:blank":
            message += f" {self.error_name}"
        sentences = [
            text.strip().rstrip(".") + "."
            for text in dict.fromkeys((self.title, self.detail))
            if text and text.strip()
        ]
        if sentences:
            message += ": " + " ".join(sentences)
        if self.violacoes:
            items = []
            for index, violacao in enumerate(self.violacoes, start=1):
                item = f"({index}) {violacao.get('propriedade') or '?'}"
                if violacao.get("valor") is not None:
                    item += f" = {violacao['valor']!r}"
                reason = str(violacao.get("razao") or "no reason given")
                items.append(f"{item}: {reason.strip().rstrip('.')}")
            message += f"{' ' if sentences else ': '}Violations: {'; '.join(items)}."
        if self.correlation_id:
            message += f" [correlationId {self.correlation_id}]"
        if self.attempts > 1:
            message += f" (after {self.attempts} attempts)"
        return message


class PixApiTimeout(PixApiError):
    """No answer within the timeout, on every attempt."""


class PixApiUnavailable(PixApiError):
    """The PSP stayed unreachable, overloaded (429) or failing (5xx) after the
    retries, or the connection could not be secured (TLS)."""


class PixApiInvalidResponse(PixApiError):
    """A successful answer that does not hold what the spec says (not JSON, no
    ``access_token``, an invalid ``pixCopiaECola``...). ``body`` holds it."""


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


def validate_e2eid(e2eid: str) -> str:
    """Return ``e2eid`` if it is a Pix end-to-end id (32 ``[a-zA-Z0-9]``)."""
    if not isinstance(e2eid, str):
        raise TypeError(f"e2eid must be a str, got {type(e2eid).__name__}")
    if not _E2EID.fullmatch(e2eid):
        raise ValueError(
            f"an end-to-end id (e2eid) has exactly 32 characters [a-zA-Z0-9], "
            f"got {len(e2eid)}: {e2eid!r}"
        )
    return e2eid


def validate_devolucao_id(devolucao_id: str) -> str:
    """Return ``devolucao_id`` if it is a refund id (1-35 ``[a-zA-Z0-9]``)."""
    if not isinstance(devolucao_id, str):
        raise TypeError(f"a refund id must be a str, got {type(devolucao_id).__name__}")
    if not _DEVOLUCAO_ID.fullmatch(devolucao_id):
        raise ValueError(
            "a refund (devolucao) id has 1 to 35 characters [a-zA-Z0-9], "
            f"got {devolucao_id!r}"
        )
    return devolucao_id


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


def _rfc3339(value: datetime, name: str) -> str:
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
            raise TypeError("desconto must be a cobranca.pix.api.Desconto")
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


# --- Client -------------------------------------------------------------------


def _absolute_url(url: str, name: str) -> str:
    if not isinstance(url, str):
        raise TypeError(f"{name} must be a str")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an absolute http(s) URL, got {url!r}")
    return url


def _retry_after(response: requests.Response) -> float | None:
    """Seconds asked by a ``Retry-After`` header (delay or HTTP date), if any."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(when.tzinfo)).total_seconds())


def _json_or_none(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def retryable(status: int) -> bool:
    """Whether an answer with this status may succeed if sent again: 429 and
    the 5xx that are not permanent."""
    return status == 429 or (500 <= status <= 599 and status not in PERMANENT_5XX)


def _error_from_response(
    response: requests.Response,
    method: str,
    error_class: type[PixApiError] = PixApiError,
    attempts: int = 1,
) -> PixApiError:
    body = _json_or_none(response)
    correlation_id = None
    for header in ("X-Correlation-ID", "X-Correlation-Id", "X-Request-ID"):
        correlation_id = correlation_id or response.headers.get(header)
    if isinstance(body, Mapping) and (
        "type" in body or "title" in body or "violacoes" in body
    ):
        violacoes = body.get("violacoes")
        if not isinstance(violacoes, list):
            violacoes = []
        return error_class(
            response.status_code,
            body.get("type"),
            body.get("title"),
            body.get("detail"),
            [item for item in violacoes if isinstance(item, Mapping)],
            body.get("correlationId") or correlation_id,
            method=method,
            url=response.url,
            body=body,
            attempts=attempts,
        )
    if isinstance(body, Mapping) and "error" in body:  # OAuth2 (RFC 6749 §5.2)
        return error_class(
            response.status_code,
            None,
            str(body.get("error")),
            body.get("error_description"),
            None,
            correlation_id,
            method=method,
            url=response.url,
            body=body,
            attempts=attempts,
        )
    text = response.text.strip()
    return error_class(
        response.status_code,
        None,
        response.reason or None,
        text[:500] or None,
        None,
        correlation_id,
        method=method,
        url=response.url,
        body=text or None,
        attempts=attempts,
    )


class PixApiClient:
    """A client of one PSP's API Pix.

    :param base_url: the API root including the major version, e.g.
        ``https://pix.example.com/api/v2`` (paths such as ``/cobv/{txid}`` are
        appended).
    :param token_url: the OAuth2 token endpoint of the PSP.
    :param cert: the PSP-issued client certificate for mTLS: a path to a PEM
        holding certificate and key, or a ``(cert, key)`` tuple of paths.
    :param verify: ``True``, ``False`` or the path of a CA bundle.
    :param timeout: ``(connect, read)`` seconds, or one number for both.
    :param retries: further attempts after the first on connection errors,
        timeouts, 429 and 5xx (idempotent methods only).
    :param backoff: first wait in seconds, doubled at each retry (capped at
        ``max_backoff``); a ``Retry-After`` header wins when present.
    :param scope: space-separated OAuth2 scopes to ask for (e.g.
        ``"cobv.write cobv.read pix.read webhook.write"``); None asks for the
        client's default scopes.
    :param token_margin: a token is renewed this many seconds before it
        expires (half of its lifetime for short-lived tokens).
    :param max_retry_after: a ``Retry-After`` longer than this many seconds
        is not waited for: the call fails at once with PixApiUnavailable.
    :param session: a :class:`requests.Session` to use (not closed by
        :meth:`close`); by default the client owns one.

    Thread-safe for token handling; use one client per PSP account.
    """

    def __init__(
        self,
        base_url: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        cert: str | tuple[str, str] | None = None,
        verify: bool | str = True,
        timeout: float | tuple[float, float] = (5, 30),
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        scope: str | None = None,
        token_margin: float = 60.0,
        max_retry_after: float = 60.0,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = _absolute_url(base_url, "base_url").rstrip("/")
        self.token_url = _absolute_url(token_url, "token_url")
        if not client_id or not client_secret:
            raise ValueError("client_id and client_secret are required")
        self.client_id = client_id
        self._client_secret = client_secret
        self.cert = cert
        self.verify = verify
        if timeout is None:
            raise ValueError("a timeout is required (the API Pix can hang)")
        self.timeout = timeout
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(f"retries must be an int >= 0, got {retries!r}")
        self.retries = retries
        self.backoff = float(backoff)
        self.max_backoff = float(max_backoff)
        self.scope = scope
        self.token_margin = float(token_margin)
        self.max_retry_after = float(max_retry_after)
        self._own_session = session is None
        self.session = session if session is not None else requests.Session()
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_lock = threading.Lock()
        # Indirections for tests (no real waiting, controlled clock).
        self._sleep = time.sleep
        self._monotonic = time.monotonic

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r}, client_id={self.client_id!r})"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session if the client created it."""
        if self._own_session:
            self.session.close()

    # --- OAuth2 ---------------------------------------------------------------

    def _fetch_token(self) -> str:
        data = {"grant_type": "client_credentials"}
        if self.scope:
            data["scope"] = self.scope
        try:
            response = self.session.post(
                self.token_url,
                data=data,
                auth=(self.client_id, self._client_secret),
                headers={"Accept": "application/json"},
                cert=self.cert,
                verify=self.verify,
                timeout=self.timeout,
            )
        except requests.exceptions.SSLError as error:
            raise PixApiUnavailable(
                None,
                title="TLS error",
                detail=str(error),
                method="POST",
                url=self.token_url,
            ) from error
        except requests.Timeout as error:
            raise PixApiTimeout(
                None,
                title="Timeout",
                detail=f"the token endpoint did not answer within {self.timeout} s",
                method="POST",
                url=self.token_url,
            ) from error
        except requests.RequestException as error:
            raise PixApiUnavailable(
                None,
                title="Connection error",
                detail=str(error),
                method="POST",
                url=self.token_url,
            ) from error
        if response.status_code != 200:
            error_class = (
                PixApiUnavailable if retryable(response.status_code) else PixApiError
            )
            raise _error_from_response(response, "POST", error_class)
        body = _json_or_none(response)
        token = body.get("access_token") if isinstance(body, Mapping) else None
        token_type = body.get("token_type", "Bearer") if token else None
        if not isinstance(token, str) or str(token_type).lower() != "bearer":
            raise PixApiInvalidResponse(
                response.status_code,
                title="Invalid token response",
                detail="expected a JSON object with a Bearer access_token",
                method="POST",
                url=self.token_url,
                body=body,
            )
        try:
            expires_in = float(body.get("expires_in", 3600))
        except (TypeError, ValueError):
            expires_in = 3600.0
        lifetime = (
            expires_in - self.token_margin
            if expires_in > 2 * self.token_margin
            else expires_in / 2
        )
        self._token = token
        self._token_expires_at = self._monotonic() + lifetime
        _logger.debug("API Pix token obtained, valid for %.0f s", expires_in)
        return token

    def _get_token(self, *, stale: str | None = None) -> str:
        """The cached token, or a new one; ``stale`` is a token just refused."""
        with self._token_lock:
            if (
                self._token is not None
                and self._token != stale
                and self._monotonic() < self._token_expires_at
            ):
                return self._token
            self._token = None
            return self._fetch_token()

    def invalidate_token(self) -> None:
        """Forget the cached token; the next call asks for a new one."""
        with self._token_lock:
            self._token = None

    # --- Transport ------------------------------------------------------------

    def _url(self, *parts: str) -> str:
        return self.base_url + "".join("/" + quote(part, safe="") for part in parts)

    def _delay(self, attempt: int, response: requests.Response | None) -> float:
        if response is not None:
            asked = _retry_after(response)
            if asked is not None:
                return asked
        return min(self.max_backoff, self.backoff * (2**attempt))

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> requests.Response:
        """Send with auth, timeout and retries; return a 2xx response or raise."""
        data = encode_body(body) if body is not None else None
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        idempotent = method in IDEMPOTENT_METHODS
        token = self._get_token()
        refreshed = False
        attempt = 0
        while True:
            headers["Authorization"] = f"Bearer {token}"
            response = failure = None
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    data=data,
                    headers=headers,
                    cert=self.cert,
                    verify=self.verify,
                    timeout=self.timeout,
                )
            except requests.exceptions.SSLError as error:
                raise PixApiUnavailable(
                    None,
                    title="TLS error",
                    detail=str(error),
                    method=method,
                    url=url,
                ) from error
            except requests.RequestException as error:
                # Timeouts, refused or reset connections, broken bodies.
                failure = error
            if response is not None:
                if response.status_code == 401 and not refreshed:
                    # The token was revoked or expired early: renew it once.
                    refreshed = True
                    _logger.info("API Pix %s %s: 401, renewing the token", method, url)
                    token = self._get_token(stale=token)
                    continue
                if response.status_code < 400:
                    return response
                if not retryable(response.status_code) or not idempotent:
                    raise _error_from_response(response, method)
            if not idempotent or attempt >= self.retries:
                break
            delay = self._delay(attempt, response)
            if delay > self.max_retry_after:
                break
            _logger.warning(
                "API Pix %s %s: %s; retrying in %.2f s (attempt %d of %d)",
                method,
                url,
                failure or f"HTTP {response.status_code}",
                delay,
                attempt + 2,
                self.retries + 1,
            )
            self._sleep(delay)
            attempt += 1
        attempts = attempt + 1
        if response is not None:
            raise _error_from_response(response, method, PixApiUnavailable, attempts)
        if isinstance(failure, requests.Timeout):
            raise PixApiTimeout(
                None,
                title="Timeout",
                detail=f"no answer within {self.timeout} s",
                method=method,
                url=url,
                attempts=attempts,
            ) from failure
        raise PixApiUnavailable(
            None,
            title="Connection error",
            detail=str(failure),
            method=method,
            url=url,
            attempts=attempts,
        ) from failure

    def _call(self, method: str, url: str, **kwargs) -> Any:
        response = self._send(method, url, **kwargs)
        if not response.content or response.status_code == 204:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise PixApiInvalidResponse(
                response.status_code,
                title="Invalid JSON",
                detail=f"the answer is not JSON: {response.text[:200]!r}",
                method=method,
                url=url,
                body=response.text,
            ) from error

    def _charge(self, method: str, kind: str, txid: str, **kwargs) -> dict:
        """Call ``/{kind}/{txid}`` and check that the answer is that charge with
        a valid BR Code."""
        url = self._url(kind, validate_charge_txid(txid))
        charge = self._call(method, url, **kwargs)
        if not isinstance(charge, dict) or charge.get("txid", txid) != txid:
            raise PixApiInvalidResponse(
                None,
                title="Invalid charge",
                detail=f"expected the JSON object of the charge {txid}",
                method=method,
                url=url,
                body=charge,
            )
        self._check_copia_e_cola(charge, method, url)
        return charge

    @staticmethod
    def _check_copia_e_cola(charge: Mapping, method: str, url: str) -> None:
        """Refuse a charge whose ``pixCopiaECola`` is not a valid dynamic BR Code
        pointing at the charge's location."""
        payload = charge.get("pixCopiaECola")
        if payload is None:
            return
        try:
            parsed = parse_brcode(payload)
            if parsed["url"] is None:
                raise ValueError("it is a static payload (a key, no location url)")
            location = charge.get("location") or (charge.get("loc") or {}).get(
                "location"
            )
            if location:
                location = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", location)
                if parsed["url"] != location:
                    raise ValueError(
                        f"its url {parsed['url']!r} is not the charge's location "
                        f"{location!r}"
                    )
        except (TypeError, ValueError) as error:
            raise PixApiInvalidResponse(
                None,
                title="Invalid pixCopiaECola",
                detail=f"the PSP returned an invalid BR Code: {error}",
                method=method,
                url=url,
                body=charge,
            ) from error

    # --- cobv -----------------------------------------------------------------

    def put_cobv(self, txid: str, body: Mapping[str, Any]) -> dict:
        """``PUT /cobv/{txid}``: create (or, same body, re-read) a charge with a
        due date; see :func:`cobv_body`. Returns the ``CobVGerada``."""
        return self._charge("PUT", "cobv", txid, body=body)

    def get_cobv(self, txid: str, revisao: int | None = None) -> dict:
        """``GET /cobv/{txid}``: the ``CobVCompleta`` (with the ``pix`` received)."""
        params = {"revisao": _revisao(revisao)} if revisao is not None else None
        return self._charge("GET", "cobv", txid, params=params)

    def patch_cobv(self, txid: str, body: Mapping[str, Any]) -> dict:
        """``PATCH /cobv/{txid}``: revise the charge (``revisao`` + 1); cancel it
        with ``{"status": "REMOVIDA_PELO_USUARIO_RECEBEDOR"}``."""
        return self._charge("PATCH", "cobv", txid, body=body)

    def cancel_cobv(self, txid: str) -> dict:
        """Remove an active ``cobv`` (``status`` REMOVIDA_PELO_USUARIO_RECEBEDOR)."""
        return self.patch_cobv(txid, {"status": "REMOVIDA_PELO_USUARIO_RECEBEDOR"})

    # --- cob ------------------------------------------------------------------

    def put_cob(self, txid: str, body: Mapping[str, Any]) -> dict:
        """``PUT /cob/{txid}``: create an immediate charge; see :func:`cob_body`."""
        return self._charge("PUT", "cob", txid, body=body)

    def get_cob(self, txid: str, revisao: int | None = None) -> dict:
        """``GET /cob/{txid}``: the ``CobCompleta``."""
        params = {"revisao": _revisao(revisao)} if revisao is not None else None
        return self._charge("GET", "cob", txid, params=params)

    def patch_cob(self, txid: str, body: Mapping[str, Any]) -> dict:
        """``PATCH /cob/{txid}``: revise or cancel an immediate charge."""
        return self._charge("PATCH", "cob", txid, body=body)

    # --- Pix received ---------------------------------------------------------

    def get_pix(self, e2eid: str) -> dict:
        """``GET /pix/{e2eid}``: one Pix received, with its refunds."""
        return self._call("GET", self._url("pix", validate_e2eid(e2eid)))

    def list_pix(
        self,
        inicio: datetime,
        fim: datetime,
        *,
        txid: str | None = None,
        cpf: str | None = None,
        cnpj: str | None = None,
        pagina: int | None = None,
        itens_por_pagina: int = 100,
    ) -> dict:
        """``GET /pix``: one page of the Pix received between ``inicio`` and
        ``fim`` (aware datetimes); returns ``{"parametros": {..., "paginacao":
        {...}}, "pix": [...]}``."""
        params: dict[str, Any] = {
            "inicio": _rfc3339(inicio, "inicio"),
            "fim": _rfc3339(fim, "fim"),
        }
        if inicio > fim:
            raise ValueError(f"inicio ({inicio}) is after fim ({fim})")
        if txid is not None:
            params["txid"] = validate_charge_txid(txid)
        if cpf is not None and cnpj is not None:
            raise ValueError("give cpf or cnpj, not both")
        if cpf is not None:
            params["cpf"] = validate_cpf(cpf)
        if cnpj is not None:
            params["cnpj"] = validate_cnpj(cnpj)
        if pagina is not None:
            if isinstance(pagina, bool) or not isinstance(pagina, int) or pagina < 0:
                raise ValueError(f"pagina must be an int >= 0, got {pagina!r}")
            params["paginacao.paginaAtual"] = pagina
        if (
            isinstance(itens_por_pagina, bool)
            or not isinstance(itens_por_pagina, int)
            or not 1 <= itens_por_pagina <= 1000
        ):
            raise ValueError(
                "itens_por_pagina must be an int from 1 to 1000, "
                f"got {itens_por_pagina!r}"
            )
        params["paginacao.itensPorPagina"] = itens_por_pagina
        return self._call("GET", self._url("pix"), params=params)

    def iter_pix(self, inicio: datetime, fim: datetime, **filters) -> Iterator[dict]:
        """Every Pix received between ``inicio`` and ``fim``, page after page.

        Follows ``parametros.paginacao`` (``paginaAtual`` from 0 to
        ``quantidadeDePaginas - 1``); ``filters`` are those of
        :meth:`list_pix` (``txid``, ``cpf``, ``cnpj``, ``itens_por_pagina``).
        """
        if "pagina" in filters:
            raise TypeError("iter_pix walks every page: do not give pagina")
        pagina = 0
        while True:
            page = self.list_pix(inicio, fim, pagina=pagina, **filters)
            items = page.get("pix") or []
            yield from items
            paginacao = (page.get("parametros") or {}).get("paginacao") or {}
            try:
                pages = int(paginacao.get("quantidadeDePaginas", 1))
                current = int(paginacao.get("paginaAtual", pagina))
            except (TypeError, ValueError):
                return
            if not items or current + 1 >= pages:
                return
            pagina = current + 1

    # --- Refunds --------------------------------------------------------------

    def put_devolucao(
        self,
        e2eid: str,
        id: str,
        valor: Decimal,
        natureza: str | None = None,
        descricao: str | None = None,
    ) -> dict:
        """``PUT /pix/{e2eid}/devolucao/{id}``: ask for a refund of ``valor``.

        :param natureza: ``ORIGINAL`` (default on the PSP side) or
            ``RETIRADA`` (Pix Saque/Troco).
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
        url = self._url(
            "pix", validate_e2eid(e2eid), "devolucao", validate_devolucao_id(id)
        )
        return self._call("PUT", url, body=body)

    def get_devolucao(self, e2eid: str, id: str) -> dict:
        """``GET /pix/{e2eid}/devolucao/{id}``."""
        url = self._url(
            "pix", validate_e2eid(e2eid), "devolucao", validate_devolucao_id(id)
        )
        return self._call("GET", url)

    # --- Webhook --------------------------------------------------------------

    def put_webhook(self, chave: str, webhook_url: str) -> None:
        """``PUT /webhook/{chave}``: the PSP will POST ``{"pix": [...]}`` to
        ``{webhook_url}/pix`` for every Pix with a txid received on ``chave``."""
        body = {"webhookUrl": _absolute_url(webhook_url, "webhook_url")}
        self._call("PUT", self._url("webhook", normalize_key(chave)), body=body)

    def get_webhook(self, chave: str) -> dict:
        """``GET /webhook/{chave}``: ``{webhookUrl, chave, criacao}``."""
        return self._call("GET", self._url("webhook", normalize_key(chave)))

    def delete_webhook(self, chave: str) -> None:
        """``DELETE /webhook/{chave}``."""
        self._call("DELETE", self._url("webhook", normalize_key(chave)))


def _revisao(revisao: int) -> int:
    if isinstance(revisao, bool) or not isinstance(revisao, int) or revisao < 0:
        raise ValueError(f"revisao must be an int >= 0, got {revisao!r}")
    return revisao
