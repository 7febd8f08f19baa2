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
official ``openapi.yaml`` (release 2.9.0, shipped in ``pix-api/`` or named by
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

Modules: :mod:`.spec` (the spec and its fixes), :mod:`.amounts` (what a
``cobv`` costs on a date), :mod:`.problems` (RFC 7807 answers), :mod:`.psp`
(the PSP itself), :mod:`.server` (HTTP), ``__main__`` (command line).
"""

from .amounts import ChargeNotPayable, CobVAmount, cobv_amount, payment_window
from .problems import Problem, request_violations, violacao
from .psp import (
    API_PREFIX,
    BRT,
    CONTROL_PREFIX,
    DEFAULT_KEY,
    DEFAULT_RECEIVER,
    SANDBOX_ISPB,
    TOKEN_PATH,
    Charge,
    Delivery,
    PixSandbox,
    RecordedRequest,
)
from .server import WebhookRecorder
from .spec import SPEC_PATH, SpecBundle, load_spec, patch_spec, spec_bundle, spec_path

__all__ = [
    "API_PREFIX",
    "BRT",
    "CONTROL_PREFIX",
    "DEFAULT_KEY",
    "DEFAULT_RECEIVER",
    "SANDBOX_ISPB",
    "SPEC_PATH",
    "Charge",
    "ChargeNotPayable",
    "CobVAmount",
    "Delivery",
    "PixSandbox",
    "Problem",
    "RecordedRequest",
    "SpecBundle",
    "WebhookRecorder",
    "cobv_amount",
    "load_spec",
    "patch_spec",
    "payment_window",
    "request_violations",
    "spec_bundle",
    "spec_path",
    "violacao",
]
