# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Webhooks of the SMS gateways: delivery reports and customers' replies.

Called by the providers, so public, without CSRF token (they cannot have
one) and without session. Each call is authenticated before anything is
read: Zenvia and the generic gateway by the secret in their URL, Twilio by
``X-Twilio-Signature`` over the exact URL we gave it. A forged call gets 403
and changes nothing; a report for a message this gateway did not send
(unknown, or another company's) gets the same 404 either way.
"""

import json
import logging

from cobranca import sms_gateways
from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)

ROUTE = "/dunning_sms"


class DunningSmsWebhook(http.Controller):
    # --- Zenvia: one subscription URL for MESSAGE_STATUS and MESSAGE events ---------

    @http.route(
        f"{ROUTE}/zenvia/<int:gateway_id>/<string:secret>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def dunning_sms_zenvia(self, gateway_id, secret, **_kwargs):
        gateway = self._gateway(gateway_id, "zenvia")
        if not gateway._dunning_check_secret(secret):
            raise Forbidden()
        try:
            event = sms_gateways.ZenviaClient.parse_event(self._json_body())
        except sms_gateways.WebhookRejected as error:
            raise BadRequest(str(error)) from error
        return self._dispatch(gateway, event)

    # --- Twilio: signed form posts --------------------------------------------------

    @http.route(
        [
            f"{ROUTE}/twilio/<int:gateway_id>/status",
            f"{ROUTE}/twilio/<int:gateway_id>/inbound",
        ],
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def dunning_sms_twilio(self, gateway_id, **_kwargs):
        gateway = self._gateway(gateway_id, "twilio")
        inbound = request.httprequest.path.endswith("/inbound")
        url = gateway.inbound_webhook_url if inbound else gateway.status_webhook_url
        query = request.httprequest.query_string.decode()
        if query:
            url = f"{url}?{query}"
        form = list(request.httprequest.form.items(multi=True))
        signature = request.httprequest.headers.get("X-Twilio-Signature", "")
        if not sms_gateways.verify_twilio_signature(
            gateway.api_token or "", url, form, signature
        ):
            _logger.info("SMS gateway %s: Twilio call with a bad signature", gateway.id)
            raise Forbidden()
        values = dict(form)
        try:
            if inbound:
                event = sms_gateways.TwilioClient.parse_inbound(values)
            else:
                event = sms_gateways.TwilioClient.parse_status_callback(values)
        except sms_gateways.WebhookRejected as error:
            raise BadRequest(str(error)) from error
        self._dispatch(gateway, event)
        return request.make_response(
            "<Response></Response>", headers=[("Content-Type", "text/xml")]
        )

    # --- generic: JSON posts to URLs holding the secret -------------------------------

    @http.route(
        [
            f"{ROUTE}/generic/<int:gateway_id>/<string:secret>/status",
            f"{ROUTE}/generic/<int:gateway_id>/<string:secret>/inbound",
        ],
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def dunning_sms_generic(self, gateway_id, secret, **_kwargs):
        gateway = self._gateway(gateway_id, "generic")
        if not gateway._dunning_check_secret(secret):
            raise Forbidden()
        payload = self._json_body()
        try:
            if request.httprequest.path.endswith("/inbound"):
                return self._dispatch(
                    gateway, sms_gateways.GenericHttpClient.parse_inbound(payload)
                )
            message_id, reference, report = sms_gateways.GenericHttpClient.parse_report(
                payload
            )
        except sms_gateways.WebhookRejected as error:
            raise BadRequest(str(error)) from error
        sms = gateway._dunning_find_sms(message_id=message_id)
        if not sms and not message_id:
            sms = gateway._dunning_find_sms(uuid=reference)
        if not sms:
            raise NotFound()
        if report:
            sms._dunning_apply_report(report)
        return self._ok()

    # --- helpers ----------------------------------------------------------------------

    @staticmethod
    def _gateway(gateway_id, kind):
        """The active gateway of that id and kind (as superuser: the caller is
        anonymous until its secret or signature is checked), else 403."""
        gateway = request.env["dunning.sms.gateway"].sudo().browse(gateway_id).exists()
        if not gateway or gateway.kind != kind or not gateway.active:
            raise Forbidden()
        return gateway

    @staticmethod
    def _json_body():
        try:
            return json.loads(request.httprequest.get_data() or b"null")
        except ValueError as error:
            raise BadRequest("the body is not JSON") from error

    def _dispatch(self, gateway, event):
        if isinstance(event, sms_gateways.DeliveryReport):
            sms = gateway._dunning_find_sms(message_id=event.message_id)
            if not sms:
                raise NotFound()
            sms._dunning_apply_report(event)
        elif isinstance(event, sms_gateways.InboundMessage):
            gateway._dunning_inbound(event)
        return self._ok()

    @staticmethod
    def _ok():
        return request.make_json_response({"status": "ok"})
