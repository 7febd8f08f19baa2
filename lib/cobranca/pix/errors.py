# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Errors of the API Pix client (:mod:`cobranca.pix.client`).

:class:`PixApiError` decodes an RFC 7807 ``application/problem+json`` answer
(with each ``violacoes`` item), or an OAuth2 error, or anything else from
the status line and the text; :class:`PixApiTimeout` and
:class:`PixApiUnavailable` mean the retries were exhausted;
:class:`PixApiInvalidResponse` is a 2xx answer that is not what the spec
says. All are :class:`PixError`.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests


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


def json_or_none(response: requests.Response) -> Any:
    """The JSON of an answer, None when it has none or is not JSON."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def error_from_response(
    response: requests.Response,
    method: str,
    error_class: type[PixApiError] = PixApiError,
    attempts: int = 1,
) -> PixApiError:
    """The error (of ``error_class``) an answer of status >= 400 means."""
    body = json_or_none(response)
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
