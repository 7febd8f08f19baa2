# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Local SMS gateways (``sandbox.sms_gateways`` of the repository, a
development package) on a free loopback port, and a company whose SMS go
through one of them."""

import json
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import HttpCase

from odoo.addons.dunning_br_sms.models.sms_sms import SmsSms

from sandbox.sms_gateways import SmsGatewaySandbox

NUMBER = "+5511987654321"


class SmsGatewayCase(HttpCase):
    kind = "zenvia"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sandbox = SmsGatewaySandbox(hang_seconds=2).start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.company = cls.env["res.company"].create({"name": "Cobranças SMS Ltda"})
        cls.gateway = cls._make_gateway(cls.company, cls.kind)
        cls.customer = cls.env["res.partner"].create(
            {"name": "Padaria Pão Quente", "mobile": NUMBER, "company_id": False}
        )

    @classmethod
    def _make_gateway(cls, company, kind):
        sandbox = cls.sandbox
        values = {
            "name": f"{kind} (local)",
            "company_id": company.id,
            "kind": kind,
            "timeout": 1,
            "cost_per_segment": 0.09,
        }
        if kind == "zenvia":
            values.update(
                api_url=sandbox.origin,
                api_token=sandbox.zenvia_token,
                sender="cobranca",
            )
        elif kind == "twilio":
            values.update(
                api_url=sandbox.origin,
                api_token=sandbox.twilio_token,
                twilio_account_sid=sandbox.twilio_sid,
                sender="+15005550006",
            )
        else:
            values.update(
                api_url=sandbox.generic_url,
                http_headers=json.dumps(
                    {"Authorization": f"Bearer {sandbox.generic_token}"}
                ),
                body_template=json.dumps(
                    {"to": "{to}", "text": "{text}", "reference": "{reference}"}
                ),
                response_id_path="data.id",
            )
        return cls.env["dunning.sms.gateway"].create(values)

    def setUp(self):
        super().setUp()
        self.sandbox.messages.clear()
        self.sandbox.requests.clear()
        self.sandbox._faults.clear()
        self.created_sms = self.env["sms.sms"]

    def _sms(self, body="Aurora: R$ 150,00 vencidos em 10/11. Pague: https://x.co/p"):
        sms = self.env["sms.sms"].create(
            {
                "number": NUMBER,
                "body": body,
                "partner_id": self.customer.id,
                "dunning_company_id": self.company.id,
            }
        )
        self.created_sms |= sms
        return sms

    def _process_queue(self):
        """Core's queue processing, limited to this test's SMS (other SMS
        of the database are none of its business)."""
        if not self.created_sms:
            return
        self.env["sms.sms"]._process_queue(ids=self.created_sms.ids)
        self.env.invalidate_all()

    @contextmanager
    def _hook_calls(self):
        """The (id, state) of the SMS on which the gateways called
        ``_dunning_sms_status_changed``, in order."""
        calls = []
        original = SmsSms._dunning_sms_status_changed

        def record(records):
            calls.extend((sms.id, sms.state) for sms in records)
            return original(records)

        with patch.object(SmsSms, "_dunning_sms_status_changed", record):
            yield calls

    def _status_url(self, gateway=None):
        return (gateway or self.gateway).sudo().status_webhook_url

    def _inbound_url(self, gateway=None):
        return (gateway or self.gateway).sudo().inbound_webhook_url
