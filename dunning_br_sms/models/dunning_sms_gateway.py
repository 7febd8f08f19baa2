# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import secrets

from cobranca import sms_gateways

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

DEFAULT_BODY_TEMPLATE = json.dumps(
    {"to": "{to}", "text": "{text}", "reference": "{reference}"}, indent=2
)

#: failure_type of core's sms.sms for a gateway's 4xx refusal, by HTTP status.
REJECTION_FAILURE_TYPES = {401: "sms_acc", 403: "sms_acc", 402: "sms_credit"}


class DunningSmsGateway(models.Model):
    _name = "dunning.sms.gateway"
    _description = "SMS Gateway"
    _order = "company_id, sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        [
            ("zenvia", "Zenvia (API v2)"),
            ("twilio", "Twilio"),
            ("generic", "Generic HTTP API"),
            ("iap", "Odoo IAP"),
        ],
        string="Provider",
        required=True,
        default="zenvia",
        help="Odoo IAP leaves the SMS of the company to Odoo's own SMS service.",
    )
    sender = fields.Char(
        help="Zenvia: the sender id (from) of the account. Twilio: the From number "
        "in E.164 (or set a Messaging Service SID).",
    )
    api_url = fields.Char(
        string="API URL",
        help="Zenvia and Twilio: leave empty for the provider's address. Generic: "
        "the URL that takes one SMS per request.",
    )
    api_token = fields.Char(
        string="API Token",
        groups="base.group_system",
        copy=False,
        help="Zenvia: the X-API-TOKEN. Twilio: the Auth Token (also checks the "
        "signature of Twilio's callbacks).",
    )
    twilio_account_sid = fields.Char(
        string="Account SID", groups="base.group_system", copy=False
    )
    twilio_messaging_service_sid = fields.Char(
        string="Messaging Service SID", groups="base.group_system"
    )
    http_method = fields.Selection(
        [("POST", "POST"), ("PUT", "PUT")], string="HTTP Method", default="POST"
    )
    http_headers = fields.Text(
        string="HTTP Headers",
        groups="base.group_system",
        copy=False,
        help='Generic: a JSON object of headers, e.g. {"Authorization": "Bearer ..."}.',
    )
    body_template = fields.Text(
        default=DEFAULT_BODY_TEMPLATE,
        help="Generic: the JSON body; {to}, {text} and {reference} are replaced "
        "in its texts.",
    )
    response_id_path = fields.Char(
        string="Message Id Path",
        default="id",
        help="Generic: where the message id is in the JSON answer, e.g. data.id.",
    )
    callback_secret = fields.Char(
        groups="base.group_system",
        copy=False,
        default=lambda self: secrets.token_urlsafe(24),
        help="Part of the webhook addresses of Zenvia and of the generic gateway: "
        "a report to another address is refused.",
    )
    timeout = fields.Integer(
        string="Timeout (s)",
        default=10,
        help="Seconds to wait for the gateway before trying again later.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost_per_segment = fields.Monetary(
        help="Price of one SMS segment, for the cost estimates of the previews.",
    )
    status_webhook_url = fields.Char(
        string="Delivery Reports URL",
        compute="_compute_webhook_urls",
        groups="base.group_system",
    )
    inbound_webhook_url = fields.Char(
        string="Replies URL",
        compute="_compute_webhook_urls",
        groups="base.group_system",
    )

    @api.depends("kind", "callback_secret")
    def _compute_webhook_urls(self):
        for gateway in self:
            status = inbound = False
            if gateway.id and gateway.kind != "iap":
                base = (
                    f"{gateway.get_base_url()}/dunning_sms/{gateway.kind}/{gateway.id}"
                )
                if gateway.kind == "twilio":
                    status, inbound = f"{base}/status", f"{base}/inbound"
                elif gateway.kind == "zenvia":
                    status = inbound = f"{base}/{gateway.callback_secret}"
                else:
                    status = f"{base}/{gateway.callback_secret}/status"
                    inbound = f"{base}/{gateway.callback_secret}/inbound"
            gateway.status_webhook_url = status
            gateway.inbound_webhook_url = inbound

    @api.constrains("active", "company_id")
    def _check_one_per_company(self):
        for gateway in self.filtered("active"):
            others = self.search_count(
                [
                    ("company_id", "=", gateway.company_id.id),
                    ("id", "!=", gateway.id),
                ]
            )
            if others:
                raise ValidationError(
                    self.env._(
                        "%(company)s already has an active SMS gateway: archive it "
                        "first.",
                        company=gateway.company_id.display_name,
                    )
                )

    @api.constrains("kind", "http_headers", "body_template")
    def _check_generic(self):
        for gateway in self.sudo().filtered(lambda g: g.kind == "generic"):
            try:
                sms_gateways.render_body_template(gateway.body_template or "", {})
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "The body template of %(name)s is not valid JSON: %(error)s",
                        name=gateway.name,
                        error=error,
                    )
                ) from error
            if gateway.http_headers:
                try:
                    headers = json.loads(gateway.http_headers)
                except ValueError:
                    headers = None
                if not isinstance(headers, dict):
                    raise ValidationError(
                        self.env._(
                            "The HTTP headers of %(name)s must be a JSON object.",
                            name=gateway.name,
                        )
                    )

    @api.model
    def _dunning_for_companies(self, companies):
        """{company id: gateway} of the companies whose SMS go through one of
        our gateways (not Odoo IAP)."""
        gateways = (
            self.sudo()
            .with_context(active_test=True)
            .search([("company_id", "in", companies.ids), ("kind", "!=", "iap")])
        )
        return {gateway.company_id.id: gateway for gateway in gateways}

    def _dunning_client(self):
        """The ``cobranca.sms_gateways`` client of this gateway (credentials
        read as superuser: the caller is the SMS queue or a webhook)."""
        self.ensure_one()
        gateway = self.sudo()
        timeout = gateway.timeout or sms_gateways.DEFAULT_TIMEOUT
        if gateway.kind == "zenvia":
            return sms_gateways.ZenviaClient(
                gateway.api_token,
                gateway.sender,
                base_url=gateway.api_url or sms_gateways.ZenviaClient.BASE_URL,
                timeout=timeout,
            )
        if gateway.kind == "twilio":
            return sms_gateways.TwilioClient(
                gateway.twilio_account_sid,
                gateway.api_token,
                sender=gateway.sender,
                messaging_service_sid=gateway.twilio_messaging_service_sid,
                base_url=gateway.api_url or sms_gateways.TwilioClient.BASE_URL,
                timeout=timeout,
            )
        if gateway.kind == "generic":
            return sms_gateways.GenericHttpClient(
                gateway.api_url,
                gateway.body_template or "",
                id_path=gateway.response_id_path or "id",
                method=gateway.http_method or "POST",
                headers=json.loads(gateway.http_headers or "{}"),
                timeout=timeout,
            )
        raise UserError(self.env._("Odoo IAP is not sent through a gateway."))

    def _dunning_send(self, sms):
        """Hand ``sms`` to the gateway; its message id, or the library's
        GatewayRejected / GatewayUnavailable (or ValueError when the gateway
        is not configured)."""
        self.ensure_one()
        client = self._dunning_client()
        if self.kind == "twilio":
            return client.send(
                sms.number,
                sms.body or "",
                sms.uuid,
                status_callback=self.sudo().status_webhook_url,
            )
        return client.send(sms.number, sms.body or "", sms.uuid)

    def _dunning_check_secret(self, secret):
        self.ensure_one()
        expected = self.sudo().callback_secret or ""
        return bool(expected) and secrets.compare_digest(
            expected.encode(), (secret or "").encode()
        )

    def _dunning_find_sms(self, message_id=None, uuid=None):
        """The SMS this gateway sent with that provider id (or our uuid, for
        the generic reports), nothing for any other gateway's."""
        self.ensure_one()
        domain = [("dunning_gateway_id", "=", self.id)]
        if message_id:
            domain.append(("dunning_provider_message_id", "=", message_id))
        elif uuid:
            domain.append(("uuid", "=", uuid))
        else:
            return self.env["sms.sms"]
        return self.env["sms.sms"].sudo().search(domain, limit=1)

    def _dunning_inbound(self, inbound):
        """A customer's reply: an opt-out word opts the customer out of SMS.
        The customer is the partner of the last SMS this gateway sent to that
        number, else a partner of the company with that mobile/phone."""
        self.ensure_one()
        if not inbound.is_opt_out:
            return self.env["res.partner"]
        number = inbound.sender
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search(
                [
                    ("dunning_gateway_id", "=", self.id),
                    ("number", "in", [number, number.lstrip("+")]),
                    ("partner_id", "!=", False),
                ],
                order="id desc",
                limit=1,
            )
        )
        partners = sms.partner_id
        if not partners:
            partners = (
                self.env["res.partner"]
                .sudo()
                .search(
                    [
                        ("phone_sanitized", "=", number),
                        ("company_id", "in", [False, self.company_id.id]),
                    ]
                )
            )
        if partners:
            partners._dunning_sms_opt_out(
                self.env._(
                    "reply “%(text)s” from %(number)s through %(gateway)s",
                    text=inbound.text[:40],
                    number=number,
                    gateway=self.name,
                )
            )
        return partners
