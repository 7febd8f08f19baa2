# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The HTTP side of the sandbox: a threaded ``http.server`` bound to one
:class:`~sandbox.pix_psp.psp.PixSandbox` (TLS and client certificates
optional), and a webhook receiver for tests."""

import json
import logging
import ssl
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from requests.structures import CaseInsensitiveDict

_logger = logging.getLogger(__name__)

#: ``(method, target, headers, body) -> (status, headers, body)``.
Handle = Callable[[str, str, Mapping[str, str], bytes], tuple[int, dict, bytes]]


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


class _Handler(BaseHTTPRequestHandler):
    handle_request: Handle
    protocol_version = "HTTP/1.1"
    server_version = "PixSandbox/1.0"
    timeout = 10  # an idle keep-alive connection is closed after 10 s

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = CaseInsensitiveDict(self.headers.items())
        status, answer_headers, payload = self.handle_request(
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


def serve(
    handle: Handle,
    host: str,
    port: int,
    *,
    tls: tuple[str, str] | None = None,
    client_ca: str | None = None,
    name: str = "pix-sandbox",
) -> tuple[Server, threading.Thread]:
    """Bind ``host:port`` (0: a free port) and answer every request with
    ``handle`` in a background thread; ``tls`` is ``(certfile, keyfile)`` for
    HTTPS, ``client_ca`` then makes a client certificate signed by it
    mandatory (mTLS). Stop with ``server.shutdown(); server.server_close()``."""
    handler = type("Handler", (_Handler,), {"handle_request": staticmethod(handle)})
    server = Server((host, port), handler)
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        if client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(client_ca)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"{name}-{server.server_address[1]}",
        daemon=True,
    )
    thread.start()
    return server, thread


class Served:
    """Something :func:`serve` answers for in a background thread, started
    and stopped once (also as a context manager); :meth:`_bind` serves it."""

    _server: Server | None = None
    _thread: threading.Thread | None = None

    def _bind(self) -> tuple[Server, threading.Thread]:
        raise NotImplementedError

    def start(self):
        """Bind and serve in a background thread (once; again is a no-op)."""
        if self._server is None:
            self._server, self._thread = self._bind()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


# --- A webhook receiver for tests ---------------------------------------------


class WebhookRecorder(Served):
    """A local HTTP server recording the notifications POSTed to it.

    Register :attr:`url` as the ``webhookUrl``: the PSP posts to
    ``{url}/pix``. :attr:`notifications` holds ``(path, json)`` pairs;
    :attr:`status` is what it answers.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, status: int = 200):
        self.host = host
        self.port = port
        self.status = status
        self.notifications: list[tuple[str, Any]] = []

    def _record(self, method, target, _headers, body):
        if method != "POST":
            return 405, {}, b""
        try:
            data = json.loads(body)
        except ValueError:
            data = body
        self.notifications.append((target, data))
        return self.status, {}, b""

    @property
    def url(self) -> str:
        port = self._server.server_address[1] if self._server else self.port
        return f"http://{self.host}:{port}/webhook"

    def _bind(self):
        return serve(self._record, self.host, self.port, name="webhook-recorder")
