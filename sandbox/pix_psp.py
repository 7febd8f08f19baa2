# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A small, real API Pix PSP for tests and demos (``python -m sandbox.pix_psp``).

It serves over HTTP (stdlib ``http.server``, one thread per connection, bound to
127.0.0.1 by default; TLS and client-certificate checking optional) the subset
of the Banco Central API Pix that the project uses:

* ``POST /oauth/token``: OAuth2 client credentials (HTTP Basic), bearer tokens
  with an expiry and scopes;
* under ``/api/v2``: ``PUT/GET/PATCH /cob/{txid}`` and ``/cobv/{txid}``,
  ``GET /pix/{e2eid}``, ``GET /pix`` (``inicio``/``fim``, filters,
  pagination), ``PUT/GET /pix/{e2eid}/devolucao/{id}``,
  ``PUT/GET/DELETE /webhook/{chave}``;
* ``POST /sandbox/pay``: simulate a payment (Basic auth with the client
  credentials), as :meth:`PixSandbox.simulate_payment` does in Python.

Every API request and response is validated with openapi-core against the
official ``openapi.yaml`` (release 2.9.0, read from ``../shared/pix-api`` or
``$PIX_API_SPEC``), loaded strictly after the fixes of its ``DEFECTS.md``
(O1-O6) and of five more defects found while validating real traffic (X1-X5;
:func:`patch_spec` lists them all) are applied to an in-memory copy. A request
that breaks the schema or the spec's business rules is answered 400 with an
RFC 7807 problem and its ``violacoes``, as PSPs do; a response that breaks the
schema is a sandbox bug: it is recorded in :attr:`PixSandbox.errors` and
answered 500. openapi-core does not enforce OAuth2: the sandbox checks the
bearer token and its scopes itself.

A payment of a ``cobv`` is computed for the payment date as the spec says
(``CobDataDeVencimento``, ``CobVValor``, ``Pix.componentesValor``): see
:func:`cobv_amount`. Webhook notifications are POSTed to
``{webhookUrl}/pix``, validated against the callback's schema first.

Fault injection for client tests: :meth:`PixSandbox.fail_next` (e.g. 503 or 429
with ``Retry-After``), :meth:`PixSandbox.delay_next` (beyond a client
timeout), :meth:`PixSandbox.revoke_tokens`, :attr:`PixSandbox.drop_webhooks`.
"""

import argparse
import base64
import contextlib
import copy
import functools
import hmac
import json
import logging
import math
import os
import re
import secrets
import signal
import ssl
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, unquote_plus, urlsplit
from uuid import uuid4

import requests
import yaml
from cobranca.calendar import BankCalendar
from cobranca.charges import round_cents
from cobranca.documents import (
    clean,
    cnpj_check_digits,
    document_kind,
    validate_cnpj,
    validate_cpf,
)
from cobranca.pix import build_brcode, normalize_key, to_ascii
from cobranca.pix.api import (
    AbatimentoModalidade,
    DescontoModalidade,
    JurosModalidade,
    MultaModalidade,
)
from openapi_core import Config, OpenAPI
from openapi_core.templating.paths.exceptions import (
    OperationNotFound,
    PathNotFound,
    ServerNotFound,
)
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30WriteValidator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from requests.structures import CaseInsensitiveDict

_logger = logging.getLogger(__name__)

SPEC_PATH = Path(__file__).resolve().parents[2] / "shared" / "pix-api" / "openapi.yaml"
API_PREFIX = "/api/v2"
TOKEN_PATH = "/oauth/token"
CONTROL_PREFIX = "/sandbox"
ERROR_TYPE = "https://pix.bcb.gov.br/api/v2/error/"
#: Brasília time (no daylight saving time since 2019): dates of the charges.
BRT = timezone(timedelta(hours=-3), "BRT")
#: ISPB the sandbox puts in the end-to-end ids and return ids it creates.
SANDBOX_ISPB = "99999999"
DEFAULT_KEY = "7f6844d0-de89-47e5-9ef7-e0a35a681615"
_RECEIVER_CNPJ_BASE = "112223330001"
DEFAULT_RECEIVER = {
    "cnpj": _RECEIVER_CNPJ_BASE + cnpj_check_digits(_RECEIVER_CNPJ_BASE),
    "nome": "Sandbox Cobrança Ltda",
    "logradouro": "Rua do Sandbox, 100, Centro",
    "cidade": "São Paulo",
    "uf": "SP",
    "cep": "01001000",
}
#: Served by the PSP on another host, for the payers' apps (not by the sandbox).
PAYLOAD_LOCATION_PATHS = (
    "/{pixUrlAccessToken}",
    "/cobv/{pixUrlAccessToken}",
    "/rec/{recUrlAccessToken}",
)
#: The spec's "Gerais" errors, which any endpoint may answer.
GENERAL_ERRORS = {
    "400": "RequisicaoInvalida",
    "403": "AcessoNegado",
    "404": "NaoEncontrado",
    "500": "ErroInternoDoServidor",
    "503": "ServicoIndisponivel",
    "504": "IndisponibilidadePorTempoEsgotado",
}
DEFAULT_VALIDADE_APOS_VENCIMENTO = 30
DEFAULT_EXPIRACAO = 86400
REFUND_WINDOW_DAYS = 90
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
#: Interest conventions where the spec names a rate but not its day count
#: (see :func:`cobv_amount`).
DAYS_PER_MONTH = 30
DAYS_PER_YEAR = 360
BUSINESS_DAYS_PER_YEAR = 252
BUSINESS_DAYS_PER_MONTH = BUSINESS_DAYS_PER_YEAR // 12

_TITLES = {
    "RequisicaoInvalida": "Requisição inválida.",
    "AcessoNegado": "Acesso Negado",
    "NaoEncontrado": "Não Encontrado",
    "ErroInternoDoServidor": "Erro Interno do Servidor",
    "ServicoIndisponivel": "Serviço Indisponível",
    "IndisponibilidadePorTempoEsgotado": "Indisponibilidade por tempo esgotado",
    "CobNaoEncontrado": "Cobrança não encontrada.",
    "CobOperacaoInvalida": "Cobrança inválida.",
    "CobConsultaInvalida": "Consulta inválida.",
    "CobVNaoEncontrada": "Cobrança não encontrada.",
    "CobVOperacaoInvalida": "Cobrança inválida.",
    "CobVConsultaInvalida": "Consulta inválida.",
    "PixNaoEncontrado": "Pix não encontrado.",
    "PixDevolucaoNaoEncontrada": "Devolução não encontrada.",
    "PixConsultaInvalida": "Consulta inválida.",
    "PixDevolucaoInvalida": "Devolução inválida.",
    "WebhookOperacaoInvalida": "Webhook inválido.",
    "WebhookNaoEncontrado": "Webhook não encontrado.",
}
_DETAILS = {
    "AcessoNegado": "Requisição de participante autenticado que viola alguma "
    "regra de autorização.",
    "NaoEncontrado": "Entidade não encontrada.",
    "ServicoIndisponivel": "Serviço não está disponível no momento. Serviço "
    "solicitado pode estar em manutenção ou fora da janela de funcionamento.",
    "CobOperacaoInvalida": "A requisição que busca alterar ou criar uma cobrança "
    "para pagamento imediato não respeita o _schema_ ou está semanticamente errada.",
    "CobVOperacaoInvalida": "A requisição que busca alterar ou criar uma cobrança "
    "com vencimento não respeita o _schema_ ou está semanticamente errada.",
    "PixDevolucaoInvalida": "A presente requisição de devolução não respeita o "
    "_schema_ ou não faz sentido semanticamente.",
    "WebhookOperacaoInvalida": "A presente requisição busca criar um webhook sem "
    "respeitar o _schema_ ou, ainda, apresenta semântica inválida.",
}


# --- The spec -----------------------------------------------------------------


def load_spec(path: str | os.PathLike | None = None) -> dict:
    """Read the official ``openapi.yaml`` (never written to)."""
    path = Path(path or os.environ.get("PIX_API_SPEC") or SPEC_PATH)
    if not path.is_file():
        raise FileNotFoundError(
            f"the API Pix spec is not at {path}: set PIX_API_SPEC to the "
            "openapi.yaml of bacen/pix-api (release 2.9.0)"
        )
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=loader)


def _nodes(node: Any) -> Iterable[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def _modalidade_schema(schema: dict) -> dict:
    """An integer from ``minimum`` to ``maximum``, also as a digit string (O4)."""
    values = range(schema["minimum"], schema["maximum"] + 1)
    integer = {key: value for key, value in schema.items() if key != "description"}
    return {
        "title": schema.get("title", "modalidade"),
        "description": schema.get("description", ""),
        "anyOf": [integer, {"type": "string", "enum": [str(v) for v in values]}],
    }


def patch_spec(spec: dict) -> tuple[dict, list[str]]:
    """Return a fixed copy of the spec and the list of the fixes applied.

    ``spec`` is not modified. Each fix first checks that its defect is there,
    so that a corrected release of the spec is loaded unchanged.

    * O1: ``CobExpiracao.expiracao`` has ``default: '86400'`` (a string on
      an integer); ``CobVGerada`` requires an undefined ``location`` and
      ``RecNotification`` an ``atualizacao"`` (stray quote).
    * O2: CPF, ISPB and IBGE patterns written ``/^\\d{11}$/`` (JavaScript
      delimiters, which JSON Schema takes literally).
    * O3: ``PayloadLocationCob`` (the ``loc`` of a request) requires an
      undefined ``tipoCob`` and its ``id`` is readOnly, yet requests send
      ``{"loc": {"id": 789}}``.
    * O4: ``modalidade`` of ``valor.multa/juros/abatimento/desconto`` is
      sent as ``"2"`` by the spec's own examples and by PSPs: accept the
      digit string too (responses still carry integers).
    * O5: ``DadosRecebedor`` requires ``logradouro, cidade, uf, cep`` at the
      level of the charge instead of ``recebedor`` (where they are required
      as well): the charge-level list is dropped.
    * O6: patterns are unanchored (JSON Schema searches): every pattern is
      anchored as ``^(?:...)$``.
    * X1: ``PixConsultados`` (answer of ``GET /pix``) requires ``cobs``, a
      property it does not have, instead of ``pix``.
    * X2: the two alternatives of ``CobVValor.desconto.oneOf`` both match a
      per-day discount (modalidades 3-6, ``{"valorPerc": ...}``), so no such
      discount validates: the date-list alternative requires
      ``descontoDataFixa``.
    * X3: the payload-location endpoints (``/{pixUrlAccessToken}``,
      ``/cobv/{pixUrlAccessToken}``, ``/rec/{recUrlAccessToken}``) live on
      another server (their own ``servers``) and ``/cobv/{pixUrlAccessToken}``
      shadows ``/cobv/{txid}`` in path matching: they are left out.
    * X4: the ``revisao`` query parameter of ``GET /cob(v)/{txid}`` uses the
      ``Revisao`` schema, which is readOnly: no request carrying it validates.
    * X5: the spec's "Gerais" errors (RequisicaoInvalida 400, AcessoNegado
      403, NaoEncontrado 404, ErroInternoDoServidor 500, ServicoIndisponivel
      503, IndisponibilidadePorTempoEsgotado 504) "could be returned by any
      endpoint", and its catalogue gives e.g. CobVConsultaInvalida (400) for
      ``GET /cobv/{txid}``, but the operations only declare some of them:
      each operation gets the ones it lacks.
    * The servers become the sandbox's ``/api/v2``.
    """
    spec = copy.deepcopy(spec)
    fixes: list[str] = []
    for fix in _FIXES:
        fixes.extend(fix(spec))
    spec["servers"] = [{"url": API_PREFIX, "description": "PSP sandbox"}]
    return spec, fixes


def _fix_o1(spec: dict) -> list[str]:
    schemas = spec["components"]["schemas"]
    fixes = []
    expiracao = schemas["CobExpiracao"]["properties"]["expiracao"]
    for key in ("default", "example"):
        if isinstance(expiracao.get(key), str):
            expiracao[key] = int(expiracao[key])
            fixes.append(f"O1 CobExpiracao.expiracao.{key} as an integer")
    for name, wrong, right in (
        ("CobVGerada", "location", None),
        ("RecNotification", 'atualizacao"', "atualizacao"),
    ):
        required = schemas.get(name, {}).get("required", [])
        if wrong in required:
            required.remove(wrong)
            if right and right not in required:
                required.append(right)
            fixes.append(f"O1 {name}.required without {wrong!r}")
    return fixes


def _fix_o2_o6(spec: dict) -> list[str]:
    delimited = anchored = 0
    for node in _nodes(spec):
        pattern = node.get("pattern")
        if not isinstance(pattern, str):
            continue
        if pattern.startswith("^(?:") and pattern.endswith(")$"):
            continue  # already anchored by this function
        if len(pattern) > 2 and pattern.startswith("/") and pattern.endswith("/"):
            pattern = pattern[1:-1]
            delimited += 1
        core = pattern.removeprefix("^")
        if core.endswith("$") and not core.endswith("\\$"):
            core = core[:-1]
        node["pattern"] = f"^(?:{core})$"
        anchored += 1
    fixes = []
    if delimited:
        fixes.append(f"O2 {delimited} patterns without JavaScript delimiters")
    if anchored:
        fixes.append(f"O6 {anchored} patterns anchored")
    return fixes


def _fix_o3(spec: dict) -> list[str]:
    loc = spec["components"]["schemas"]["PayloadLocationCob"]
    if "tipoCob" in loc.get("required", []) or "$ref" in loc["properties"]["id"]:
        loc["required"] = ["id"]
        loc["properties"]["id"] = {"type": "integer", "format": "int64"}
        return ["O3 PayloadLocationCob: id only, writable"]
    return []


def _fix_o4(spec: dict) -> list[str]:
    fixes = []
    for node in _nodes(spec["components"]["schemas"]["CobVValor"]):
        modalidade = node.get("properties", {}).get("modalidade")
        if modalidade and modalidade.get("type") == "integer":
            node["properties"]["modalidade"] = _modalidade_schema(modalidade)
            fixes.append("O4 CobVValor modalidade also as a digit string")
    return fixes


def _fix_o5(spec: dict) -> list[str]:
    recebedor = spec["components"]["schemas"]["DadosRecebedor"]
    if "required" in recebedor:
        del recebedor["required"]
        return ["O5 DadosRecebedor: address required in recebedor only"]
    return []


def _fix_x1(spec: dict) -> list[str]:
    pix_list = spec["components"]["schemas"]["PixConsultados"]
    if "cobs" in pix_list.get("required", []):
        pix_list["required"] = ["parametros", "pix"]
        return ["X1 PixConsultados requires pix, not cobs"]
    return []


def _fix_x2(spec: dict) -> list[str]:
    valor = spec["components"]["schemas"]["CobVValor"]
    alternatives = valor["properties"]["desconto"]["oneOf"]
    if "required" not in alternatives[0]:
        alternatives[0]["required"] = ["descontoDataFixa"]
        return ["X2 CobVValor.desconto.oneOf: the date list is required"]
    return []


def _fix_x3(spec: dict) -> list[str]:
    fixes = []
    for path in PAYLOAD_LOCATION_PATHS:
        if spec["paths"].pop(path, None) is not None:
            fixes.append(f"X3 payload location {path} left out")
    return fixes


def _fix_x4(spec: dict) -> list[str]:
    fixes = []
    for path in ("/cob/{txid}", "/cobv/{txid}"):
        for parameter in spec["paths"][path]["get"].get("parameters", []):
            if parameter.get("name") == "revisao" and "$ref" in parameter["schema"]:
                parameter["schema"] = {
                    "type": "integer",
                    "format": "int32",
                    "minimum": 0,
                }
                fixes.append(f"X4 GET {path}?revisao without the readOnly schema")
    return fixes


def _fix_x5(spec: dict) -> list[str]:
    problem = {"$ref": "#/components/schemas/Problema"}
    added = 0
    for item in spec["paths"].values():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "patch", "delete"):
                continue
            for status, description in GENERAL_ERRORS.items():
                if status not in operation["responses"]:
                    operation["responses"][status] = {
                        "description": description,
                        "content": {"application/problem+json": {"schema": problem}},
                    }
                    added += 1
    return [f"X5 {added} general error answers declared"] if added else []


_FIXES = (
    _fix_o1,
    _fix_o2_o6,
    _fix_o3,
    _fix_o4,
    _fix_o5,
    _fix_x1,
    _fix_x2,
    _fix_x3,
    _fix_x4,
    _fix_x5,
)


@contextlib.contextmanager
def _openapi_core_quiet():
    """openapi-core warns "Unsupported scheme type" for every request of a spec
    secured by OAuth2; the sandbox checks the token itself."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Unsupported scheme type", category=UserWarning
        )
        yield


def _json_loads(value: bytes, **_parameters: str) -> Any:
    return json.loads(value)


@dataclass(frozen=True)
class SpecBundle:
    """The patched spec, its openapi-core application and schema registry."""

    spec: dict
    fixes: tuple[str, ...]
    openapi: OpenAPI
    registry: Registry

    def schema_errors(self, instance: Any, pointer: str) -> list[str]:
        """Validate ``instance`` against the schema at ``pointer`` (e.g.
        ``#/components/schemas/CobVSolicitada``); return the messages."""
        validator = OAS30WriteValidator(
            {"$ref": "urn:pix-api" + pointer},
            registry=self.registry,
            format_checker=oas30_format_checker,
        )
        return [
            f"{'.'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in validator.iter_errors(instance)
        ]


@functools.lru_cache(maxsize=4)
def spec_bundle(path: str | None = None) -> SpecBundle:
    """Load, patch and strictly check the spec (cached: it takes ~1 s)."""
    spec, fixes = patch_spec(load_spec(path))
    config = Config(
        extra_media_type_deserializers={"application/problem+json": _json_loads}
    )
    openapi = OpenAPI.from_dict(spec, config=config)  # strict spec validation
    resource = Resource.from_contents(spec, default_specification=DRAFT4)
    registry = Registry().with_resource("urn:pix-api", resource)
    return SpecBundle(spec, tuple(fixes), openapi, registry)


# --- Amount of a cobv on a payment date ---------------------------------------


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


# --- Problems -----------------------------------------------------------------


class Problem(Exception):
    """An RFC 7807 answer of the API (``application/problem+json``)."""

    def __init__(
        self,
        status: int,
        error: str | None,
        detail: str | None = None,
        violacoes: Iterable[Mapping] = (),
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.error = error
        self.title = title or _TITLES.get(error or "", "Erro")
        self.detail = detail or _DETAILS.get(error or "")
        self.violacoes = [dict(item) for item in violacoes]
        self.headers = dict(headers or {})
        super().__init__(f"{status} {error}: {self.detail}")

    def body(self, correlation_id: str) -> dict:
        problem = {
            "type": ERROR_TYPE + self.error if self.error else "about:blank",
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            problem["detail"] = self.detail
        problem["correlationId"] = correlation_id
        if self.violacoes:
            problem["violacoes"] = self.violacoes
        return problem


def violacao(razao: str, propriedade: str, valor: Any = None) -> dict:
    item = {"razao": razao, "propriedade": propriedade}
    if valor is not None and not isinstance(valor, dict | list):
        item["valor"] = str(valor)
    return item


def _leaf(error):
    """The most telling error under a failed ``oneOf``/``anyOf``: the branch
    with the fewest errors, then the deepest of them."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[Any, list] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        best = min(
            branches.values(),
            key=lambda errors: (
                len(errors),
                -max(len(item.absolute_path) for item in errors),
            ),
        )
        return _leaf(max(best, key=lambda item: len(item.absolute_path)))
    return error


def _schema_violation(error, where: list[str]) -> dict:
    error = _leaf(error)
    path = [*where, *map(str, error.absolute_path)]
    message = error.message
    if error.validator == "required" and isinstance(error.instance, Mapping):
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing:
            path.append(missing[0])
            message = "campo obrigatório ausente"
    elif error.validator == "oneOf" and not error.context:
        message = "corresponde a mais de uma alternativa do _schema_ (oneOf)"
    elif len(message) > 200:
        message = message[:197] + "..."
    propriedade = ".".join(path)
    return violacao(
        f"O campo {propriedade} não respeita o _schema_: {message}",
        propriedade,
        error.instance,
    )


def request_violations(errors: Iterable[Exception], prefix: str) -> list[dict]:
    """``violacoes`` for openapi-core request errors; ``prefix`` names the
    body (``cobv``, ``cob``, ``devolucao``, ``webhook``)."""
    result = []
    for error in errors:
        cause = error.__cause__
        name = getattr(error, "name", None)
        where = [name] if name else ([prefix] if prefix else [])
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            result.extend(_schema_violation(item, where) for item in schema_errors)
        elif name:
            result.append(
                violacao(f"O parâmetro {name} não respeita o _schema_: {error}", name)
            )
        else:
            result.append(
                violacao(
                    f"O corpo da requisição não respeita o _schema_: {error}"
                    + (f" ({cause})" if cause else ""),
                    prefix or "body",
                )
            )
    return result


# --- Records ------------------------------------------------------------------


def rfc3339(moment: datetime) -> str:
    """``2020-09-09T20:15:00.358Z``."""
    utc = moment.astimezone(timezone.utc)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_rfc3339(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment


@dataclass
class Charge:
    """A ``cob`` or ``cobv`` held by the sandbox."""

    kind: str
    txid: str
    criacao: datetime
    fields: dict
    loc: dict
    status: str = "ATIVA"
    revisao: int = 0
    history: list = field(default_factory=list)
    pix: list = field(default_factory=list)


@dataclass
class RecordedRequest:
    """One HTTP request received by the sandbox, with the status answered."""

    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    status: int | None = None

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class Delivery:
    """One webhook notification sent (or dropped) by the sandbox."""

    url: str
    body: dict
    status: int | None = None
    error: str | None = None
    dropped: bool = False


@dataclass
class _Token:
    client_id: str
    scopes: frozenset
    expires_at: float


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern
    spec_path: str
    handler: str
    error: str
    prefix: str


def _route(method: str, path: str, handler: str, error: str, prefix: str) -> _Route:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    return _Route(method, re.compile(f"{regex}$"), path, handler, error, prefix)


ROUTES = (
    _route("PUT", "/cob/{txid}", "_put_cob", "CobOperacaoInvalida", "cob"),
    _route("PATCH", "/cob/{txid}", "_patch_cob", "CobOperacaoInvalida", "cob"),
    _route("GET", "/cob/{txid}", "_get_cob", "CobConsultaInvalida", ""),
    _route("PUT", "/cobv/{txid}", "_put_cobv", "CobVOperacaoInvalida", "cobv"),
    _route("PATCH", "/cobv/{txid}", "_patch_cobv", "CobVOperacaoInvalida", "cobv"),
    _route("GET", "/cobv/{txid}", "_get_cobv", "CobVConsultaInvalida", ""),
    _route("GET", "/pix", "_list_pix", "PixConsultaInvalida", ""),
    _route("GET", "/pix/{e2eid}", "_get_pix", "RequisicaoInvalida", ""),
    _route(
        "PUT",
        "/pix/{e2eid}/devolucao/{id}",
        "_put_devolucao",
        "PixDevolucaoInvalida",
        "devolucao",
    ),
    _route(
        "GET", "/pix/{e2eid}/devolucao/{id}", "_get_devolucao", "RequisicaoInvalida", ""
    ),
    _route(
        "PUT", "/webhook/{chave}", "_put_webhook", "WebhookOperacaoInvalida", "webhook"
    ),
    _route("GET", "/webhook/{chave}", "_get_webhook", "RequisicaoInvalida", ""),
    _route("DELETE", "/webhook/{chave}", "_delete_webhook", "RequisicaoInvalida", ""),
)
#: Undeclared statuses the sandbox answers on purpose (OAuth2, fault injection).
UNDECLARED_STATUSES = frozenset({401, 405, 429})


def _amount(text: str) -> Decimal:
    return Decimal(text)


# --- The sandbox --------------------------------------------------------------


class PixSandbox:
    """A running API Pix PSP on 127.0.0.1 (see the module docstring).

    :param client_id, client_secret: the only credentials accepted.
    :param port: 0 picks a free port; :attr:`base_url` tells which.
    :param keys: the receiver's Pix keys (charges and webhooks must use one).
    :param receiver: the ``recebedor`` of the charges (name, CNPJ, address).
    :param token_ttl: lifetime of the access tokens, in seconds.
    :param calendar: the payer's bank calendar (due dates, validity).
    :param clock: returns the current aware datetime (creation times, "today"
        for the due-date rules); tokens expire on the real monotonic clock.
    :param put_existing: what ``PUT`` with a different body does on an active
        charge: ``"revise"`` (the spec: it changes the charge, ``revisao`` + 1)
        or ``"reject"`` (400, as some PSPs answer "txid em uso").
    :param tls: ``(certfile, keyfile)`` to serve HTTPS; ``client_ca``: a CA
        file, makes a client certificate signed by it mandatory (mTLS).
    """

    def __init__(
        self,
        client_id: str = "sandbox-client",
        client_secret: str = "sandbox-secret",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        keys: Iterable[str] = (DEFAULT_KEY,),
        receiver: Mapping[str, str] | None = None,
        token_ttl: int = 3600,
        calendar: BankCalendar | None = None,
        clock: Callable[[], datetime] | None = None,
        put_existing: str = "revise",
        tls: tuple[str, str] | None = None,
        client_ca: str | None = None,
        webhook_timeout: float = 5.0,
        spec_path: str | None = None,
    ) -> None:
        if put_existing not in ("revise", "reject"):
            raise ValueError("put_existing must be 'revise' or 'reject'")
        self.client_id = client_id
        self.client_secret = client_secret
        self.host = host
        self.requested_port = port
        self.keys = [normalize_key(key) for key in keys]
        self.receiver = dict(receiver or DEFAULT_RECEIVER)
        self.token_ttl = token_ttl
        self.calendar = calendar or BankCalendar()
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.put_existing = put_existing
        self.tls = tls
        self.client_ca = client_ca
        self.webhook_timeout = webhook_timeout
        self.bundle = spec_bundle(spec_path)
        #: Set to drop webhook notifications (they are recorded as dropped).
        self.drop_webhooks = False
        #: Set to refuse every bearer token (even fresh ones) with 401.
        self.refuse_all_tokens = False
        self.requests: list[RecordedRequest] = []
        self.deliveries: list[Delivery] = []
        #: Schema violations of the sandbox's own answers (must stay empty).
        self.errors: list[str] = []
        self.charges: dict[str, Charge] = {}
        self.pix: dict[str, dict] = {}
        self.webhooks: dict[str, dict] = {}
        self._payers: dict[str, tuple[str, str] | None] = {}
        self._tokens: dict[str, _Token] = {}
        self._faults: deque = deque()
        self._lock = threading.RLock()
        self._validation_lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._next_loc = 1
        self._scopes = self._operation_scopes()
        self.all_scopes = frozenset(
            self.bundle.spec["components"]["securitySchemes"]["OAuth2"]["flows"][
                "clientCredentials"
            ]["scopes"]
        )

    # --- Lifecycle ------------------------------------------------------------

    def start(self) -> "PixSandbox":
        """Bind and serve in a background thread (once; again is a no-op)."""
        if self._server is not None:
            return self
        handler = type("Handler", (_Handler,), {"sandbox": self})
        server = _Server((self.host, self.requested_port), handler)
        if self.tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*self.tls)
            if self.client_ca:
                context.verify_mode = ssl.CERT_REQUIRED
                context.load_verify_locations(self.client_ca)
            server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        self._stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"pix-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._server.server_address[1] if self._server else self.requested_port

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API root to give to :class:`cobranca.pix.api.PixApiClient`."""
        return self.origin + API_PREFIX

    @property
    def token_url(self) -> str:
        return self.origin + TOKEN_PATH

    # --- Knobs ----------------------------------------------------------------

    def fail_next(
        self, count: int = 1, status: int = 503, *, retry_after: int | None = None
    ) -> None:
        """Answer the next ``count`` API requests with ``status`` (and a
        ``Retry-After`` header if given), before anything else is checked."""
        with self._lock:
            self._faults.extend([("fail", status, retry_after)] * count)

    def delay_next(self, count: int = 1, seconds: float = 1.0) -> None:
        """Hold the next ``count`` API requests ``seconds`` before handling them
        (normally, unless the sandbox stops meanwhile)."""
        with self._lock:
            self._faults.extend([("delay", seconds, None)] * count)

    def revoke_tokens(self) -> None:
        """Forget every token issued: the next API call gets a 401."""
        with self._lock:
            self._tokens.clear()

    def token_requests(self) -> list[RecordedRequest]:
        return [item for item in self.requests if item.path == TOKEN_PATH]

    def api_requests(self) -> list[RecordedRequest]:
        return [item for item in self.requests if item.path.startswith(API_PREFIX)]

    # --- Time -----------------------------------------------------------------

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the sandbox clock must return aware datetimes")
        return moment

    def today(self) -> date:
        return self.now().astimezone(BRT).date()

    # --- HTTP entry point -----------------------------------------------------

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one request: ``(status, headers, body)``."""
        parts = urlsplit(target)
        path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        record = RecordedRequest(method, path, query, dict(headers), body)
        with self._lock:
            self.requests.append(record)
        correlation_id = uuid4().hex
        try:
            if path == TOKEN_PATH:
                status, answer_headers, payload = self._token_endpoint(
                    method, headers, body
                )
            elif path.startswith(CONTROL_PREFIX + "/"):
                status, answer_headers, payload = self._control(
                    method, path, headers, body
                )
            elif path.startswith(API_PREFIX + "/"):
                status, answer_headers, payload = self._api(
                    method, path, query, headers, body, correlation_id
                )
            else:
                raise Problem(404, "NaoEncontrado")
        except Problem as problem:
            status = problem.status
            answer_headers = {
                "Content-Type": "application/problem+json",
                **problem.headers,
            }
            payload = _dumps(problem.body(correlation_id))
        except Exception as error:  # a sandbox bug: answer, record, go on
            _logger.exception("sandbox failure on %s %s", method, path)
            with self._lock:
                self.errors.append(f"{method} {path}: {error!r}")
            status, answer_headers = 500, {"Content-Type": "application/problem+json"}
            problem = Problem(500, "ErroInternoDoServidor", f"sandbox bug: {error!r}")
            payload = _dumps(problem.body(correlation_id))
        record.status = status
        _logger.info("%s %s -> %s", method, target, status)
        return status, answer_headers, payload

    def _api(self, method, path, query, headers, body, correlation_id):
        request = MockRequest(
            self.origin,
            method.lower(),
            path,
            args=query,
            headers=dict(headers),
            data=body or None,
            content_type=headers.get("Content-Type", ""),
        )
        try:
            self._inject_fault()
            status, answer = self._operation(request, method, path, query, headers)
        except Problem as problem:
            status = problem.status
            answer_headers = {
                "Content-Type": "application/problem+json",
                **problem.headers,
            }
            payload = _dumps(problem.body(correlation_id))
        else:
            answer_headers = (
                {"Content-Type": "application/json"} if answer is not None else {}
            )
            payload = _dumps(answer) if answer is not None else b""
        self._check_response(request, status, answer_headers, payload)
        return status, answer_headers, payload

    def _inject_fault(self) -> None:
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
        if fault is None:
            return
        kind, value, retry_after = fault
        if kind == "delay":
            if self._stopping.wait(value):
                raise Problem(503, "ServicoIndisponivel", "the sandbox is stopping")
            return
        extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        if value == 429:
            raise Problem(
                429,
                None,
                "Too many requests.",
                title="Too Many Requests",
                headers=extra,
            )
        error = {503: "ServicoIndisponivel", 504: "IndisponibilidadePorTempoEsgotado"}
        raise Problem(value, error.get(value, "ErroInternoDoServidor"), headers=extra)

    def _operation(self, request, method, path, query, headers):
        """Authenticate, validate, authorize and run one API operation."""
        token = self._check_bearer(headers)
        api_path = path[len(API_PREFIX) :]
        route, params = self._find_route(method, api_path)
        with self._validation_lock, _openapi_core_quiet():
            errors = list(self.bundle.openapi.iter_request_errors(request))
        for error in errors:
            if isinstance(error, PathNotFound | ServerNotFound):
                raise Problem(404, "NaoEncontrado")
            if isinstance(error, OperationNotFound):
                raise Problem(
                    405,
                    None,
                    f"{method} is not allowed on {api_path}",
                    title="Method Not Allowed",
                )
        if route is None:
            # A valid request of the spec that the sandbox does not provide.
            raise Problem(403, "AcessoNegado", "not provided by the sandbox PSP")
        if errors:
            raise Problem(
                400, route.error, violacoes=request_violations(errors, route.prefix)
            )
        required = self._scopes.get((route.method, route.spec_path), frozenset())
        if not required <= token.scopes:
            raise Problem(
                403,
                "AcessoNegado",
                "the token lacks the scope(s) "
                + " ".join(sorted(required - token.scopes)),
            )
        document = json.loads(request.body) if request.body else None
        args = {name: unquote(value) for name, value in params.items()}
        with self._lock:
            return getattr(self, route.handler)(
                document, {key: values[-1] for key, values in query.items()}, **args
            )

    def _find_route(self, method, api_path):
        for route in ROUTES:
            if route.method == method:
                match = route.pattern.match(api_path)
                if match:
                    return route, match.groupdict()
        return None, {}

    def _check_response(self, request, status, headers, payload) -> None:
        if status in UNDECLARED_STATUSES:
            return
        response = MockResponse(
            payload,
            status_code=status,
            content_type=headers.get("Content-Type", ""),
        )
        with self._validation_lock, _openapi_core_quiet():
            errors = list(self.bundle.openapi.iter_response_errors(request, response))
        messages = []
        for error in errors:
            if isinstance(error, PathNotFound | ServerNotFound | OperationNotFound):
                return  # not an operation of the spec (answered 404 or 405)
            if isinstance(error, ResponseNotFound):
                messages.append(f"status {status} is not declared")
                continue
            cause = error.__cause__
            details = getattr(cause, "schema_errors", None) or ()
            messages.extend(
                f"{'.'.join(map(str, item.absolute_path))}: {item.message}"
                for item in details
            )
            if not details:
                messages.append(str(error))
        if messages:
            text = f"{request.method.upper()} {request.path} -> {status}: " + "; ".join(
                messages
            )
            _logger.error("sandbox answer breaks the spec: %s", text)
            with self._lock:
                self.errors.append(text)
            raise Problem(500, "ErroInternoDoServidor", f"sandbox bug: {text}")

    # --- OAuth2 ---------------------------------------------------------------

    def _basic_credentials(self, headers) -> tuple[str, str] | None:
        value = headers.get("Authorization", "")
        scheme, _, encoded = value.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            return None
        return unquote_plus(client_id), unquote_plus(secret)

    def _client_ok(self, headers) -> bool:
        credentials = self._basic_credentials(headers)
        return bool(credentials) and (
            hmac.compare_digest(credentials[0], self.client_id)
            & hmac.compare_digest(credentials[1], self.client_secret)
        )

    def _token_endpoint(self, method, headers, body):
        def oauth_error(status, error, description, extra=None):
            payload = {"error": error, "error_description": description}
            answer = {"Content-Type": "application/json", "Cache-Control": "no-store"}
            return status, {**answer, **(extra or {})}, _dumps(payload)

        if method != "POST":
            return oauth_error(405, "invalid_request", "use POST")
        if not self._client_ok(headers):
            return oauth_error(
                401,
                "invalid_client",
                "client authentication failed (HTTP Basic with the client credentials)",
                {"WWW-Authenticate": 'Basic realm="pix-sandbox"'},
            )
        form = {
            key: values[-1]
            for key, values in parse_qs(body.decode("utf-8", "replace")).items()
        }
        if "grant_type" not in form:
            return oauth_error(400, "invalid_request", "grant_type is missing")
        if form["grant_type"] != "client_credentials":
            return oauth_error(
                400, "unsupported_grant_type", "only client_credentials is supported"
            )
        scopes = frozenset(form.get("scope", "").split()) or self.all_scopes
        unknown = scopes - self.all_scopes
        if unknown:
            return oauth_error(
                400, "invalid_scope", f"unknown scope(s): {' '.join(sorted(unknown))}"
            )
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = _Token(
                self.client_id, scopes, time.monotonic() + self.token_ttl
            )
        payload = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self.token_ttl,
            "scope": " ".join(sorted(scopes)),
        }
        return (
            200,
            {
                "Content-Type": "application/json",
                "Cache-Control": "no-store",
                "Pragma": "no-cache",
            },
            _dumps(payload),
        )

    def _check_bearer(self, headers) -> _Token:
        scheme, _, token = headers.get("Authorization", "").partition(" ")
        realm = 'Bearer realm="pix-sandbox"'
        if scheme.lower() != "bearer" or not token.strip():
            raise Problem(
                401,
                None,
                "a bearer token is required (OAuth2 client credentials)",
                title="Unauthorized",
                headers={"WWW-Authenticate": realm},
            )
        with self._lock:
            found = self._tokens.get(token.strip())
        if (
            found is None
            or self.refuse_all_tokens
            or found.expires_at <= time.monotonic()
        ):
            raise Problem(
                401,
                None,
                "the access token is invalid or expired",
                title="Unauthorized",
                headers={"WWW-Authenticate": f'{realm}, error="invalid_token"'},
            )
        return found

    def _operation_scopes(self) -> dict:
        scopes = {}
        for route in ROUTES:
            operation = self.bundle.spec["paths"][route.spec_path][route.method.lower()]
            needed = set()
            for requirement in operation.get("security", []):
                needed.update(requirement.get("OAuth2", []))
            scopes[(route.method, route.spec_path)] = frozenset(needed)
        return scopes

    # --- Control endpoints (not API Pix) --------------------------------------

    def _control(self, method, path, headers, body):
        if path == CONTROL_PREFIX + "/health":
            return 200, {"Content-Type": "application/json"}, _dumps({"status": "ok"})
        if not self._client_ok(headers):
            raise Problem(
                401,
                None,
                "use HTTP Basic with the client credentials",
                title="Unauthorized",
                headers={"WWW-Authenticate": 'Basic realm="pix-sandbox"'},
            )
        if path != CONTROL_PREFIX + "/pay" or method != "POST":
            raise Problem(404, "NaoEncontrado")
        try:
            order = json.loads(body or b"{}")
            paid_on = date.fromisoformat(order["data"]) if order.get("data") else None
            amount = Decimal(order["valor"]) if order.get("valor") else None
            pix = self.simulate_payment(
                order["txid"], paid_on, amount, info_pagador=order.get("infoPagador")
            )
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise Problem(400, "RequisicaoInvalida", str(error)) from None
        return 200, {"Content-Type": "application/json"}, _dumps(pix)

    # --- Charges --------------------------------------------------------------

    def _put_cob(self, body, _query, txid):
        return self._put_charge("cob", txid, body)

    def _put_cobv(self, body, _query, txid):
        return self._put_charge("cobv", txid, body)

    def _patch_cob(self, body, _query, txid):
        return self._patch_charge("cob", txid, body)

    def _patch_cobv(self, body, _query, txid):
        return self._patch_charge("cobv", txid, body)

    def _get_cob(self, _body, query, txid):
        return self._get_charge("cob", txid, query)

    def _get_cobv(self, _body, query, txid):
        return self._get_charge("cobv", txid, query)

    @staticmethod
    def _error(kind: str, what: str) -> str:
        return {
            ("cob", "invalid"): "CobOperacaoInvalida",
            ("cobv", "invalid"): "CobVOperacaoInvalida",
            ("cob", "missing"): "CobNaoEncontrado",
            ("cobv", "missing"): "CobVNaoEncontrada",
            ("cob", "query"): "CobConsultaInvalida",
            ("cobv", "query"): "CobVConsultaInvalida",
        }[kind, what]

    def _normalize(self, kind: str, body: Mapping, *, partial=False) -> dict:
        fields = copy.deepcopy(dict(body))
        if not partial:
            calendario = fields.setdefault("calendario", {})
            if kind == "cobv":
                calendario.setdefault(
                    "validadeAposVencimento", DEFAULT_VALIDADE_APOS_VENCIMENTO
                )
            else:
                calendario.setdefault("expiracao", DEFAULT_EXPIRACAO)
        for part in ("multa", "juros", "abatimento", "desconto"):
            item = (fields.get("valor") or {}).get(part)
            if isinstance(item, dict) and "modalidade" in item:
                item["modalidade"] = int(item["modalidade"])  # O4: send integers
        if isinstance(fields.get("chave"), str):
            fields["chave"] = _dict_form(fields["chave"])
        return fields

    def _check_charge(self, kind: str, fields: Mapping, criacao: datetime) -> None:
        """The business rules of ``PUT|PATCH /cob(v)/{txid}`` beyond the schema."""
        problems: list[dict] = []

        def add(razao, propriedade, valor=None):
            problems.append(violacao(razao, f"{kind}.{propriedade}", valor))

        devedor = fields.get("devedor")
        if devedor:
            for name, check in (("cpf", validate_cpf), ("cnpj", validate_cnpj)):
                if name in devedor:
                    try:
                        check(devedor[name])
                    except ValueError as error:
                        add(
                            f"O campo {kind}.devedor.{name} é inválido: {error}",
                            f"devedor.{name}",
                            devedor[name],
                        )
        elif kind == "cobv":
            add(f"O objeto {kind}.devedor é obrigatório.", "devedor")
        chave = fields.get("chave", "")
        try:
            if normalize_key(chave) not in self.keys:
                add(
                    f"O campo {kind}.chave corresponde a uma conta que não pertence "
                    "a este usuário recebedor.",
                    "chave",
                    chave,
                )
        except ValueError as error:
            add(
                f"O campo {kind}.chave não respeita o _schema_: {error}", "chave", chave
            )
        if "loc" in fields:
            add(
                f"O location referenciado por {kind}.loc.id inexiste.",
                "loc.id",
                (fields["loc"] or {}).get("id"),
            )
        info = fields.get("infoAdicionais") or []
        if len(info) > 50:
            add(
                "O objeto infoAdicionais não respeita o _schema_ (até 50 itens).",
                "infoAdicionais",
            )
        calendario = fields.get("calendario") or {}
        valor = fields.get("valor") or {}
        original = _amount(valor.get("original", "0"))
        if original <= 0:
            add(
                f"O campo {kind}.valor.original apresenta o valor zero.",
                "valor.original",
                valor.get("original"),
            )
        if kind == "cob":
            if int(calendario.get("expiracao", DEFAULT_EXPIRACAO)) <= 0:
                add(
                    f"O campo {kind}.calendario.expiracao é igual ou menor que zero.",
                    "calendario.expiracao",
                    calendario.get("expiracao"),
                )
        else:
            self._check_cobv(add, calendario, valor, original, criacao)
        if problems:
            raise Problem(400, self._error(kind, "invalid"), violacoes=problems)

    def _check_cobv(self, add, calendario, valor, original, criacao) -> None:
        due = date.fromisoformat(calendario["dataDeVencimento"])
        if due < criacao.astimezone(BRT).date():
            add(
                "O campo cobv.calendario.dataDeVencimento é anterior à data de "
                "criação da cobrança.",
                "calendario.dataDeVencimento",
                calendario["dataDeVencimento"],
            )
        if int(calendario.get("validadeAposVencimento", 0)) < 0:
            add(
                "O campo cobv.calendario.validadeAposVencimento é menor do que zero.",
                "calendario.validadeAposVencimento",
                calendario["validadeAposVencimento"],
            )
        ranges = {
            "multa": (1, 2),
            "juros": (1, 8),
            "abatimento": (1, 2),
            "desconto": (1, 6),
        }
        for part, (low, high) in ranges.items():
            item = valor.get(part)
            if item is not None and not low <= int(item["modalidade"]) <= high:
                add(
                    f"O objeto cobv.valor.{part} não respeita o _schema_.",
                    f"valor.{part}.modalidade",
                    item["modalidade"],
                )
                return
        abatimento = valor.get("abatimento")
        if abatimento:
            limit = HUNDRED if int(abatimento["modalidade"]) == 2 else original
            if _amount(abatimento["valorPerc"]) >= limit:
                add(
                    "O objeto cobv.valor.abatimento representa um valor maior ou igual "
                    "ao valor da cobrança original ou maior ou igual a 100%.",
                    "valor.abatimento.valorPerc",
                    abatimento["valorPerc"],
                )
        desconto = valor.get("desconto")
        if desconto:
            self._check_desconto(add, desconto, original, due)

    @staticmethod
    def _check_desconto(add, desconto, original, due) -> None:
        modalidade = int(desconto["modalidade"])
        datas = desconto.get("descontoDataFixa")
        percent = modalidade in (2, 5, 6)
        limit = HUNDRED if percent else original
        if modalidade in (1, 2):
            if "valorPerc" in desconto:
                add(
                    "O objeto cobv.valor.desconto apresenta modalidade no valor 1 ou "
                    "2, porém cobv.valor.desconto.valorPerc encontra-se preenchido.",
                    "valor.desconto.valorPerc",
                    desconto["valorPerc"],
                )
            if not datas:
                add(
                    "O objeto cobv.valor.desconto apresenta modalidade no valor 1 ou "
                    "2, porém o array cobv.valor.desconto.descontoDataFixa está vazio "
                    "ou nulo.",
                    "valor.desconto.descontoDataFixa",
                )
            for item in datas or ():
                if date.fromisoformat(item["data"]) > due:
                    add(
                        "O objeto cobv.valor.desconto apresenta algum elemento cuja "
                        "data seja posterior à data de vencimento.",
                        "valor.desconto.descontoDataFixa.data",
                        item["data"],
                    )
                if _amount(item["valorPerc"]) >= limit:
                    add(
                        "O objeto cobv.valor.desconto apresenta algum elemento de "
                        "desconto que representa um valor maior ou igual ao valor da "
                        "cobrança original ou maior ou igual a 100%.",
                        "valor.desconto.descontoDataFixa.valorPerc",
                        item["valorPerc"],
                    )
            return
        if "valorPerc" not in desconto:
            add(
                "O objeto cobv.valor.desconto apresenta modalidade nos valores de 3 a "
                "6, porém o elemento cobv.valor.desconto.valorPerc não está "
                "preenchido.",
                "valor.desconto.valorPerc",
            )
        elif _amount(desconto["valorPerc"]) >= limit:
            add(
                "O objeto cobv.valor.desconto apresenta algum elemento de desconto que "
                "representa um valor maior ou igual ao valor da cobrança original ou "
                "maior ou igual a 100%.",
                "valor.desconto.valorPerc",
                desconto["valorPerc"],
            )
        if datas:
            add(
                "O objeto cobv.valor.desconto apresenta modalidade nos valores de 3 a "
                "6, porém o elemento cobv.valor.desconto.descontoDataFixa está "
                "preenchido.",
                "valor.desconto.descontoDataFixa",
            )

    def _new_loc(self, kind: str, txid: str, criacao: datetime) -> dict:
        loc_id = self._next_loc
        self._next_loc += 1
        path = "qr/v2/cobv" if kind == "cobv" else "qr/v2"
        return {
            "id": loc_id,
            "location": f"{self.host}:{self.port}/{path}/{uuid4().hex}",
            "tipoCob": kind,
            "criacao": rfc3339(criacao),
            "txid": txid,
        }

    def _copia_e_cola(self, charge: Charge) -> str:
        valor = charge.fields.get("valor") or {}
        amount = None
        if charge.kind == "cob" and int(valor.get("modalidadeAlteracao", 0)) != 1:
            amount = Decimal(valor["original"])
        return build_brcode(
            url=charge.loc["location"],
            merchant_name=to_ascii(self.receiver["nome"])[:25].strip(),
            merchant_city=to_ascii(self.receiver["cidade"])[:15].strip(),
            amount=amount,
        )

    def render(self, charge: Charge, *, complete: bool = False) -> dict:
        """The JSON of a charge (``Cob(V)Gerada``, or ``Cob(V)Completa`` with
        the ``pix`` received when ``complete``)."""
        fields = copy.deepcopy(charge.fields)
        body: dict[str, Any] = {
            "calendario": {"criacao": rfc3339(charge.criacao), **fields["calendario"]},
            "txid": charge.txid,
            "revisao": charge.revisao,
            "loc": dict(charge.loc),
        }
        if charge.kind == "cob":
            body["location"] = charge.loc["location"]
        body["status"] = charge.status
        if "devedor" in fields:
            body["devedor"] = fields["devedor"]
        if charge.kind == "cobv":
            body["recebedor"] = dict(self.receiver)
        body["valor"] = fields["valor"]
        body["chave"] = fields["chave"]
        for key in ("solicitacaoPagador", "infoAdicionais"):
            if key in fields:
                body[key] = fields[key]
        body["pixCopiaECola"] = self._copia_e_cola(charge)
        if complete and charge.pix:
            body["pix"] = [copy.deepcopy(self.pix[e2eid]) for e2eid in charge.pix]
        return body

    def _snapshot(self, charge: Charge) -> None:
        charge.history.append(self.render(charge))

    def _put_charge(self, kind: str, txid: str, body: Mapping):
        fields = self._normalize(kind, body)
        charge = self.charges.get(txid)
        if charge is not None and charge.kind != kind:
            raise Problem(
                400,
                self._error(kind, "invalid"),
                violacoes=[
                    violacao(
                        "O txid já está em uso por uma cobrança do tipo "
                        f"{charge.kind}.",
                        f"{kind}.txid",
                        txid,
                    )
                ],
            )
        if charge is not None:
            if fields == charge.fields:
                return 201, self.render(charge)  # the same request again
            if charge.status != "ATIVA":
                reason = (
                    "A cobrança já existe, não está ATIVA, e a presente requisição "
                    "busca alterá-la."
                )
            elif self.put_existing == "reject":
                reason = "O txid já está em uso por outra cobrança."
            else:
                self._check_charge(kind, fields, charge.criacao)
                charge.fields = fields
                charge.revisao += 1
                self._snapshot(charge)
                return 201, self.render(charge)
            raise Problem(
                400,
                self._error(kind, "invalid"),
                violacoes=[violacao(reason, f"{kind}.txid", txid)],
            )
        criacao = self.now()
        self._check_charge(kind, fields, criacao)
        charge = Charge(kind, txid, criacao, fields, self._new_loc(kind, txid, criacao))
        self.charges[txid] = charge
        self._snapshot(charge)
        return 201, self.render(charge)

    def _find_charge(self, kind: str, txid: str) -> Charge:
        charge = self.charges.get(txid)
        if charge is None or charge.kind != kind:
            raise Problem(404, self._error(kind, "missing"))
        return charge

    def _patch_charge(self, kind: str, txid: str, body: Mapping):
        charge = self._find_charge(kind, txid)
        invalid = self._error(kind, "invalid")
        if charge.status != "ATIVA":
            raise Problem(
                400,
                invalid,
                "A cobrança não está ATIVA; somente cobranças ativas podem ser "
                "revisadas.",
                [
                    violacao(
                        "A cobrança não está ATIVA.", f"{kind}.status", charge.status
                    )
                ],
            )
        changes = self._normalize(kind, body, partial=True)
        if "status" in changes:
            if len(changes) > 1:
                raise Problem(
                    400,
                    invalid,
                    violacoes=[
                        violacao(
                            "A remoção da cobrança não pode vir com outras alterações.",
                            f"{kind}.status",
                            changes["status"],
                        )
                    ],
                )
            charge.status = changes["status"]
            charge.revisao += 1
            self._snapshot(charge)
            return 200, self.render(charge)
        fields = copy.deepcopy(charge.fields)
        for key, value in changes.items():
            if key in ("calendario", "valor") and isinstance(value, dict):
                fields[key] = {**fields.get(key, {}), **value}
            else:
                fields[key] = value
        self._check_charge(kind, fields, charge.criacao)
        if fields != charge.fields:
            charge.fields = fields
            charge.revisao += 1
            self._snapshot(charge)
        return 200, self.render(charge)

    def _get_charge(self, kind: str, txid: str, query: Mapping):
        charge = self._find_charge(kind, txid)
        if "revisao" in query:
            revisao = int(query["revisao"])
            if revisao >= len(charge.history):
                raise Problem(
                    400,
                    self._error(kind, "query"),
                    violacoes=[
                        violacao(
                            "O parâmetro revisao corresponde a uma revisão "
                            "inexistente.",
                            "revisao",
                            revisao,
                        )
                    ],
                )
            return 200, copy.deepcopy(charge.history[revisao])
        return 200, self.render(charge, complete=True)

    # --- Payments -------------------------------------------------------------

    def amount_due(self, txid: str, paid_on: date) -> CobVAmount:
        """What the ``cobv`` ``txid`` costs if paid on ``paid_on``."""
        with self._lock:
            charge = self.charges[txid]
            if charge.kind != "cobv":
                raise ValueError(f"{txid} is an immediate charge (cob)")
            return cobv_amount(charge.fields, paid_on, self.calendar)

    def _e2eid(self, prefix: str, moment: datetime) -> str:
        stamp = moment.astimezone(timezone.utc).strftime("%Y%m%d%H%M")
        return f"{prefix}{SANDBOX_ISPB}{stamp}{secrets.token_hex(6)[:11]}"

    def simulate_payment(
        self,
        txid: str,
        paid_on: date | None = None,
        amount: Decimal | None = None,
        *,
        payer: str | None = None,
        info_pagador: str | None = None,
        deliver: bool = True,
    ) -> dict:
        """Pay the charge ``txid`` on ``paid_on`` (default today) and notify.

        The Pix (``endToEndId`` of 32 characters) carries the amount due on that
        date (a ``cobv``: :func:`cobv_amount`, with ``componentesValor``);
        ``amount`` forces another amount (a payer's PSP that did not enforce
        the final amount; no ``componentesValor`` then, unless it matches).
        ``payer`` is the payer's CPF/CNPJ for the ``GET /pix`` filters (default:
        the debtor's). The charge becomes CONCLUIDA; the notification goes to the
        webhook of the charge's key unless ``deliver`` is false or
        :attr:`drop_webhooks` is set.

        :raises ChargeNotPayable: unknown, not active, expired or past its
            validity.
        """
        with self._lock:
            charge = self.charges.get(txid)
            if charge is None:
                raise ChargeNotPayable(f"no charge with txid {txid}")
            if charge.status != "ATIVA":
                raise ChargeNotPayable(f"the charge {txid} is {charge.status}")
            now = self.now()
            paid_on = paid_on or now.astimezone(BRT).date()
            valor = charge.fields["valor"]
            components = None
            if charge.kind == "cobv":
                due = cobv_amount(charge.fields, paid_on, self.calendar)
                expected, components = due.final, due.componentes_valor()
            else:
                expires = charge.criacao + timedelta(
                    seconds=int(charge.fields["calendario"]["expiracao"])
                )
                if paid_on > expires.astimezone(BRT).date():
                    raise ChargeNotPayable(f"the charge {txid} expired at {expires}")
                expected = Decimal(valor["original"])
                components = {"original": {"valor": valor["original"]}}
            paid = expected if amount is None else round_cents(Decimal(amount))
            if paid <= 0:
                raise ChargeNotPayable("a Pix carries a positive amount")
            horario = datetime.combine(paid_on, now.astimezone(BRT).timetz())
            pix: dict[str, Any] = {
                "endToEndId": self._e2eid("E", horario),
                "txid": txid,
                "valor": f"{paid:.2f}",
                "chave": charge.fields["chave"],
                "horario": rfc3339(horario),
            }
            if paid == expected:
                pix["componentesValor"] = components
            if info_pagador:
                pix["infoPagador"] = info_pagador[:140]
            devedor = charge.fields.get("devedor") or {}
            if payer is not None:
                kind = document_kind(payer)
                self._payers[pix["endToEndId"]] = (kind, clean(payer))
            else:
                kind = (
                    "cpf" if "cpf" in devedor else "cnpj" if "cnpj" in devedor else None
                )
                self._payers[pix["endToEndId"]] = (
                    (kind, devedor[kind]) if kind else None
                )
            self._validate("#/components/schemas/Pix", pix)
            self.pix[pix["endToEndId"]] = pix
            charge.pix.append(pix["endToEndId"])
            charge.status = "CONCLUIDA"
            result = copy.deepcopy(pix)
        if deliver:
            self.notify(result)
        return result

    def notify(self, *pix: Mapping) -> list[Delivery]:
        """POST ``{"pix": [...]}`` to ``{webhookUrl}/pix`` of each Pix's key."""
        by_url: dict[str, list] = {}
        with self._lock:
            for item in pix:
                webhook = self.webhooks.get(item.get("chave", ""))
                if webhook and item.get("txid"):
                    url = webhook["webhookUrl"].rstrip("/") + "/pix"
                    by_url.setdefault(url, []).append(copy.deepcopy(dict(item)))
        deliveries = []
        for url, items in by_url.items():
            body = {"pix": items}
            pointer = (
                "#/components/requestBodies/WebhookPixBody/content/"
                "application~1json/schema"
            )
            self._validate(pointer, body)
            delivery = Delivery(url, body, dropped=self.drop_webhooks)
            if not self.drop_webhooks:
                try:
                    response = requests.post(
                        url, json=body, timeout=self.webhook_timeout
                    )
                    delivery.status = response.status_code
                except requests.RequestException as error:
                    delivery.error = str(error)
            with self._lock:
                self.deliveries.append(delivery)
            deliveries.append(delivery)
        return deliveries

    def _validate(self, pointer: str, instance: Any) -> None:
        errors = self.bundle.schema_errors(instance, pointer)
        if errors:
            text = f"{pointer}: " + "; ".join(errors)
            self.errors.append(text)
            raise AssertionError(f"sandbox bug, invalid {text}")

    # --- Pix received ---------------------------------------------------------

    def _find_pix(self, e2eid: str) -> dict:
        pix = self.pix.get(e2eid)
        if pix is None:
            raise Problem(404, "PixNaoEncontrado")
        return pix

    def _get_pix(self, _body, _query, e2eid):
        return 200, copy.deepcopy(self._find_pix(e2eid))

    def _list_pix(self, _body, query, **_args):
        def invalid(reason, name, value=None):
            return Problem(
                400, "PixConsultaInvalida", violacoes=[violacao(reason, name, value)]
            )

        inicio, fim = parse_rfc3339(query["inicio"]), parse_rfc3339(query["fim"])
        if fim < inicio:
            raise invalid(
                "O timestamp fim é anterior ao timestamp inicio.", "fim", query["fim"]
            )
        if "cpf" in query and "cnpj" in query:
            raise invalid("Ambos os parâmetros cpf e cnpj estão preenchidos.", "cnpj")
        page = int(query.get("paginacao.paginaAtual", 0))
        per_page = int(query.get("paginacao.itensPorPagina", 100))
        selected = []
        for e2eid, pix in self.pix.items():
            if not inicio <= parse_rfc3339(pix["horario"]) <= fim:
                continue
            if "txid" in query and pix.get("txid") != query["txid"]:
                continue
            if "txIdPresente" in query and bool(pix.get("txid")) != (
                query["txIdPresente"] == "true"
            ):
                continue
            if "devolucaoPresente" in query and bool(pix.get("devolucoes")) != (
                query["devolucaoPresente"] == "true"
            ):
                continue
            for kind in ("cpf", "cnpj"):
                if kind in query and self._payers.get(e2eid) != (kind, query[kind]):
                    break
            else:
                selected.append(pix)
        selected.sort(key=lambda item: (item["horario"], item["endToEndId"]))
        pages = max(1, math.ceil(len(selected) / per_page))
        parametros = {"inicio": query["inicio"], "fim": query["fim"]}
        for key in ("txid", "cpf", "cnpj"):
            if key in query:
                parametros[key] = query[key]
        parametros["paginacao"] = {
            "paginaAtual": page,
            "itensPorPagina": per_page,
            "quantidadeDePaginas": pages,
            "quantidadeTotalDeItens": len(selected),
        }
        items = selected[page * per_page : (page + 1) * per_page]
        return 200, {"parametros": parametros, "pix": copy.deepcopy(items)}

    # --- Refunds --------------------------------------------------------------

    def _put_devolucao(self, body, _query, e2eid, id):
        pix = self._find_pix(e2eid)

        def invalid(reason, name, value=None):
            return Problem(
                400, "PixDevolucaoInvalida", violacoes=[violacao(reason, name, value)]
            )

        devolucoes = pix.setdefault("devolucoes", [])
        existing = next((item for item in devolucoes if item["id"] == id), None)
        if existing is not None:
            same = existing["valor"] == body["valor"] and all(
                existing.get(key) == body.get(key) for key in ("natureza", "descricao")
            )
            if same:  # the same request again (a retry): same answer
                return 201, copy.deepcopy(existing)
            raise invalid(
                "A presente requisição de devolução apresenta um {id} já utilizado "
                "por outra requisição de devolução para o {e2eid} em questão.",
                "devolucao.id",
                id,
            )
        if body.get("natureza", "ORIGINAL") != "ORIGINAL":
            raise invalid(
                "A natureza RETIRADA só se aplica a um Pix Saque ou Troco.",
                "devolucao.natureza",
                body["natureza"],
            )
        valor = _amount(body["valor"])
        if valor <= 0:
            raise invalid(
                "O campo devolucao.valor não respeita o _schema_.",
                "devolucao.valor",
                body["valor"],
            )
        refunded = sum(
            (
                _amount(item["valor"])
                for item in devolucoes
                if item["status"] != "NAO_REALIZADO"
            ),
            Decimal(0),
        )
        if refunded + valor > _amount(pix["valor"]):
            raise invalid(
                "A presente requisição de devolução, em conjunto com as demais "
                "prévias devoluções, excederia o valor do pix originário.",
                "devolucao.valor",
                body["valor"],
            )
        now = self.now()
        if now - parse_rfc3339(pix["horario"]) > timedelta(days=REFUND_WINDOW_DAYS):
            raise invalid(
                "A presente requisição de devolução viola a janela de tempo "
                f"permitida ({REFUND_WINDOW_DAYS} dias desde a liquidação do pix).",
                "devolucao",
            )
        devolucao = {
            "id": id,
            "rtrId": self._e2eid("D", now),
            "valor": body["valor"],
        }
        for key in ("natureza", "descricao"):
            if key in body:
                devolucao[key] = body[key]
        devolucao["horario"] = {"solicitacao": rfc3339(now)}
        devolucao["status"] = "EM_PROCESSAMENTO"
        devolucoes.append(devolucao)
        return 201, copy.deepcopy(devolucao)

    def _get_devolucao(self, _body, _query, e2eid, id):
        pix = self._find_pix(e2eid)
        for item in pix.get("devolucoes", []):
            if item["id"] == id:
                return 200, copy.deepcopy(item)
        raise Problem(404, "PixDevolucaoNaoEncontrada")

    def settle_refund(
        self, e2eid: str, devolucao_id: str, *, success: bool = True, deliver=True
    ) -> dict:
        """Bring a refund to DEVOLVIDO (or NAO_REALIZADO) and notify the webhook,
        as the spec's callback describes."""
        with self._lock:
            pix = self.pix[e2eid]
            devolucao = next(
                item for item in pix.get("devolucoes", []) if item["id"] == devolucao_id
            )
            if devolucao["status"] != "EM_PROCESSAMENTO":
                raise ValueError(
                    f"refund {devolucao_id} is already {devolucao['status']}"
                )
            if success:
                devolucao["status"] = "DEVOLVIDO"
                devolucao["horario"]["liquidacao"] = rfc3339(self.now())
            else:
                devolucao["status"] = "NAO_REALIZADO"
                devolucao["motivo"] = "Devolução não realizada (simulada)."
            result = copy.deepcopy(pix)
        if deliver:
            self.notify(result)
        return copy.deepcopy(devolucao)

    # --- Webhooks -------------------------------------------------------------

    def _webhook_key(self, chave: str, *, for_put=False) -> str:
        try:
            key = normalize_key(chave)
        except ValueError as error:
            if not for_put:
                raise Problem(404, "WebhookNaoEncontrado") from None
            raise Problem(
                400,
                "WebhookOperacaoInvalida",
                violacoes=[
                    violacao(
                        f"O parâmetro chave não corresponde a uma chave DICT válida: "
                        f"{error}",
                        "chave",
                        chave,
                    )
                ],
            ) from None
        if for_put and key not in self.keys:
            raise Problem(
                400,
                "WebhookOperacaoInvalida",
                violacoes=[
                    violacao(
                        "O parâmetro chave não corresponde a uma chave DICT "
                        "pertencente a este usuário recebedor.",
                        "chave",
                        chave,
                    )
                ],
            )
        return key

    def _put_webhook(self, body, _query, chave):
        key = self._webhook_key(chave, for_put=True)
        url = body["webhookUrl"]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise Problem(
                400,
                "WebhookOperacaoInvalida",
                violacoes=[
                    violacao(
                        "Campo webhook.webhookUrl não respeita o _schema_ (uma URL "
                        "absoluta https).",
                        "webhook.webhookUrl",
                        url,
                    )
                ],
            )
        previous = self.webhooks.get(key)
        self.webhooks[key] = {
            "webhookUrl": url,
            "chave": key,
            "criacao": previous["criacao"] if previous else rfc3339(self.now()),
        }
        return 200, None

    def _get_webhook(self, _body, _query, chave):
        webhook = self.webhooks.get(self._webhook_key(chave))
        if webhook is None:
            raise Problem(404, "WebhookNaoEncontrado")
        return 200, {
            "webhookUrl": webhook["webhookUrl"],
            "chave": webhook["chave"],
            "cnpj": self.receiver["cnpj"],
            "criacao": webhook["criacao"],
        }

    def _delete_webhook(self, _body, _query, chave):
        key = self._webhook_key(chave)
        if self.webhooks.pop(key, None) is None:
            raise Problem(404, "WebhookNaoEncontrado")
        return 204, None


def _dict_form(key: str) -> str:
    """The key as registered in DICT; an invalid key is kept as sent (the
    business rules report it)."""
    try:
        return normalize_key(key)
    except ValueError:
        return key


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


# --- HTTP plumbing ------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


class _Handler(BaseHTTPRequestHandler):
    sandbox: PixSandbox
    protocol_version = "HTTP/1.1"
    server_version = "PixSandbox/1.0"
    timeout = 10  # an idle keep-alive connection is closed after 10 s

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = CaseInsensitiveDict(self.headers.items())
        status, answer_headers, payload = self.sandbox.handle(
            self.command, self.path, headers, body
        )
        try:
            self.send_response(status)
            for key, value in answer_headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload and self.command != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. its timeout)

    do_GET = do_PUT = do_PATCH = do_POST = do_DELETE = _serve

    def log_message(self, format, *args) -> None:
        _logger.debug("%s %s", self.address_string(), format % args)


# --- A webhook receiver for tests ---------------------------------------------


class WebhookRecorder:
    """A local HTTP server recording the notifications POSTed to it.

    Register :attr:`url` as the ``webhookUrl``: the PSP posts to
    ``{url}/pix``. :attr:`notifications` holds ``(path, json)`` pairs;
    :attr:`status` is what it answers.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, status: int = 200):
        self.host = host
        self.status = status
        self.notifications: list[tuple[str, Any]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    data = json.loads(raw)
                except ValueError:
                    data = raw
                recorder.notifications.append((self.path, data))
                self.send_response(recorder.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):
                _logger.debug("webhook recorder: " + format, *args)

        self._server = _Server((host, port), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._server.server_address[1]}/webhook"

    def start(self) -> "WebhookRecorder":
        if not self._thread.is_alive():
            self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


# --- Command line -------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.pix_psp",
        description="Serve a local API Pix PSP (sandbox) until interrupted.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--client-id", default="sandbox-client")
    parser.add_argument("--client-secret", default="sandbox-secret")
    parser.add_argument(
        "--pix-key",
        action="append",
        dest="keys",
        help=f"a Pix key of the receiver (repeatable; default {DEFAULT_KEY})",
    )
    parser.add_argument("--token-ttl", type=int, default=3600)
    parser.add_argument(
        "--tls", nargs=2, metavar=("CERTFILE", "KEYFILE"), help="serve HTTPS"
    )
    parser.add_argument(
        "--client-ca", help="with --tls: require client certificates signed by this CA"
    )
    parser.add_argument("--spec", help="path of openapi.yaml (default: ../shared)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.client_ca and not args.tls:
        parser.error("--client-ca needs --tls")
    sandbox = PixSandbox(
        args.client_id,
        args.client_secret,
        host=args.host,
        port=args.port,
        keys=args.keys or (DEFAULT_KEY,),
        token_ttl=args.token_ttl,
        tls=tuple(args.tls) if args.tls else None,
        client_ca=args.client_ca,
        spec_path=args.spec,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sandbox.start()
    pay = (
        f"curl -u {args.client_id}:{args.client_secret} -H 'Content-Type: "
        f'application/json\' -d \'{{"txid": "<txid>", "data": "YYYY-MM-DD"}}\' '
        f"{sandbox.origin}{CONTROL_PREFIX}/pay"
    )
    lines = [
        "API Pix sandbox PSP",
        f"  base URL:  {sandbox.base_url}",
        f"  token URL: {sandbox.token_url}",
        f"  client:    {args.client_id} / {args.client_secret}",
        f"  Pix keys:  {', '.join(sandbox.keys)}",
        f"  spec:      {len(sandbox.bundle.fixes)} fixes applied at load time",
        f"  pay:       {pay}",
        "Ctrl-C to stop.",
    ]
    print("\n".join(lines), flush=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: stop serving
            stop.wait()
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
