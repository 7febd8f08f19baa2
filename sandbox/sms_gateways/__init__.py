# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Local SMS gateways for tests and demos (``python -m sandbox.sms_gateways``).

One threaded ``http.server`` on 127.0.0.1 speaks the three HTTP APIs that
``cobranca.sms_gateways`` talks to, with their authentication:

* Zenvia API v2: ``POST /v2/channels/sms/messages`` (header ``X-API-TOKEN``);
* Twilio: ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` (HTTP
  Basic, form-encoded, ``StatusCallback`` remembered per message);
* a generic HTTP API: ``POST /generic/messages`` (``Authorization: Bearer``)
  taking ``{"to", "text", "reference"}`` and answering ``{"data": {"id"}}``.

It stores what it received (:attr:`SmsGatewaySandbox.messages`), fails the
next N send requests on demand (:meth:`~SmsGatewaySandbox.inject`: a 4xx in
the provider's error shape, a 503, or no answer within ``hang_seconds``), and
posts delivery reports and customer replies the way each provider does
(:meth:`~SmsGatewaySandbox.deliver`, :meth:`~SmsGatewaySandbox.inbound`):
Zenvia's JSON events, Twilio's form posts signed with ``X-Twilio-Signature``,
the generic JSON report.

Control endpoints for demos (``make run``): ``GET /sandbox/messages``,
``POST /sandbox/deliver`` ``{"id", "status", "reason"}``,
``POST /sandbox/inbound`` ``{"kind", "from", "text", "url"}``,
``POST /sandbox/fault`` ``{"fault", "count"}``.
"""

import base64
import json
import logging
import re
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import requests
from requests.structures import CaseInsensitiveDict

from cobranca.sms_gateways import twilio_signature

_logger = logging.getLogger(__name__)

ZENVIA_PATH = "/v2/channels/sms/messages"
TWILIO_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")
GENERIC_PATH = "/generic/messages"
FAULTS = ("4xx", "5xx", "timeout")


@dataclass
class SandboxMessage:
    """One SMS the sandbox took."""

    kind: str  # zenvia, twilio, generic
    id: str
    to: str
    sender: str
    text: str
    reference: str = ""
    status_callback: str = ""
    headers: dict = field(default_factory=dict)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


class SmsGatewaySandbox:
    """The three gateways on one loopback port (0: a free one)."""

    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        *,
        zenvia_token="zenvia-token",
        twilio_sid="AC" + "0" * 31 + "1",
        twilio_token="twilio-auth-token",
        generic_token="generic-token",
        zenvia_webhook_url=None,
        generic_webhook_url=None,
        hang_seconds=3.0,
    ):
        self.host = host
        self.port = port
        self.zenvia_token = zenvia_token
        self.twilio_sid = twilio_sid
        self.twilio_token = twilio_token
        self.generic_token = generic_token
        self.zenvia_webhook_url = zenvia_webhook_url
        self.generic_webhook_url = generic_webhook_url
        self.hang_seconds = hang_seconds
        self.messages: list[SandboxMessage] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every call
        self._faults: list[tuple[str, int | None]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = None
        self._thread = None

    # --- life cycle -------------------------------------------------------------

    def start(self):
        if self._server is None:
            handler = type("Handler", (_Handler,), {"sandbox": self})
            self._server = _Server((self.host, self.port), handler)
            self.port = self._server.server_address[1]
            self._stopping.clear()
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"sms-gateways-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._stopping.set()  # releases the requests held by a timeout fault
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def generic_url(self) -> str:
        return self.origin + GENERIC_PATH

    # --- faults -----------------------------------------------------------------

    def inject(self, fault: str, count: int = 1, status: int | None = None):
        """The next ``count`` send requests fail with ``fault``: ``4xx`` (the
        provider's rejection, 400 or ``status``), ``5xx`` (503 or
        ``status``) or ``timeout`` (no answer for ``hang_seconds``)."""
        if fault not in FAULTS:
            raise ValueError(f"fault must be one of {FAULTS}")
        with self._lock:
            self._faults += [(fault, status)] * count

    def _next_fault(self):
        with self._lock:
            return self._faults.pop(0) if self._faults else None

    def message(self, message_id: str) -> SandboxMessage:
        for message in self.messages:
            if message.id == message_id:
                return message
        raise KeyError(message_id)

    # --- callbacks --------------------------------------------------------------

    def deliver(self, message_id, state="delivered", reason=None, url=None, token=None):
        """POST the delivery report of a message, as its provider does;
        ``state`` is ``sent``, ``delivered`` or ``failed``. ``url`` defaults
        to the message's StatusCallback (Twilio) or the configured webhook;
        ``token`` signs Twilio reports with another Auth Token (a forgery)."""
        message = self.message(message_id)
        if message.kind == "zenvia":
            code = {
                "sent": "SENT",
                "delivered": "DELIVERED",
                "failed": "NOT_DELIVERED",
            }[state]
            status = {"timestamp": _now(), "code": code, "description": code.title()}
            if state == "failed":
                status["causes"] = [
                    {
                        "channelErrorCode": "005",
                        "reason": reason or "Message not delivered",
                        "details": "Sandbox",
                    }
                ]
            event = {
                "id": str(uuid.uuid4()),
                "timestamp": _now(),
                "type": "MESSAGE_STATUS",
                "subscriptionId": "sandbox-subscription",
                "channel": "sms",
                "messageId": message.id,
                "contentIndex": 0,
                "messageStatus": status,
            }
            return self._post_json(url or self.zenvia_webhook_url, event)
        if message.kind == "twilio":
            status = {
                "sent": "sent",
                "delivered": "delivered",
                "failed": "undelivered",
            }[state]
            form = {
                "AccountSid": self.twilio_sid,
                "ApiVersion": "2010-04-01",
                "From": message.sender,
                "MessageSid": message.id,
                "MessageStatus": status,
                "SmsSid": message.id,
                "SmsStatus": status,
                "To": message.to,
            }
            if state == "failed":
                form["ErrorCode"] = reason or "30003"
            return self._post_twilio(url or message.status_callback, form, token)
        report = {
            "id": message.id,
            "reference": message.reference,
            "status": state,
            "reason": reason if state == "failed" else None,
        }
        return self._post_json(url or self.generic_webhook_url, report)

    def inbound(self, kind, sender, text, url, to="", token=None):
        """POST a customer's reply ``text`` from ``sender`` to ``url``."""
        if kind == "zenvia":
            event = {
                "id": str(uuid.uuid4()),
                "timestamp": _now(),
                "type": "MESSAGE",
                "subscriptionId": "sandbox-subscription",
                "channel": "sms",
                "direction": "IN",
                "message": {
                    "id": str(uuid.uuid4()),
                    "from": re.sub(r"\D", "", sender),
                    "to": to,
                    "direction": "IN",
                    "channel": "sms",
                    "contents": [{"type": "text", "text": text}],
                },
            }
            return self._post_json(url, event)
        if kind == "twilio":
            form = {
                "AccountSid": self.twilio_sid,
                "ApiVersion": "2010-04-01",
                "Body": text,
                "From": sender,
                "MessageSid": "SM" + uuid.uuid4().hex,
                "NumMedia": "0",
                "NumSegments": "1",
                "SmsStatus": "received",
                "To": to,
            }
            return self._post_twilio(url, form, token)
        return self._post_json(url, {"from": sender, "text": text})

    def _post_json(self, url, payload):
        if not url:
            raise ValueError("no webhook URL to post to")
        return requests.post(url, json=payload, timeout=30)

    def _post_twilio(self, url, form, token=None):
        if not url:
            raise ValueError("no webhook URL to post to")
        signature = twilio_signature(token or self.twilio_token, url, form)
        return requests.post(
            url,
            data=form,
            headers={
                "X-Twilio-Signature": signature,
                "User-Agent": "TwilioProxy/1.1",
            },
            timeout=30,
        )

    # --- the APIs ---------------------------------------------------------------

    def handle(self, method, path, headers, body):
        """``(status, content type, body)`` of one request."""
        self.requests.append((method, path))
        target = path.split("?", 1)[0]
        if target.startswith("/sandbox/"):
            return self._control(method, target, body)
        if method != "POST":
            return 405, "application/json", {"message": "method not allowed"}
        twilio = TWILIO_PATH.match(target)
        if target == ZENVIA_PATH:
            kind = "zenvia"
        elif twilio:
            kind = "twilio"
        elif target == GENERIC_PATH:
            kind = "generic"
        else:
            return 404, "application/json", {"message": "not found"}
        fault = self._next_fault()
        if fault:
            return self._fault(kind, *fault)
        return getattr(self, f"_send_{kind}")(headers, body, twilio)

    def _fault(self, kind, fault, status):
        if fault == "timeout":
            self._stopping.wait(self.hang_seconds)
            return 504, "application/json", {"message": "gateway timeout"}
        if fault == "5xx":
            return status or 503, "text/plain", "Service Unavailable"
        status = status or 400
        if kind == "twilio":
            return (
                status,
                "application/json",
                {
                    "code": 21211,
                    "message": "The 'To' number is not a valid phone number.",
                    "more_info": "https://www.twilio.com/docs/errors/21211",
                    "status": status,
                },
            )
        return (
            status,
            "application/json",
            {
                "code": "VALIDATION_ERROR",
                "message": "Invalid destination number",
            },
        )

    @staticmethod
    def _json(body):
        try:
            return json.loads(body or b"null")
        except ValueError:
            return None

    def _send_zenvia(self, headers, body, _match):
        if headers.get("X-API-TOKEN") != self.zenvia_token:
            return (
                401,
                "application/json",
                {
                    "code": "UNAUTHORIZED",
                    "message": "Invalid or missing API token",
                },
            )
        data = self._json(body)
        problems = []
        if not isinstance(data, dict):
            data, problems = {}, ["the body must be a JSON object"]
        if not data.get("from"):
            problems.append("from is required")
        if not re.fullmatch(r"\d{10,15}", str(data.get("to") or "")):
            problems.append("to must be the digits of the number with country code")
        contents = data.get("contents")
        if (
            not isinstance(contents, list)
            or not contents
            or any(c.get("type") != "text" or not c.get("text") for c in contents)
        ):
            problems.append("contents must be a list of text contents")
        if problems:
            return (
                400,
                "application/json",
                {
                    "code": "VALIDATION_ERROR",
                    "message": "Validation error",
                    "details": [
                        {"code": "INVALID", "path": "body", "message": p}
                        for p in problems
                    ],
                },
            )
        message = SandboxMessage(
            "zenvia",
            str(uuid.uuid4()),
            data["to"],
            data["from"],
            "".join(c["text"] for c in contents),
            headers=dict(headers),
        )
        self.messages.append(message)
        return (
            200,
            "application/json",
            {
                "id": message.id,
                "from": message.sender,
                "to": message.to,
                "direction": "OUT",
                "channel": "sms",
                "contents": contents,
                "timestamp": _now(),
            },
        )

    def _send_twilio(self, headers, body, match):
        expected = base64.b64encode(
            f"{self.twilio_sid}:{self.twilio_token}".encode()
        ).decode()
        if match["sid"] != self.twilio_sid or headers.get("Authorization") != (
            f"Basic {expected}"
        ):
            return (
                401,
                "application/json",
                {
                    "code": 20003,
                    "message": "Authenticate",
                    "more_info": "https://www.twilio.com/docs/errors/20003",
                    "status": 401,
                },
            )
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        error = None
        if not re.fullmatch(r"\+\d{10,15}", form.get("To", "")):
            error = (21211, "The 'To' number is not a valid phone number.")
        elif not form.get("From") and not form.get("MessagingServiceSid"):
            error = (21603, "A 'From' or 'MessagingServiceSid' parameter is required")
        elif not form.get("Body"):
            error = (21602, "Message body is required.")
        if error:
            return (
                400,
                "application/json",
                {
                    "code": error[0],
                    "message": error[1],
                    "more_info": f"https://www.twilio.com/docs/errors/{error[0]}",
                    "status": 400,
                },
            )
        message = SandboxMessage(
            "twilio",
            "SM" + uuid.uuid4().hex,
            form["To"],
            form.get("From") or form.get("MessagingServiceSid"),
            form["Body"],
            status_callback=form.get("StatusCallback", ""),
            headers=dict(headers),
        )
        self.messages.append(message)
        return (
            201,
            "application/json",
            {
                "account_sid": self.twilio_sid,
                "api_version": "2010-04-01",
                "body": message.text,
                "from": form.get("From"),
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "sid": message.id,
                "status": "queued",
                "to": message.to,
                "error_code": None,
                "error_message": None,
            },
        )

    def _send_generic(self, headers, body, _match):
        if headers.get("Authorization") != f"Bearer {self.generic_token}":
            return 401, "application/json", {"error": "unauthorized"}
        data = self._json(body)
        if not isinstance(data, dict) or not data.get("to") or not data.get("text"):
            return 422, "application/json", {"error": "to and text are required"}
        message = SandboxMessage(
            "generic",
            uuid.uuid4().hex,
            str(data["to"]),
            "",
            str(data["text"]),
            reference=str(data.get("reference") or ""),
            headers=dict(headers),
        )
        self.messages.append(message)
        return (
            201,
            "application/json",
            {"data": {"id": message.id, "status": "accepted"}},
        )

    def _control(self, method, target, body):
        data = self._json(body) or {}
        try:
            if method == "GET" and target == "/sandbox/messages":
                return 200, "application/json", [asdict(m) for m in self.messages]
            if method == "POST" and target == "/sandbox/deliver":
                answer = self.deliver(
                    data["id"], data.get("status", "delivered"), data.get("reason")
                )
                return 200, "application/json", {"webhook_status": answer.status_code}
            if method == "POST" and target == "/sandbox/inbound":
                answer = self.inbound(
                    data.get("kind", "zenvia"),
                    data["from"],
                    data["text"],
                    data.get("url") or self.zenvia_webhook_url,
                )
                return 200, "application/json", {"webhook_status": answer.status_code}
            if method == "POST" and target == "/sandbox/fault":
                self.inject(data["fault"], int(data.get("count", 1)))
                return 200, "application/json", {"ok": True}
        except (KeyError, ValueError, requests.RequestException) as exc:
            return 400, "application/json", {"error": str(exc)}
        return 404, "application/json", {"message": "not found"}


class _Handler(BaseHTTPRequestHandler):
    sandbox: SmsGatewaySandbox
    protocol_version = "HTTP/1.1"
    server_version = "SmsGatewaySandbox/1.0"
    timeout = 10

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = CaseInsensitiveDict(self.headers.items())
        status, content_type, payload = self.sandbox.handle(
            self.command, self.path, headers, body
        )
        data = (
            payload.encode()
            if isinstance(payload, str)
            else json.dumps(payload).encode()
        )
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (its timeout)

    do_GET = do_POST = do_PUT = _serve

    def log_message(self, format, *args):
        _logger.debug("%s %s", self.address_string(), format % args)
