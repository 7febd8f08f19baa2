# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The PSP: OAuth2 tokens, charges (``cob``, ``cobv``), Pix received,
refunds, webhooks, and the fault injection of client tests.

:class:`PixSandbox` answers each request (:meth:`PixSandbox.handle`) after
validating it against the spec (:mod:`.spec`), and validates its own answer
too; :mod:`.server` serves it over HTTP.
"""

import base64
import copy
import hmac
import json
import logging
import math
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qs, unquote, unquote_plus, urlsplit
from uuid import uuid4

import requests
from cobranca.calendar import BankCalendar
from cobranca.charges import round_cents
from cobranca.documents import (
    clean,
    cnpj_check_digits,
    document_kind,
    validate_cnpj,
    validate_cpf,
)
from cobranca.pix import (
    DEFAULT_EXPIRACAO,
    DEFAULT_VALIDADE_APOS_VENCIMENTO,
    build_brcode,
    fit_info_pagador,
    fit_merchant_city,
    fit_merchant_name,
    normalize_key,
)
from openapi_core.templating.paths.exceptions import (
    OperationNotFound,
    PathNotFound,
    ServerNotFound,
)
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.testing import MockRequest, MockResponse

from .amounts import HUNDRED, ChargeNotPayable, CobVAmount, cobv_amount
from .problems import Problem, request_violations, violacao
from .server import Served, serve
from .spec import API_PREFIX, openapi_core_quiet, spec_bundle

_logger = logging.getLogger(__name__)

TOKEN_PATH = "/oauth/token"
CONTROL_PREFIX = "/sandbox"
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
REFUND_WINDOW_DAYS = 90


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


class PixSandbox(Served):
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
        self._next_loc = 1
        self._scopes = self._operation_scopes()
        self.all_scopes = frozenset(
            self.bundle.spec["components"]["securitySchemes"]["OAuth2"]["flows"][
                "clientCredentials"
            ]["scopes"]
        )

    # --- Lifecycle ------------------------------------------------------------

    def _bind(self):
        self._stopping.clear()
        return serve(
            self.handle,
            self.host,
            self.requested_port,
            tls=self.tls,
            client_ca=self.client_ca,
        )

    def stop(self) -> None:
        self._stopping.set()
        super().stop()

    @property
    def port(self) -> int:
        return self._server.server_address[1] if self._server else self.requested_port

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API root to give to :class:`cobranca.pix.PixApiClient`."""
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
        with self._validation_lock, openapi_core_quiet():
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
        with self._validation_lock, openapi_core_quiet():
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
            merchant_name=fit_merchant_name(self.receiver["nome"]),
            merchant_city=fit_merchant_city(self.receiver["cidade"]),
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
                pix["infoPagador"] = fit_info_pagador(info_pagador)
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
