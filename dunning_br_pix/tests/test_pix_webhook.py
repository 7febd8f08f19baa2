# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import datetime, timedelta
from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from .common import PixSandboxCommon

WEBHOOK_LOGGER = "odoo.addons.dunning_br_pix.controllers.main"


@tagged("post_install", "-at_install")
class TestPixWebhook(PixSandboxCommon, HttpCase):
    def setUp(self):
        super().setUp()
        self._register_webhook()

    def _pay_late(self, line, days_late=10, **kwargs):
        """Pay the installment's charge ``days_late`` days after its due date."""
        charge = self._charge(line)
        paid_on = line.date_maturity + timedelta(days=days_late)
        due = self.psp.amount_due(charge.txid, paid_on)
        self.env.flush_all()  # the webhook is handled by the HTTP server
        pix = self.psp.simulate_payment(charge.txid, paid_on, **kwargs)
        self.env.invalidate_all()
        return charge, pix, due

    def _income_lines(self):
        return self.env["account.move.line"].search(
            [("account_id", "=", self.income_account.id)]
        )

    def test_webhook_with_fine_reconciles_and_books_the_difference(self):
        move, line = self._installment(days=5, amount=1000.0)
        self.engine._run_for(self.company, today=self.run_day)  # D-5 reminder
        history = self._history(move)
        self.assertTrue(history)
        charge, pix, due = self._pay_late(line, days_late=10)
        self.assertGreater(due.final, Decimal("1000.00"))
        (delivery,) = self.psp.deliveries
        self.assertEqual(delivery.status, 200)
        self.assertEqual(charge.state, "paid")
        self.assertTrue(line.reconciled)
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        (received,) = charge.payment_ids
        self.assertEqual(received.e2eid, pix["endToEndId"])
        tx = received.transaction_id
        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.provider_reference, pix["endToEndId"])
        self.assertAlmostEqual(tx.payment_id.amount, float(due.final))
        income = self._income_lines()
        self.assertAlmostEqual(-sum(income.mapped("balance")), float(due.final - 1000))
        self.assertEqual(income.move_id, tx.payment_id.move_id)
        # The webhook was confirmed with the PSP before booking.
        self.assertTrue(self._requests("GET", "pix"))
        self.assertEqual(history.paid_via, "pix")
        self.assertEqual(history.pix_payment_id, received)

    def test_simulate_payment_button_of_the_sandbox(self):
        move, line = self._installment(days=5, amount=250.0)
        charge = self._charge(line)
        self.assertTrue(charge.is_sandbox)
        self.env.flush_all()  # the webhook is handled by the HTTP server
        action = charge.action_dunning_pix_simulate_payment()
        self.env.invalidate_all()
        self.assertEqual(action["params"]["type"], "success")
        (delivery,) = self.psp.deliveries
        self.assertEqual(delivery.status, 200)
        self.assertEqual(charge.state, "paid")
        self.assertTrue(line.reconciled)
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        self.assertAlmostEqual(charge.payment_ids.payment_id.amount, 250.0)
        # Paid: nothing more to simulate.
        with self.assertRaises(UserError):
            charge.action_dunning_pix_simulate_payment()
        # Only for a provider in test mode talking to the local sandbox.
        _move, other_line = self._installment(days=6, amount=80.0)
        other = self._charge(other_line)
        self.provider.state = "enabled"
        self.assertFalse(other.is_sandbox)
        with self.assertRaises(UserError):
            other.action_dunning_pix_simulate_payment()
        self.provider.state = "test"
        self.provider.dunning_pix_base_url = "https://pix.example.com/api/v2"
        self.assertFalse(other.is_sandbox)
        self.assertEqual(other.state, "active")

    def test_payment_below_the_open_amount_leaves_the_rest_open(self):
        move, line = self._installment(days=5, amount=1000.0)
        charge = self._charge(line)
        self.env.flush_all()
        self.psp.simulate_payment(charge.txid, amount=Decimal("990.00"))
        self.env.invalidate_all()
        self.assertEqual(charge.state, "paid")  # the PSP concluded it
        self.assertFalse(line.reconciled)
        self.assertAlmostEqual(line.amount_residual, 10.0)
        self.assertEqual(move.payment_state, "partial")
        self.assertFalse(
            self.env["account.move.line"].search(
                [("account_id", "=", self.discount_account.id)]
            )
        )
        self.assertAlmostEqual(charge.payment_ids.payment_id.amount, 990.0)
        self.assertIn(self._money(10.00), self._text(move.activity_ids.note))

    def test_pay_now_with_another_amount_is_booked_as_paid(self):
        move, _line = self._installment(days=5, amount=200.0)
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.pix_method.id,
                "reference": "PAY-NOW-1",
                "amount": 200.0,
                "currency_id": self.company.currency_id.id,
                "partner_id": self.customer.id,
                "invoice_ids": [(6, 0, move.ids)],
            }
        )
        tx._get_specific_rendering_values({})
        self.env.flush_all()
        self.psp.simulate_payment(tx.dunning_pix_txid, amount=Decimal("150.00"))
        self.env.invalidate_all()
        self.assertEqual(tx.state, "done")
        self.assertAlmostEqual(tx.payment_id.amount, 150.0)
        self.assertEqual(move.payment_state, "partial")
        self.assertAlmostEqual(move.amount_residual, 50.0)
        self.assertIn(self._money(50.00), self._text(move.activity_ids.note))

    def test_same_webhook_twice_books_once(self):
        _move, line = self._installment(days=5)
        charge, pix, _due = self._pay_late(line, days_late=3)
        payments = self.env["account.payment"].search([])
        self.env.flush_all()
        self.psp.notify(pix)
        self.psp.notify(pix)
        self.env.invalidate_all()
        self.assertEqual(len(self.psp.deliveries), 3)
        self.assertEqual(self.env["account.payment"].search([]), payments)
        self.assertEqual(len(charge.payment_ids), 1)

    def test_forged_webhook_changes_nothing(self):
        _move, line = self._installment(days=5)
        charge = self._charge(line)
        payments = self.env["account.payment"].search_count([])
        forged = {
            "pix": [
                {
                    "endToEndId": "E99999999202611240000abcdefghijk",
                    "txid": charge.txid,
                    "valor": "1000.00",
                    "horario": "2026-11-24T10:00:00.000Z",
                }
            ]
        }
        with self.assertLogs(WEBHOOK_LOGGER, "WARNING"):
            response = self.url_open(
                "/payment/dunning_pix/webhook/pix",
                data=json.dumps(forged),
                headers={"Content-Type": "application/json"},
                timeout=30,
            )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        self.assertEqual(charge.state, "active")
        self.assertFalse(line.reconciled)
        self.assertEqual(self.env["account.payment"].search_count([]), payments)
        self.assertFalse(self.env["dunning.pix.payment"].search([]))

    def test_a_failing_psp_does_not_block_another_provider(self):
        _move, line = self._installment(days=5, amount=300.0)
        # A provider of another company whose PSP is down, tried first.
        down = self.provider.copy(
            {
                "name": "Pix (PSP down)",
                "state": "test",
                "company_id": self.env["res.company"].create({"name": "Outra"}).id,
                "dunning_pix_base_url": "http://127.0.0.1:9/api/v2",
                "dunning_pix_token_url": "http://127.0.0.1:9/oauth/token",
                "dunning_pix_income_account_id": False,
                "dunning_pix_discount_account_id": False,
                "sequence": 0,
            }
        )
        self.provider.sequence = 10
        self.assertEqual(
            self.env["payment.provider"].sudo().search([("state", "=", "test")])[:1],
            down,
        )
        charge = self._charge(line)
        self.env.flush_all()
        with self.assertLogs(WEBHOOK_LOGGER, "ERROR") as logs:
            self.psp.simulate_payment(charge.txid)
        self.env.invalidate_all()
        self.assertIn("Pix (PSP down)", "\n".join(logs.output))
        self.assertEqual(charge.state, "paid")
        self.assertTrue(line.reconciled)

    def test_unknown_txid_is_recorded_to_review(self):
        _move, line = self._installment(days=5)
        charge = self._charge(line)
        txid = charge.txid
        pix = self.psp.simulate_payment(txid, deliver=False)
        charge.sudo().unlink()  # an installment Odoo no longer knows
        self.env.flush_all()
        self.psp.notify(pix)
        self.env.invalidate_all()
        self.assertEqual(self.psp.deliveries[-1].status, 200)
        (received,) = self.env["dunning.pix.payment"].search([])
        self.assertEqual(received.state, "to_review")
        self.assertEqual(received.e2eid, pix["endToEndId"])
        self.assertIn(txid, received.review_reason)
        self.assertFalse(received.payment_id)
        self.assertTrue(received.activity_ids)
        self.assertFalse(line.reconciled)
        self.assertEqual(
            self.env["dunning.pix.payment"].search_count([("state", "=", "to_review")]),
            1,
        )
        received.action_dunning_pix_mark_reviewed()
        self.assertEqual(received.state, "reviewed")
        self.assertFalse(received.activity_ids)

    def test_polling_finds_a_dropped_webhook(self):
        _move, line = self._installment(days=5)
        self.psp.drop_webhooks = True
        charge, pix, _due = self._pay_late(line, days_late=2)
        self.assertTrue(self.psp.deliveries[-1].dropped)
        self.assertEqual(charge.state, "active")
        horario = datetime.fromisoformat(pix["horario"].replace("Z", "+00:00"))
        until = horario + timedelta(hours=1)
        booked = self.provider._dunning_pix_poll(until=until)
        self.assertEqual(booked.e2eid, pix["endToEndId"])
        self.assertEqual(charge.state, "paid")
        self.assertTrue(line.reconciled)
        # Polling again (or a late webhook) books nothing more.
        self.provider.dunning_pix_last_poll = False
        self.provider._dunning_pix_poll(until=until)
        self.psp.drop_webhooks = False
        self.env.flush_all()
        self.psp.notify(pix)
        self.env.invalidate_all()
        self.assertEqual(len(charge.payment_ids), 1)
        self.assertEqual(
            self.env["account.payment"].search_count(
                [("payment_transaction_id.dunning_pix_charge_id", "=", charge.id)]
            ),
            1,
        )

    def test_refund(self):
        _move, line = self._installment(days=5, amount=500.0)
        charge, pix, _due = self._pay_late(line, days_late=0)
        tx = charge.payment_ids.transaction_id
        self.assertEqual(self.provider.support_refund, "partial")
        wizard = Form(
            self.env["payment.refund.wizard"].with_context(
                active_model="account.payment", active_id=tx.payment_id.id
            )
        )
        wizard.amount_to_refund = 100.0
        wizard.save().action_refund()
        refund_tx = tx.child_transaction_ids
        self.assertEqual(refund_tx.operation, "refund")
        self.assertEqual(refund_tx.state, "pending")
        (put,) = self._requests("PUT", "devolucao")
        self.assertEqual(put.json["valor"], "100.00")
        self.assertIn(pix["endToEndId"], put.path)
        self.env.flush_all()
        self.psp.settle_refund(pix["endToEndId"], refund_tx.dunning_pix_refund_id)
        self.env.invalidate_all()
        self.assertEqual(refund_tx.state, "done")
        self.assertEqual(refund_tx.payment_id.payment_type, "outbound")
        self.assertAlmostEqual(refund_tx.payment_id.amount, 100.0)

    def test_portal_pay_now(self):
        move, _line = self._installment(days=5, amount=321.0)
        move._portal_ensure_token()
        page = self.url_open(f"/my/invoices/{move.id}?access_token={move.access_token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn('data-provider-code="dunning_pix"', page.text)
        values = self.make_jsonrpc_request(
            f"{self.base_url()}/invoice/transaction/{move.id}",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.pix_method.id,
                "token_id": None,
                "amount": 321.0,
                "flow": "redirect",
                "tokenization_requested": False,
                "landing_route": move.get_portal_url(),
                "access_token": move.access_token,
            },
        )
        self.assertIn("/payment/dunning_pix/process", values["redirect_form_html"])
        tx = self.env["payment.transaction"].search(
            [("reference", "=", values["reference"])]
        )
        self.assertTrue(tx.dunning_pix_txid)
        (put,) = self._requests("PUT", "cob")
        self.assertEqual(put.json["valor"]["original"], "321.00")
        status = self.url_open(
            "/payment/dunning_pix/process",
            data={"reference": tx.reference},
            timeout=30,
        )
        self.assertEqual(status.status_code, 200)
        self.assertIn(tx.dunning_pix_copia_e_cola, status.text)
        self.assertIn("data:image/png;base64,", status.text)
        self.assertEqual(tx.state, "pending")
        self.env.flush_all()
        self.psp.simulate_payment(tx.dunning_pix_txid)
        self.env.invalidate_all()
        self.assertEqual(tx.state, "done")
        self.assertTrue(tx.payment_id)
        self.assertIn(move.payment_state, ("paid", "in_payment"))
