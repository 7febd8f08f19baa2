"""Client of the Banco Central *API Pix* (bacen/pix-api, release 2.9.0).

Every Brazilian PSP exposes this standard API to its receiving customers:
charges with a due date (``cobv``) and immediate charges (``cob``), the Pix
received, refunds (``devolucao``) and the payment webhook. Paths and bodies
are those of the official ``openapi.yaml``; the JSON of the spec goes in and
out unchanged (plain dicts, built and checked by :mod:`cobranca.pix.bodies`),
except that the ``pixCopiaECola`` of a charge is parsed (CRC, TLV, dynamic
payload whose url is the charge's location) before it is returned, so a
broken BR Code never reaches a customer.

Transport: OAuth2 client credentials (HTTP Basic on the token URL) with the
token cached until shortly before it expires, refreshed once on a 401; mTLS
with the PSP-issued certificate (``cert``); a timeout on every request;
retries by urllib3 (:class:`PixRetry`, mounted on the client's session through
requests' ``HTTPAdapter``) with exponential backoff on connection errors,
timeouts, 429 (honouring ``Retry-After``) and 5xx. Every method of the API
that is used here is a GET/PUT/PATCH/DELETE keyed by a client-chosen
identifier (txid, e2eid + refund id, key), hence idempotent and safe to
retry; a POST (the token request) is never sent twice.

Errors: see :mod:`cobranca.pix.errors`.
"""

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.util.retry import Retry

from ..documents import validate_cnpj, validate_cpf
from .bodies import (
    devolucao_body,
    encode_body,
    format_datetime,
    validate_devolucao_id,
    validate_e2eid,
)
from .brcode import parse_brcode, validate_charge_txid
from .errors import (
    PixApiError,
    PixApiInvalidResponse,
    PixApiTimeout,
    PixApiUnavailable,
    error_from_response,
    json_or_none,
)
from .keys import normalize_key

_logger = logging.getLogger(__name__)

#: 5xx statuses that are permanent, hence never retried.
PERMANENT_5XX = frozenset({501, 505})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
#: The statuses an idempotent request is sent again for.
RETRYABLE_STATUSES = frozenset({429} | set(range(500, 600))) - PERMANENT_5XX


def _absolute_url(url: str, name: str) -> str:
    if not isinstance(url, str):
        raise TypeError(f"{name} must be a str")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an absolute http(s) URL, got {url!r}")
    return url


def _retry_after(response) -> float | None:
    """Seconds asked by the ``Retry-After`` header of a (requests or urllib3)
    answer: a delay or an HTTP date; None when absent or unreadable."""
    value = response.headers.get("Retry-After") if response is not None else None
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


def retryable(status: int) -> bool:
    """Whether an answer with this status may succeed if sent again: 429 and
    the 5xx that are not permanent."""
    return status in RETRYABLE_STATUSES


class PixRetry(Retry):
    """urllib3's :class:`~urllib3.util.retry.Retry` with the client's policy.

    Only idempotent methods are sent again: after a connection error, a
    timeout, a 429 or a 5xx that is not permanent (:func:`retryable`); a
    POST is never sent twice, not even after a refused connection. The wait
    before retry *n* (from 1) is ``Retry-After`` when the answer has one, else
    ``backoff_factor × 2^(n-1)`` capped at ``max_backoff``; a wait longer
    than ``max_retry_after`` is not waited for: the last answer (or error) is
    returned at once. TLS and other errors are not retried. ``sleep`` does
    the waiting (tests replace it).

    Build it with :meth:`policy`; an exhausted budget raises
    :class:`~urllib3.exceptions.MaxRetryError` with an ``attempts`` attribute
    for errors and returns the last answer for statuses
    (``raise_on_status=False``).
    """

    def __init__(
        self,
        *args,
        max_backoff: float = 30.0,
        max_retry_after: float = 60.0,
        sleep: Callable[[float], Any] = time.sleep,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.sleeper = sleep

    @classmethod
    def policy(
        cls,
        retries: int,
        backoff: float,
        *,
        max_backoff: float = 30.0,
        max_retry_after: float = 60.0,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> "PixRetry":
        """``retries`` further attempts after the first."""
        return cls(
            total=retries,
            other=0,
            allowed_methods=IDEMPOTENT_METHODS,
            status_forcelist=RETRYABLE_STATUSES,
            backoff_factor=backoff,
            raise_on_status=False,
            respect_retry_after_header=True,
            max_backoff=max_backoff,
            max_retry_after=max_retry_after,
            sleep=sleep,
        )

    def new(self, **kw) -> "PixRetry":
        kw.setdefault("max_backoff", self.max_backoff)
        kw.setdefault("max_retry_after", self.max_retry_after)
        kw.setdefault("sleep", self.sleeper)
        return super().new(**kw)

    @property
    def attempts(self) -> int:
        """Attempts made so far by the request this object goes with."""
        return len(self.history) + 1

    def is_retry(self, method, status_code, has_retry_after=False) -> bool:
        return self._is_method_retryable(method) and status_code in (
            self.status_forcelist
        )

    def get_backoff_time(self) -> float:
        if not self.history:
            return 0.0
        return min(self.max_backoff, self.backoff_factor * 2 ** (len(self.history) - 1))

    def delay(self, response=None) -> float:
        """Seconds to wait before the next attempt."""
        asked = _retry_after(response)
        return asked if asked is not None else self.get_backoff_time()

    def increment(
        self,
        method=None,
        url=None,
        response=None,
        error=None,
        _pool=None,
        _stacktrace=None,
    ) -> "PixRetry":
        if (
            error is not None
            and method
            and not self._is_method_retryable(method)
            and self._is_connection_error(error)
        ):
            stop = MaxRetryError(_pool, url, error)
            stop.attempts = self.attempts
            raise stop from error
        try:
            retry = super().increment(method, url, response, error, _pool, _stacktrace)
        except MaxRetryError as exhausted:
            exhausted.attempts = self.attempts
            raise
        delay = retry.delay(response)
        if delay > self.max_retry_after:
            stop = MaxRetryError(
                _pool, url, error or ResponseError(f"asked to wait {delay:.0f} s")
            )
            stop.attempts = self.attempts
            raise stop
        return retry

    def sleep(self, response=None) -> None:
        delay = self.delay(response)
        last = self.history[-1]
        _logger.warning(
            "API Pix %s %s: %s; retrying in %.2f s (attempt %d of %d)",
            last.method,
            last.url,
            last.error or f"HTTP {last.status}",
            delay,
            self.attempts,
            self.attempts + (self.total or 0),
        )
        if delay > 0:
            self.sleeper(delay)


def _attempts(source) -> int:
    """Attempts made for a requests answer or error (1 without retries)."""
    if isinstance(source, requests.Response):
        retries = getattr(source.raw, "retries", None)
        return retries.attempts if isinstance(retries, PixRetry) else 1
    cause = source.args[0] if source.args else None
    return getattr(cause, "attempts", 1)


def _timed_out(error: requests.RequestException) -> bool:
    """Whether no answer came within the timeout (requests reports a read
    timeout after urllib3's retries as a ConnectionError)."""
    if isinstance(error, requests.Timeout):
        return True
    reason = getattr(error.args[0] if error.args else None, "reason", None)
    return isinstance(reason, ReadTimeoutError | ConnectTimeoutError) and not (
        isinstance(reason, NewConnectionError)
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
    :param session: a :class:`requests.Session` to use as it is (not closed
        by :meth:`close`; its adapters decide the retries: mount
        ``HTTPAdapter(max_retries=client.retry_policy())`` on it for the
        client's); by default the client owns one, with that adapter.

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
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._token_lock = threading.Lock()
        # Indirections for tests (no real waiting, controlled clock).
        self._sleep = time.sleep
        self._monotonic = time.monotonic
        self._own_session = session is None
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(max_retries=self.retry_policy())
            session.mount("https://", adapter)
            session.mount("http://", adapter)
        self.session = session

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

    def retry_policy(self) -> PixRetry:
        """The urllib3 retries of this client (see :class:`PixRetry`), for an
        ``HTTPAdapter``; it waits with the client's ``_sleep``."""
        return PixRetry.policy(
            self.retries,
            self.backoff,
            max_backoff=self.max_backoff,
            max_retry_after=self.max_retry_after,
            sleep=lambda seconds: self._sleep(seconds),
        )

    # --- OAuth2 ---------------------------------------------------------------

    def _fetch_token(self) -> str:
        data = {"grant_type": "client_credentials"}
        if self.scope:
            data["scope"] = self.scope
        response = self._request(
            "POST",
            self.token_url,
            data=data,
            auth=(self.client_id, self._client_secret),
            headers={"Accept": "application/json"},
        )
        if response.status_code != 200:
            error_class = (
                PixApiUnavailable if retryable(response.status_code) else PixApiError
            )
            raise error_from_response(response, "POST", error_class)
        body = json_or_none(response)
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

    def _request(self, method: str, url: str, **kwargs) -> requests.Response:
        """One request through the session (and its retries): the answer,
        whatever its status, or PixApiTimeout / PixApiUnavailable."""
        try:
            return self.session.request(
                method,
                url,
                cert=self.cert,
                verify=self.verify,
                timeout=self.timeout,
                **kwargs,
            )
        except requests.exceptions.SSLError as error:
            raise PixApiUnavailable(
                None, title="TLS error", detail=str(error), method=method, url=url
            ) from error
        except requests.RequestException as error:
            # Timeouts, refused or reset connections, broken bodies.
            if _timed_out(error):
                raise PixApiTimeout(
                    None,
                    title="Timeout",
                    detail=f"no answer within {self.timeout} s",
                    method=method,
                    url=url,
                    attempts=_attempts(error),
                ) from error
            raise PixApiUnavailable(
                None,
                title="Connection error",
                detail=str(error),
                method=method,
                url=url,
                attempts=_attempts(error),
            ) from error

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
        token = self._get_token()
        for renewed in (False, True):
            headers["Authorization"] = f"Bearer {token}"
            response = self._request(
                method, url, params=params, data=data, headers=headers
            )
            if response.status_code != 401 or renewed:
                break
            # The token was revoked or expired early: renew it once.
            _logger.info("API Pix %s %s: 401, renewing the token", method, url)
            token = self._get_token(stale=token)
        if response.status_code < 400:
            return response
        error_class = PixApiError
        if retryable(response.status_code) and method in IDEMPOTENT_METHODS:
            error_class = PixApiUnavailable  # the retries are exhausted
        raise error_from_response(response, method, error_class, _attempts(response))

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
            "inicio": format_datetime(inicio, "inicio"),
            "fim": format_datetime(fim, "fim"),
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
        body = devolucao_body(valor, natureza, descricao)
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
