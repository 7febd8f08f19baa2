# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""HTTP clients of the SMS gateways used in Brazil, and their webhooks.

Three gateways, each with ``send(to, text, reference)`` returning the
provider's message id, and the parsing/authentication of what the provider
posts back (delivery reports and inbound messages):

* :class:`ZenviaClient` — Zenvia API v2: ``POST /v2/channels/sms/messages``
  with the header ``X-API-TOKEN`` and the JSON body
  ``{"from", "to", "contents": [{"type": "text", "text"}]}``; the answer
  carries the message ``id``. Webhooks (subscriptions) post JSON events:
  ``type: "MESSAGE_STATUS"`` with ``messageId`` and ``messageStatus.code``
  (``SENT``, ``DELIVERED``, ``NOT_DELIVERED``, ``REJECTED``...) and
  ``messageStatus.causes[]`` (``channelErrorCode``, ``reason``, ``details``)
  for the failures; ``type: "MESSAGE"`` with ``direction: "IN"`` and
  ``message.from`` / ``message.contents[].text`` for a reply. Zenvia does
  not sign its webhooks: the URL we register carries a secret.
* :class:`TwilioClient` — Twilio Messages API:
  ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json``, HTTP Basic with
  the Account SID and Auth Token, form-encoded ``To``, ``From`` or
  ``MessagingServiceSid``, ``Body``, ``StatusCallback``; the answer carries
  the message ``sid``, an error answer ``{"code", "message", "status"}``.
  Status callbacks and inbound messages are form posts (``MessageSid``,
  ``MessageStatus`` queued/sent/delivered/undelivered/failed,
  ``ErrorCode``; ``From``/``Body`` for a reply) signed with
  ``X-Twilio-Signature`` = base64(HMAC-SHA1(Auth Token, full URL + the POST
  parameters sorted by name, each name followed by its value)):
  :func:`twilio_signature`, checked in the tests with Twilio's own published
  example (URL ``https://mycompany.com/myapp.php?foo=1&bar=2``, token
  ``12345``, signature ``0/KCTR6DLpKmkAf8muzZqo1nDgQ=``).
* :class:`GenericHttpClient` — any HTTP API: URL, method, headers and a JSON
  body template whose string values may hold ``{to}``, ``{text}`` and
  ``{reference}``; the message id is read at a dotted path of the JSON
  answer. Its delivery reports post ``{"id" or "reference", "status",
  "reason"}`` to a URL holding a secret.

Errors are precise: :class:`GatewayRejected` (a 4xx answer or an answer
without a message id: the provider refused this message, retrying will not
help; carries the provider's reason) and :class:`GatewayUnavailable` (5xx,
429, timeouts, connection errors: retry later). The retry itself is
decided by the caller (:func:`retry_delay`), never by sleeping here.

Sources of the request/response shapes (checked with the project's search
tool, 2026-11-27):

* Zenvia: the official OpenAPI spec, github.com/zenvia/zenvia-openapi-spec
  (``spec/tags/subscriptions.md``: event types MESSAGE and MESSAGE_STATUS and
  the status codes; ``spec/components/schemas/events/message-status*.ts`` and
  ``error-cause.ts``: ``messageId``, ``messageStatus.code``, ``causes[]``),
  and the official SDKs (npmjs.com/package/@zenvia/sdk, API v2;
  github.com/zenvia/zenvia-sdk-java ``MessageStatusEvent``).
* Twilio: twilio.com/docs/messaging/api/message-resource (parameters and
  statuses), twilio.com/docs/usage/twilios-response (error answers),
  twilio.com/docs/usage/security "Validating requests" (the signature
  algorithm and the example values above, as quoted by
  gist.github.com/ryanwinchester/ab49855e9acb7352507b8fa92ffe69d0 and the
  twilio-node ``examples/WebhookSignatureValidation.md``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

import requests

#: Seconds a request to a gateway may take (connect and read) by default.
DEFAULT_TIMEOUT = 10

#: Delays before the 2nd, 3rd and 4th attempt of an SMS whose gateway was
#: unavailable; after the last one the SMS fails with the gateway's reason.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))

#: Replies by which a customer refuses further SMS (compared without case,
#: accents and punctuation, as the first word of the reply).
OPT_OUT_WORDS = frozenset({"SAIR", "PARE", "STOP"})

# Normalised delivery states of a report.
SENT = "sent"  # accepted by the carrier, not yet delivered
DELIVERED = "delivered"
FAILED = "failed"


class GatewayError(Exception):
    """A gateway did not take a message; :attr:`reason` says why."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status


class GatewayRejected(GatewayError):
    """The gateway refused the message (4xx): do not retry."""


class GatewayUnavailable(GatewayError):
    """The gateway could not be reached or failed (5xx, timeout): retry."""


class WebhookRejected(Exception):
    """A webhook call that is not authentic or not understood."""


@dataclass(frozen=True)
class DeliveryReport:
    """A provider's news about one message it took."""

    message_id: str
    state: str  # SENT, DELIVERED or FAILED
    reason: str | None = None


@dataclass(frozen=True)
class InboundMessage:
    """A reply of a customer: ``sender`` in E.164 (``+55...``)."""

    sender: str
    text: str

    @property
    def is_opt_out(self) -> bool:
        return is_opt_out(self.text)


def retry_delay(attempts: int) -> timedelta | None:
    """The wait before the next attempt after ``attempts`` failed ones
    (gateway unavailable), ``None`` when the SMS must fail now."""
    if attempts < 1:
        raise ValueError("attempts starts at 1")
    if attempts > len(RETRY_DELAYS):
        return None
    return RETRY_DELAYS[attempts - 1]


def is_opt_out(text: str) -> bool:
    """Whether a reply asks to stop the SMS: its first word is SAIR, PARE
    or STOP, whatever the case, accents and punctuation."""
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in plain if not unicodedata.combining(c)).upper()
    words = re.findall(r"[A-Z0-9]+", plain)
    return bool(words) and words[0] in OPT_OUT_WORDS


def _digits(number: str) -> str:
    digits = re.sub(r"\D", "", number or "")
    if not digits:
        raise GatewayRejected(f"no phone number in {number!r}")
    return digits


def _e164(number: str) -> str:
    return "+" + _digits(number)


def _reason_of(response: requests.Response) -> str:
    """The provider's words for an error answer."""
    try:
        payload = response.json()
    except ValueError:
        text = (response.text or "").strip()
        return f"HTTP {response.status_code}" + (f": {text[:300]}" if text else "")
    if isinstance(payload, dict):
        parts = [
            str(payload[key])
            for key in ("code", "message", "error", "detail")
            if payload.get(key) not in (None, "")
        ]
        details = payload.get("details")
        if isinstance(details, list):
            parts += [
                str(d.get("message") or d) if isinstance(d, dict) else str(d)
                for d in details
            ]
        if parts:
            return f"HTTP {response.status_code}: " + " - ".join(parts)
    return f"HTTP {response.status_code}: {json.dumps(payload)[:300]}"


def _call(session: requests.Session, method: str, url: str, **kwargs) -> dict:
    """Do one request; 2xx → its JSON object, else the precise error."""
    try:
        response = session.request(method, url, **kwargs)
    except requests.Timeout as exc:
        raise GatewayUnavailable(f"timeout calling {url}: {exc}") from exc
    except requests.RequestException as exc:  # connection refused, DNS, TLS...
        raise GatewayUnavailable(f"cannot reach {url}: {exc}") from exc
    status = response.status_code
    if status >= 500 or status == 429:
        raise GatewayUnavailable(_reason_of(response), status)
    if status >= 400:
        raise GatewayRejected(_reason_of(response), status)
    if not 200 <= status < 300:
        raise GatewayUnavailable(f"unexpected HTTP {status}", status)
    try:
        payload = response.json()
    except ValueError as exc:
        raise GatewayRejected(f"HTTP {status}: the answer is not JSON", status) from exc
    if not isinstance(payload, dict):
        raise GatewayRejected(f"HTTP {status}: the answer is not a JSON object", status)
    return payload


class _Client:
    def __init__(self, base_url: str, timeout: float, session=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()


# --- Zenvia ---------------------------------------------------------------------

ZENVIA_STATES = {
    "SENT": SENT,
    "DELIVERED": DELIVERED,
    "READ": DELIVERED,
    "NOT_DELIVERED": FAILED,
    "REJECTED": FAILED,
}


class ZenviaClient(_Client):
    """Zenvia API v2, SMS channel."""

    BASE_URL = "https://api.zenvia.com"
    SEND_PATH = "/v2/channels/sms/messages"

    def __init__(
        self,
        token: str,
        sender: str,
        base_url=BASE_URL,
        timeout=DEFAULT_TIMEOUT,
        session=None,
    ):
        if not token:
            raise ValueError("Zenvia needs an API token")
        if not sender:
            raise ValueError("Zenvia needs a sender (from)")
        super().__init__(base_url or self.BASE_URL, timeout, session)
        self.token = token
        self.sender = sender

    def send(self, to: str, text: str, reference: str | None = None) -> str:
        """``reference`` is not sent: Zenvia's message has no such field (its
        reports name the message by the ``id`` it answers)."""
        body = {
            "from": self.sender,
            "to": _digits(to),
            "contents": [{"type": "text", "text": text}],
        }
        payload = _call(
            self.session,
            "POST",
            self.base_url + self.SEND_PATH,
            json=body,
            headers={"X-API-TOKEN": self.token, "Accept": "application/json"},
            timeout=self.timeout,
        )
        if not payload.get("id"):
            raise GatewayRejected("Zenvia answered without a message id")
        return str(payload["id"])

    @staticmethod
    def parse_event(event) -> DeliveryReport | InboundMessage | None:
        """A webhook event → a report, a reply, or ``None`` (an event we do
        not follow, e.g. READ receipts of other channels, outbound echoes)."""
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise WebhookRejected("not a Zenvia event")
        if event["type"] == "MESSAGE_STATUS":
            status = event.get("messageStatus")
            if not event.get("messageId") or not isinstance(status, dict):
                raise WebhookRejected("MESSAGE_STATUS without messageId/messageStatus")
            state = ZENVIA_STATES.get(status.get("code"))
            if state is None:
                return None
            reason = None
            if state == FAILED:
                causes = [
                    " ".join(
                        str(cause[key])
                        for key in ("channelErrorCode", "reason", "details")
                        if cause.get(key)
                    )
                    for cause in status.get("causes") or []
                    if isinstance(cause, dict)
                ]
                reason = (
                    "; ".join(c for c in causes if c)
                    or status.get("description")
                    or status["code"]
                )
            return DeliveryReport(str(event["messageId"]), state, reason)
        if event["type"] == "MESSAGE":
            message = event.get("message")
            if not isinstance(message, dict):
                raise WebhookRejected("MESSAGE without message")
            if message.get("direction", event.get("direction")) != "IN":
                return None
            text = " ".join(
                str(c.get("text") or "")
                for c in message.get("contents") or []
                if isinstance(c, dict) and c.get("type") == "text"
            )
            if not message.get("from"):
                raise WebhookRejected("MESSAGE without sender")
            return InboundMessage(_e164(str(message["from"])), text)
        return None


# --- Twilio ---------------------------------------------------------------------

TWILIO_STATES = {
    "sent": SENT,
    "delivered": DELIVERED,
    "read": DELIVERED,
    "undelivered": FAILED,
    "failed": FAILED,
}


def _sorted_params(params) -> list[tuple[str, str]]:
    if isinstance(params, Mapping):
        pairs = []
        for key, value in params.items():
            values = value if isinstance(value, list | tuple) else [value]
            pairs += [(str(key), str(v)) for v in values]
    else:
        pairs = [(str(k), str(v)) for k, v in params]
    return sorted(pairs)


def twilio_signature(auth_token: str, url: str, params=()) -> str:
    """``X-Twilio-Signature`` of a request Twilio posts to ``url`` with the
    form ``params`` (a mapping, values may be lists, or ``(name, value)``
    pairs): base64 of HMAC-SHA1 keyed with the Auth Token over the full URL
    followed by every parameter name and value, sorted by name."""
    data = url + "".join(key + value for key, value in _sorted_params(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def verify_twilio_signature(auth_token: str, url: str, params, signature: str) -> bool:
    """Whether ``signature`` is Twilio's for this URL and form (constant time)."""
    if not auth_token or not signature:
        return False
    expected = twilio_signature(auth_token, url, params)
    return hmac.compare_digest(expected.encode(), signature.encode())


class TwilioClient(_Client):
    """Twilio Programmable Messaging, Messages resource."""

    BASE_URL = "https://api.twilio.com"

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sender: str | None = None,
        messaging_service_sid: str | None = None,
        base_url=BASE_URL,
        timeout=DEFAULT_TIMEOUT,
        session=None,
    ):
        if not account_sid or not auth_token:
            raise ValueError("Twilio needs an Account SID and an Auth Token")
        if not sender and not messaging_service_sid:
            raise ValueError("Twilio needs a From number or a Messaging Service SID")
        super().__init__(base_url or self.BASE_URL, timeout, session)
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sender = sender
        self.messaging_service_sid = messaging_service_sid

    @property
    def messages_url(self) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def send(
        self, to: str, text: str, reference: str | None = None, status_callback=None
    ) -> str:
        form = {"To": _e164(to), "Body": text}
        if self.messaging_service_sid:
            form["MessagingServiceSid"] = self.messaging_service_sid
        else:
            form["From"] = self.sender
        if status_callback:
            form["StatusCallback"] = status_callback
        payload = _call(
            self.session,
            "POST",
            self.messages_url,
            data=form,
            auth=(self.account_sid, self.auth_token),
            timeout=self.timeout,
        )
        if not payload.get("sid"):
            raise GatewayRejected("Twilio answered without a message sid")
        return str(payload["sid"])

    @staticmethod
    def parse_status_callback(form: Mapping) -> DeliveryReport | None:
        sid = form.get("MessageSid") or form.get("SmsSid")
        status = form.get("MessageStatus") or form.get("SmsStatus")
        if not sid or not status:
            raise WebhookRejected("status callback without MessageSid/MessageStatus")
        state = TWILIO_STATES.get(status)
        if state is None:  # queued, accepted, sending...: nothing new
            return None
        reason = None
        if state == FAILED:
            code = form.get("ErrorCode")
            reason = f"Twilio {status}" + (f" (error {code})" if code else "")
            if form.get("ErrorMessage"):
                reason += f": {form['ErrorMessage']}"
        return DeliveryReport(str(sid), state, reason)

    @staticmethod
    def parse_inbound(form: Mapping) -> InboundMessage:
        if not form.get("From"):
            raise WebhookRejected("inbound message without From")
        return InboundMessage(_e164(str(form["From"])), str(form.get("Body") or ""))


# --- Generic HTTP gateway -------------------------------------------------------

GENERIC_STATES = {
    "sent": SENT,
    "accepted": SENT,
    "delivered": DELIVERED,
    "failed": FAILED,
    "undelivered": FAILED,
    "not_delivered": FAILED,
    "rejected": FAILED,
    "expired": FAILED,
}

PLACEHOLDERS = ("to", "text", "reference")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def render_body_template(template: str, values: Mapping[str, str]):
    """The JSON ``template`` with ``{to}``, ``{text}``, ``{reference}``
    replaced inside its string values (never spliced into the JSON text, so a
    quote in the message cannot break or inject into the body)."""
    try:
        tree = json.loads(template)
    except ValueError as exc:
        raise ValueError(f"the body template is not JSON: {exc}") from exc

    def fill(node):
        if isinstance(node, str):  # one pass: a value is never re-read
            return _PLACEHOLDER.sub(lambda m: values.get(m.group(1)) or "", node)
        if isinstance(node, list):
            return [fill(n) for n in node]
        if isinstance(node, dict):
            return {fill(k): fill(v) for k, v in node.items()}
        return node

    return fill(tree)


def json_path(payload, path: str):
    """The value at the dotted ``path`` (``data.messages.0.id``) or None."""
    node = payload
    for part in filter(None, (path or "").split(".")):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


class GenericHttpClient(_Client):
    """Any HTTP API taking one SMS per request as JSON."""

    def __init__(
        self,
        url: str,
        body_template: str,
        id_path: str = "id",
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
        timeout=DEFAULT_TIMEOUT,
        session=None,
    ):
        if not url:
            raise ValueError("the generic gateway needs a URL")
        render_body_template(body_template, {})  # fail early on a broken template
        super().__init__(url, timeout, session)
        self.url = url
        self.method = (method or "POST").upper()
        self.headers = dict(headers or {})
        self.body_template = body_template
        self.id_path = id_path

    def send(self, to: str, text: str, reference: str | None = None) -> str:
        body = render_body_template(
            self.body_template,
            {"to": _e164(to), "text": text, "reference": reference or ""},
        )
        payload = _call(
            self.session,
            self.method,
            self.url,
            json=body,
            headers=self.headers,
            timeout=self.timeout,
        )
        message_id = json_path(payload, self.id_path)
        if message_id in (None, ""):
            raise GatewayRejected(
                f"the gateway answered without an id at {self.id_path!r}"
            )
        return str(message_id)

    @staticmethod
    def parse_report(payload) -> tuple[str | None, str | None, DeliveryReport | None]:
        """``{"id", "reference", "status", "reason"}`` → (id, reference,
        report or None for a status we do not follow)."""
        if not isinstance(payload, dict) or not payload.get("status"):
            raise WebhookRejected("report without status")
        message_id = payload.get("id")
        reference = payload.get("reference")
        if not message_id and not reference:
            raise WebhookRejected("report without id or reference")
        state = GENERIC_STATES.get(str(payload["status"]).lower())
        if state is None:
            return message_id, reference, None
        reason = None
        if state == FAILED:
            reason = str(payload.get("reason") or payload["status"])
        report = DeliveryReport(str(message_id or reference), state, reason)
        return (str(message_id) if message_id else None), reference, report

    @staticmethod
    def parse_inbound(payload) -> InboundMessage:
        if not isinstance(payload, dict) or not payload.get("from"):
            raise WebhookRejected("inbound message without from")
        return InboundMessage(
            _e164(str(payload["from"])), str(payload.get("text") or "")
        )
