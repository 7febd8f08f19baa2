# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The SMS gateway clients against the local gateways of ``sandbox`` (real
HTTP on 127.0.0.1), their faults, and the webhooks they post back."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
from cobranca.sms_gateways import (
    DELIVERED,
    FAILED,
    SENT,
    DeliveryReport,
    GatewayRejected,
    GatewayUnavailable,
    GenericHttpClient,
    InboundMessage,
    TwilioClient,
    WebhookRejected,
    ZenviaClient,
    is_opt_out,
    json_path,
    render_body_template,
    retry_delay,
    twilio_signature,
    verify_twilio_signature,
)
from hypothesis import given
from hypothesis import strategies as st

sandbox_module = pytest.importorskip("sandbox.sms_gateways")
SmsGatewaySandbox = sandbox_module.SmsGatewaySandbox

GENERIC_TEMPLATE = json.dumps(
    {"to": "{to}", "text": "{text}", "reference": "{reference}", "channel": "sms"}
)


class Receiver:
    """A webhook endpoint recording what is posted to it."""

    def __init__(self):
        self.posts = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.posts.append((self.path, dict(self.headers.items()), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?gw=7"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateways():
    with SmsGatewaySandbox(hang_seconds=2) as sandbox:
        yield sandbox


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def zenvia(sandbox, **kw):
    return ZenviaClient(
        sandbox.zenvia_token, "cobranca", base_url=sandbox.origin, timeout=1, **kw
    )


def twilio(sandbox, token=None):
    return TwilioClient(
        sandbox.twilio_sid,
        token or sandbox.twilio_token,
        sender="+15005550006",
        base_url=sandbox.origin,
        timeout=1,
    )


def generic(sandbox, token=None):
    return GenericHttpClient(
        sandbox.generic_url,
        GENERIC_TEMPLATE,
        id_path="data.id",
        headers={"Authorization": f"Bearer {token or sandbox.generic_token}"},
        timeout=1,
    )


# --- Twilio's signature -----------------------------------------------------------


def test_twilio_signature_matches_twilios_published_example():
    # twilio.com/docs/usage/security, "Validating requests": these values and
    # this signature are Twilio's own example.
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    assert twilio_signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert verify_twilio_signature("12345", url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not verify_twilio_signature(
        "54321", url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )
    assert not verify_twilio_signature(
        "12345", url, {**params, "Digits": "9"}, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )
    assert not verify_twilio_signature("12345", url, params, "")


def test_twilio_signature_pairs_and_mapping_agree():
    params = [("b", "2"), ("a", "1")]
    assert twilio_signature("t", "https://x/y", params) == twilio_signature(
        "t", "https://x/y", {"a": "1", "b": "2"}
    )


# --- sending ----------------------------------------------------------------------


def test_zenvia_send_reaches_the_gateway_with_token_and_body(gateways):
    message_id = zenvia(gateways).send(
        "+55 (11) 98765-4321", "Olá, fatura vencida", "ref1"
    )
    message = gateways.message(message_id)
    assert message.to == "5511987654321"
    assert message.sender == "cobranca"
    assert message.text == "Olá, fatura vencida"
    assert message.headers["X-API-TOKEN"] == gateways.zenvia_token


def test_zenvia_wrong_token_is_rejected_with_the_reason(gateways):
    client = ZenviaClient("wrong", "cobranca", base_url=gateways.origin, timeout=1)
    with pytest.raises(GatewayRejected) as error:
        client.send("+5511987654321", "x")
    assert error.value.status == 401
    assert "UNAUTHORIZED" in error.value.reason
    assert not gateways.messages


def test_twilio_send_uses_basic_auth_and_status_callback(gateways):
    sid = twilio(gateways).send(
        "5511987654321", "Lembrete", status_callback="https://odoo.example/cb"
    )
    message = gateways.message(sid)
    assert sid.startswith("SM")
    assert message.to == "+5511987654321"
    assert message.status_callback == "https://odoo.example/cb"


def test_twilio_wrong_token_is_rejected(gateways):
    with pytest.raises(GatewayRejected) as error:
        twilio(gateways, token="nope").send("+5511987654321", "x")
    assert "20003" in error.value.reason


def test_generic_send_renders_the_template(gateways):
    text = 'Aviso "urgente": pague {hoje}'
    message_id = generic(gateways).send("+5511987654321", text, "sms-42")
    message = gateways.message(message_id)
    assert message.text == text  # quotes and braces stay text, no injection
    assert message.reference == "sms-42"
    assert message.to == "+5511987654321"


def test_generic_answer_without_id_is_a_rejection(gateways):
    client = GenericHttpClient(
        gateways.generic_url,
        GENERIC_TEMPLATE,
        id_path="data.nope",
        headers={"Authorization": f"Bearer {gateways.generic_token}"},
        timeout=1,
    )
    with pytest.raises(GatewayRejected):
        client.send("+5511987654321", "x")


# --- faults -----------------------------------------------------------------------


@pytest.mark.parametrize("make", [zenvia, twilio, generic])
def test_4xx_is_rejected_with_the_providers_reason(gateways, make):
    gateways.inject("4xx")
    with pytest.raises(GatewayRejected) as error:
        make(gateways).send("+5511987654321", "x")
    assert error.value.status == 400
    assert error.value.reason.startswith("HTTP 400: ")
    assert not gateways.messages


@pytest.mark.parametrize("make", [zenvia, twilio, generic])
def test_5xx_is_unavailable_then_the_next_request_passes(gateways, make):
    gateways.inject("5xx")
    with pytest.raises(GatewayUnavailable) as error:
        make(gateways).send("+5511987654321", "x")
    assert error.value.status == 503
    assert make(gateways).send("+5511987654321", "x")
    assert len(gateways.messages) == 1


@pytest.mark.parametrize("make", [zenvia, twilio, generic])
def test_timeout_is_unavailable(gateways, make):
    gateways.inject("timeout")
    with pytest.raises(GatewayUnavailable) as error:
        make(gateways).send("+5511987654321", "x")
    assert "timeout" in error.value.reason
    assert not gateways.messages


def test_connection_refused_is_unavailable():
    with SmsGatewaySandbox() as sandbox:
        origin = sandbox.origin
    client = ZenviaClient("t", "s", base_url=origin, timeout=1)
    with pytest.raises(GatewayUnavailable):
        client.send("+5511987654321", "x")


def test_no_number_is_rejected_before_any_request(gateways):
    with pytest.raises(GatewayRejected):
        zenvia(gateways).send("", "x")
    assert not gateways.requests


# --- webhooks ---------------------------------------------------------------------


def test_zenvia_delivery_reports_are_parsed(gateways, receiver):
    client = zenvia(gateways)
    first = client.send("+5511987654321", "a")
    second = client.send("+5511987654321", "b")
    gateways.deliver(first, "delivered", url=receiver.url)
    gateways.deliver(second, "failed", "Número inexistente", url=receiver.url)
    events = [json.loads(body) for _path, _headers, body in receiver.posts]
    assert ZenviaClient.parse_event(events[0]) == DeliveryReport(first, DELIVERED)
    failed = ZenviaClient.parse_event(events[1])
    assert failed.state == FAILED
    assert "Número inexistente" in failed.reason


def test_zenvia_inbound_reply(gateways, receiver):
    gateways.inbound("zenvia", "+5511987654321", "Sair!", receiver.url)
    reply = ZenviaClient.parse_event(json.loads(receiver.posts[0][2]))
    assert reply == InboundMessage("+5511987654321", "Sair!")
    assert reply.is_opt_out


def test_zenvia_events_not_understood_are_rejected():
    with pytest.raises(WebhookRejected):
        ZenviaClient.parse_event({"foo": 1})
    with pytest.raises(WebhookRejected):
        ZenviaClient.parse_event({"type": "MESSAGE_STATUS"})
    assert (
        ZenviaClient.parse_event(
            {
                "type": "MESSAGE_STATUS",
                "messageId": "x",
                "messageStatus": {"code": "CLICKED"},
            }
        )
        is None
    )


def _form(body):
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


def test_twilio_status_callback_is_signed_and_parsed(gateways, receiver):
    sid = twilio(gateways).send("+5511987654321", "x", status_callback=receiver.url)
    gateways.deliver(sid, "failed", "30006")
    _path, headers, body = receiver.posts[0]
    form = _form(body)
    assert verify_twilio_signature(
        gateways.twilio_token, receiver.url, form, headers["X-Twilio-Signature"]
    )
    report = TwilioClient.parse_status_callback(form)
    assert report.message_id == sid
    assert report.state == FAILED
    assert "30006" in report.reason
    gateways.deliver(sid, "sent")
    assert TwilioClient.parse_status_callback(_form(receiver.posts[1][2])).state == SENT


def test_twilio_forged_callback_fails_verification(gateways, receiver):
    sid = twilio(gateways).send("+5511987654321", "x", status_callback=receiver.url)
    gateways.deliver(sid, "delivered", token="not-the-auth-token")
    _path, headers, body = receiver.posts[0]
    form = _form(body)
    signature = headers["X-Twilio-Signature"]
    assert not verify_twilio_signature(
        gateways.twilio_token, receiver.url, form, signature
    )
    # the right signature over another URL or another body does not pass either
    gateways.deliver(sid, "delivered")
    _path, headers, body = receiver.posts[1]
    form = _form(body)
    signature = headers["X-Twilio-Signature"]
    assert verify_twilio_signature(gateways.twilio_token, receiver.url, form, signature)
    assert not verify_twilio_signature(
        gateways.twilio_token, receiver.url + "&x=1", form, signature
    )
    assert not verify_twilio_signature(
        gateways.twilio_token,
        receiver.url,
        {**form, "MessageStatus": "failed"},
        signature,
    )


def test_twilio_inbound(gateways, receiver):
    gateways.inbound(
        "twilio", "+5511987654321", "PARE", receiver.url, to="+15005550006"
    )
    _path, headers, body = receiver.posts[0]
    form = _form(body)
    assert verify_twilio_signature(
        gateways.twilio_token, receiver.url, form, headers["X-Twilio-Signature"]
    )
    assert TwilioClient.parse_inbound(form) == InboundMessage("+5511987654321", "PARE")
    assert (
        TwilioClient.parse_status_callback(
            {"MessageSid": "SM1", "MessageStatus": "queued"}
        )
        is None
    )


def test_generic_report(gateways, receiver):
    message_id = generic(gateways).send("+5511987654321", "x", "sms-7")
    gateways.deliver(message_id, "delivered", url=receiver.url)
    found_id, reference, report = GenericHttpClient.parse_report(
        json.loads(receiver.posts[0][2])
    )
    assert (found_id, reference, report.state) == (message_id, "sms-7", DELIVERED)
    with pytest.raises(WebhookRejected):
        GenericHttpClient.parse_report({"status": "delivered"})


# --- rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["SAIR", "sair", "Sáir", " pare.", "PARE por favor", "Stop", "STOP!"]
)
def test_opt_out_words(text):
    assert is_opt_out(text)


@pytest.mark.parametrize("text", ["", "ok", "vou pagar", "Não quero sair", "SAIRA"])
def test_not_opt_out(text):
    assert not is_opt_out(text)


def test_retry_delays():
    assert retry_delay(1) == timedelta(minutes=1)
    assert retry_delay(2) == timedelta(minutes=5)
    assert retry_delay(3) == timedelta(minutes=15)
    assert retry_delay(4) is None
    with pytest.raises(ValueError):
        retry_delay(0)


def test_json_path():
    assert json_path({"data": {"items": [{"id": 5}]}}, "data.items.0.id") == 5
    assert json_path({"data": []}, "data.3") is None


@given(st.text())
def test_body_template_keeps_any_text_verbatim(text):
    body = render_body_template(GENERIC_TEMPLATE, {"to": "+55", "text": text})
    assert body["text"] == text
    assert body["channel"] == "sms"


def test_body_template_must_be_json():
    with pytest.raises(ValueError):
        render_body_template("{to}", {})
