# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A fake credit bureau (birô de crédito) for the tests and the demo.

A JSON API over ``http.server`` on 127.0.0.1, standing in for a bureau's
listing API (Serasa, SPC, Boa Vista and the like each have their own; this
one is deliberately generic):

* ``POST /inclusoes`` — list a debt: ``{"referencia", "documento" (CPF or
  CNPJ, digits), "nome", "endereco", "contrato", "vencimento" (YYYY-MM-DD),
  "valor" ("123.45"), "data_inclusao", "natureza"}``; answers 201
  ``{"id", "status": "recebida", ...}``, or 200 with the existing record when
  the same ``referencia`` was sent before (idempotent); 422 with
  ``{"erro", "campo"}`` for invalid data (bad CPF/CNPJ, amount, date);
* ``GET /inclusoes/{id}`` — the record; a received listing reads
  ``"incluida"`` from the first query on (the bureau processed it), a removed
  one ``"excluida"``;
* ``POST /exclusoes`` — ``{"inclusao_id", "data_pagamento"}``: removal of a
  listing; 201 ``{"id", "inclusao_id", "status": "recebida"}``, 404 for an
  unknown listing; idempotent too.

Every request needs ``Authorization: Bearer <token>`` (401 otherwise).
Faults are injected with :meth:`BureauSandbox.fail_next` (the next requests
answer a given status, e.g. 503) or, from outside, ``POST /_control/faults``
``{"status": 503, "count": 1}`` (same token).
"""

import json
import re
import threading
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cobranca.documents import is_valid_cnpj, is_valid_cpf

DEFAULT_TOKEN = "bureau-sandbox-token"
REQUIRED = (
    "referencia",
    "documento",
    "nome",
    "endereco",
    "contrato",
    "vencimento",
    "valor",
    "data_inclusao",
    "natureza",
)


class BureauSandbox:
    """The fake bureau: ``start()`` serves it in a thread, ``stop()`` ends it.

    :ivar inclusions: ``{id: record}``; :ivar requests: ``[(method, path, body)]``
    of every request received (the tests look at what was sent).
    """

    def __init__(self, token=DEFAULT_TOKEN, host="127.0.0.1", port=0):
        self.token = token
        self.host = host
        self.port = port
        self.inclusions = {}
        self.removals = {}
        self.requests = []
        self._faults = []
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    @property
    def url(self):
        return f"http://{self.host}:{self.port}"

    def fail_next(self, status=503, count=1):
        """The next ``count`` API requests answer ``status``."""
        with self._lock:
            self._faults.extend([status] * count)

    def start(self):
        sandbox = self

        class Handler(_Handler):
            bureau = sandbox

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="bureau-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------------
    def _take_fault(self):
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    def handle(self, method, path, headers, body):
        """``(status, payload)`` of one request."""
        self.requests.append((method, path, body))
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"erro": "token inválido"}
        if method == "POST" and path == "/_control/faults":
            self.fail_next(int(body.get("status", 503)), int(body.get("count", 1)))
            return 204, None
        fault = self._take_fault()
        if fault:
            return fault, {"erro": "falha simulada"}
        if method == "POST" and path == "/inclusoes":
            return self._include(body)
        match = re.fullmatch(r"/inclusoes/([0-9a-f-]+)", path)
        if method == "GET" and match:
            record = self.inclusions.get(match.group(1))
            if not record:
                return 404, {"erro": "inclusão não encontrada"}
            if record["status"] == "recebida":
                record["status"] = "incluida"
            return 200, record
        if method == "POST" and path == "/exclusoes":
            return self._remove(body)
        return 404, {"erro": "rota desconhecida"}

    def _include(self, body):
        if not isinstance(body, dict):
            return 400, {"erro": "JSON inválido"}
        for name in REQUIRED:
            if not str(body.get(name) or "").strip():
                return 422, {"erro": "campo obrigatório", "campo": name}
        document = str(body["documento"])
        if not (is_valid_cpf(document) or is_valid_cnpj(document)):
            return 422, {"erro": "CPF/CNPJ inválido", "campo": "documento"}
        try:
            amount = Decimal(str(body["valor"]))
            date.fromisoformat(body["vencimento"])
            date.fromisoformat(body["data_inclusao"])
        except (InvalidOperation, ValueError):
            return 422, {"erro": "valor ou data inválidos", "campo": "valor"}
        if amount <= 0:
            return 422, {"erro": "valor inválido", "campo": "valor"}
        with self._lock:
            for record in self.inclusions.values():
                if record["referencia"] == body["referencia"]:
                    return 200, record
            record = {
                **{name: body[name] for name in REQUIRED},
                "id": str(uuid.uuid4()),
                "status": "recebida",
            }
            self.inclusions[record["id"]] = record
        return 201, record

    def _remove(self, body):
        if not isinstance(body, dict):
            return 400, {"erro": "JSON inválido"}
        record = self.inclusions.get(str(body.get("inclusao_id")))
        if not record:
            return 404, {"erro": "inclusão não encontrada"}
        with self._lock:
            removal = self.removals.get(record["id"])
            if removal:
                return 200, removal
            removal = {
                "id": str(uuid.uuid4()),
                "inclusao_id": record["id"],
                "data_pagamento": body.get("data_pagamento"),
                "status": "recebida",
            }
            self.removals[record["id"]] = removal
            record["status"] = "excluida"
        return 201, removal


class _Handler(BaseHTTPRequestHandler):
    bureau = None
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        return

    def _serve(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        status, payload = self.bureau.handle(method, self.path, self.headers, body)
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")
