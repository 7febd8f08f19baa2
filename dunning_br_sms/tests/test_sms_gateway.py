# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Each SMS gateway end to end against its local server: core's SMS queue
sends through it, the server posts back delivery reports and replies
(signed like the provider) to the webhooks, faults are retried or not."""

from datetime import timedelta

import requests
from cobranca.sms_gateways import twilio_signature
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import NUMBER, SmsGatewayCase


class GatewayScenarios:
    """What every gateway does; ``kind`` set by the concrete classes."""

    allow_inherited_tests_method = True  # Odoo's loader: run these tests too

    def _check_arrived(self, message, sms):
        raise NotImplementedError

    def _forge(self, message_id):
        """Post a delivery report that is not the provider's; its answer."""
        raise NotImplementedError

    def test_sent_then_delivered(self):
        sms = self._sms()
        with self._hook_calls() as calls:
            self._process_queue()
            self.assertEqual(len(self.sandbox.messages), 1)
            message = self.sandbox.messages[0]
            self._check_arrived(message, sms)
            self.assertEqual(sms.state, "pending")  # core's "Sent"
            self.assertEqual(sms.dunning_provider_message_id, message.id)
            self.assertEqual(sms.dunning_gateway_id, self.gateway)
            self.assertEqual(calls, [(sms.id, "pending")])

            answer = self.sandbox.deliver(
                message.id, "delivered", url=self._status_url()
            )
            self.assertEqual(answer.status_code, 200)
            self.env.invalidate_all()
            self.assertEqual(sms.state, "sent")  # core's "Delivered"
            self.assertTrue(sms.dunning_delivered_date)
            self.assertEqual(calls[-1], (sms.id, "sent"))
            # the same report again changes nothing, calls nothing
            self.sandbox.deliver(message.id, "delivered", url=self._status_url())
            self.assertEqual(len(calls), 2)
        # the queue sends it only once
        self._process_queue()
        self.assertEqual(len(self.sandbox.messages), 1)

    def test_not_delivered_with_the_providers_reason(self):
        sms = self._sms()
        self._process_queue()
        with self._hook_calls() as calls:
            answer = self.sandbox.deliver(
                sms.dunning_provider_message_id,
                "failed",
                self.failure_reason,
                url=self._status_url(),
            )
            self.assertEqual(answer.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(sms.state, "error")
        self.assertIn(self.failure_reason, sms.dunning_failure_reason)
        self.assertEqual(calls, [(sms.id, "error")])

    def test_rejected_4xx_fails_without_retry(self):
        sms = self._sms()
        self.sandbox.inject("4xx")
        with self._hook_calls() as calls:
            self._process_queue()
        self.assertEqual(sms.state, "error")
        self.assertIn("HTTP 400", sms.dunning_failure_reason)
        self.assertFalse(sms.dunning_next_attempt)
        self.assertEqual(calls, [(sms.id, "error")])
        with freeze_time(fields.Datetime.now() + timedelta(hours=1)):
            self._process_queue()
        self.assertEqual(len(self.sandbox.requests), 1)
        self.assertFalse(self.sandbox.messages)

    def test_unavailable_5xx_is_retried_later(self):
        sms = self._sms()
        self.sandbox.inject("5xx")
        start = fields.Datetime.now()
        with freeze_time(start):
            self._process_queue()
        self.assertEqual(sms.state, "outgoing")
        self.assertEqual(sms.dunning_attempts, 1)
        self.assertEqual(sms.dunning_next_attempt, start + timedelta(minutes=1))
        self.assertIn("503", sms.dunning_failure_reason)
        with freeze_time(start + timedelta(seconds=30)):
            self._process_queue()  # too early: not even tried
        self.assertEqual(len(self.sandbox.requests), 1)
        with freeze_time(start + timedelta(minutes=1, seconds=1)):
            self._process_queue()
        self.assertEqual(sms.state, "pending")
        self.assertEqual(len(self.sandbox.messages), 1)
        self.assertEqual(sms.dunning_attempts, 2)
        self.assertFalse(sms.dunning_failure_reason)

    def test_timeout_is_retried_later(self):
        sms = self._sms()
        self.sandbox.inject("timeout")
        self._process_queue()
        self.assertEqual(sms.state, "outgoing")
        self.assertEqual(sms.dunning_attempts, 1)
        self.assertIn("timeout", sms.dunning_failure_reason)
        self.assertTrue(sms.dunning_next_attempt)

    def test_unavailable_too_long_fails_with_the_reason(self):
        sms = self._sms()
        self.sandbox.inject("5xx", count=4)
        moment = fields.Datetime.now()
        for wait in (0, 1, 5, 15):
            moment += timedelta(minutes=wait, seconds=1)
            with freeze_time(moment):
                self._process_queue()
        self.assertEqual(len(self.sandbox.requests), 4)
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_server")
        self.assertIn("503", sms.dunning_failure_reason)

    def test_forged_report_changes_nothing(self):
        sms = self._sms()
        self._process_queue()
        with self._hook_calls() as calls:
            answer = self._forge(sms.dunning_provider_message_id)
        self.assertEqual(answer.status_code, 403)
        self.env.invalidate_all()
        self.assertEqual(sms.state, "pending")
        self.assertFalse(calls)

    def test_unknown_and_other_companys_messages_are_not_found(self):
        other_company = self.env["res.company"].create({"name": "Outra Empresa Ltda"})
        other_gateway = self._make_gateway(other_company, self.kind)
        theirs = self._sms()
        theirs.dunning_company_id = other_company
        self._process_queue()
        self.assertEqual(theirs.dunning_gateway_id, other_gateway)
        message = self.sandbox.message(theirs.dunning_provider_message_id)
        # their message reported to our gateway's webhook: not found
        answer = self.sandbox.deliver(message.id, "delivered", url=self._status_url())
        self.assertEqual(answer.status_code, 404)
        self.env.invalidate_all()
        self.assertEqual(theirs.state, "pending")
        # a message nobody sent: the same answer
        message.id = "does-not-exist"
        answer = self.sandbox.deliver(message.id, "delivered", url=self._status_url())
        self.assertEqual(answer.status_code, 404)

    def test_reply_pare_opts_the_customer_out(self):
        self._sms()
        self._process_queue()
        answer = self.sandbox.inbound(
            self.kind, NUMBER, "Pare, por favor", self._inbound_url()
        )
        self.assertEqual(answer.status_code, 200)
        self.env.invalidate_all()
        self.assertTrue(self.customer.dunning_opt_out_sms)
        note = self.customer.message_ids[0].body
        self.assertIn("Pare, por favor", note)
        self.assertIn(NUMBER, note)

    def test_other_replies_change_nothing(self):
        answer = self.sandbox.inbound(
            self.kind, NUMBER, "Já paguei", self._inbound_url()
        )
        self.assertEqual(answer.status_code, 200)
        self.env.invalidate_all()
        self.assertFalse(self.customer.dunning_opt_out_sms)


@tagged("post_install", "-at_install")
class TestZenviaGateway(GatewayScenarios, SmsGatewayCase):
    kind = "zenvia"
    failure_reason = "Número inexistente"

    def _check_arrived(self, message, sms):
        self.assertEqual(message.headers["X-API-TOKEN"], self.sandbox.zenvia_token)
        self.assertEqual(message.to, "5511987654321")
        self.assertEqual(message.sender, "cobranca")
        self.assertEqual(message.text, sms.body)

    def _forge(self, message_id):
        url = self._status_url().rsplit("/", 1)[0] + "/not-the-secret"
        return self.sandbox.deliver(message_id, "delivered", url=url)


@tagged("post_install", "-at_install")
class TestTwilioGateway(GatewayScenarios, SmsGatewayCase):
    kind = "twilio"
    failure_reason = "30005"

    def _check_arrived(self, message, sms):
        self.assertEqual(message.to, NUMBER)
        self.assertEqual(message.sender, "+15005550006")
        self.assertEqual(message.text, sms.body)
        self.assertEqual(message.status_callback, self._status_url())

    def _forge(self, message_id):
        return self.sandbox.deliver(message_id, "delivered", token="stolen-guess")

    def test_signature_over_another_url_is_refused(self):
        sms = self._sms()
        self._process_queue()
        form = {
            "MessageSid": sms.dunning_provider_message_id,
            "MessageStatus": "undelivered",
            "ErrorCode": "30003",
        }
        signature = twilio_signature(
            self.sandbox.twilio_token, self._status_url(), form
        )
        for url in (self._status_url() + "?replay=1", self._inbound_url()):
            answer = requests.post(
                url, data=form, headers={"X-Twilio-Signature": signature}, timeout=30
            )
            self.assertEqual(answer.status_code, 403)
        answer = requests.post(self._status_url(), data=form, timeout=30)
        self.assertEqual(answer.status_code, 403)  # no signature at all
        self.env.invalidate_all()
        self.assertEqual(sms.state, "pending")


@tagged("post_install", "-at_install")
class TestGenericGateway(GatewayScenarios, SmsGatewayCase):
    kind = "generic"
    failure_reason = "absent subscriber"

    def _check_arrived(self, message, sms):
        self.assertEqual(
            message.headers["Authorization"], f"Bearer {self.sandbox.generic_token}"
        )
        self.assertEqual(message.to, NUMBER)
        self.assertEqual(message.text, sms.body)
        self.assertEqual(message.reference, sms.uuid)

    def _forge(self, message_id):
        url = self._status_url().replace(
            self.gateway.sudo().callback_secret, "guessed-secret"
        )
        return self.sandbox.deliver(message_id, "delivered", url=url)


@tagged("post_install", "-at_install")
class TestGatewayRouting(SmsGatewayCase):
    kind = "zenvia"

    def _check_sent_by_odoo_iap(self, sms):
        # Core's IAP path, untouched: in tests IAP refuses to be called
        # ("Unavailable during tests"), which core records as a server error.
        self.assertFalse(self.sandbox.requests)
        self.assertFalse(sms.dunning_gateway_id)
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_server")

    def test_company_without_gateway_keeps_odoo_iap(self):
        sms = self._sms()
        sms.dunning_company_id = self.env["res.company"].create({"name": "Sem SMS"})
        self._process_queue()
        self._check_sent_by_odoo_iap(sms)

    def test_iap_gateway_keeps_odoo_iap(self):
        self.gateway.kind = "iap"
        sms = self._sms()
        self._process_queue()
        self._check_sent_by_odoo_iap(sms)

    def test_one_active_gateway_per_company(self):
        with self.assertRaises(Exception):  # noqa: B017  ValidationError
            self._make_gateway(self.company, "twilio")

    def test_credentials_are_admin_only(self):
        accountant = new_test_user(
            self.env,
            login="contadora.sms",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        gateway = self.gateway.with_user(accountant)
        self.assertEqual(gateway.name, "zenvia (local)")
        self.assertEqual(gateway.cost_per_segment, 0.09)
        for fname in ("api_token", "callback_secret", "twilio_account_sid"):
            with self.assertRaises(AccessError):
                gateway.read([fname])
        with self.assertRaises(AccessError):
            gateway.write({"sender": "x"})
        admin = new_test_user(
            self.env,
            login="admin.sms",
            groups="base.group_system,base.group_user",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.assertTrue(
            self.gateway.with_user(admin).read(["api_token"])[0]["api_token"]
        )

    def test_webhooks_of_an_unknown_or_archived_gateway_are_forbidden(self):
        url = self._status_url()
        self.gateway.active = False
        self.assertEqual(self.url_open(url, data="{}").status_code, 403)
        self.assertEqual(
            self.url_open("/dunning_sms/zenvia/999999/x", data="{}").status_code, 403
        )

    def test_resent_after_failing_gets_its_attempts_afresh(self):
        sms = self._sms()
        self.sandbox.inject("5xx", count=4)
        moment = fields.Datetime.now()
        for wait in (0, 1, 5, 15):
            moment += timedelta(minutes=wait, seconds=1)
            with freeze_time(moment):
                self._process_queue()
        self.assertEqual(sms.state, "error")
        sms.resend_failed()  # the gateway is back
        self.env.invalidate_all()
        self.assertEqual(sms.state, "pending")
        self.assertEqual(len(self.sandbox.messages), 1)
