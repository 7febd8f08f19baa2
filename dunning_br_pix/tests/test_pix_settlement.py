# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one settlement rule on a Pix received through the API Pix, and the
webhook's defences (issue #8, finding 1)."""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal

import requests
from markupsafe import escape as html_escape

from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import PixSandboxCommon

WEBHOOK = "/payment/dunning_pix/webhook/pix"
WEBHOOK_LOGGER = "odoo.addons.dunning_br_pix.controllers.main"


def _moment(pix):
    return datetime.fromisoformat(pix["horario"].replace("Z", "+00:00"))


@tagged("post_install", "-at_install")
class TestPixSettlement(PixSandboxCommon, HttpCase):
    def setUp(self):
        super().setUp()
        self._register_webhook()

    def _pay(self, line, amount=None, paid_on=None):
        charge = self._charge(line)
        self.env.flush_all()  # the webhook is handled by the HTTP server
        pix = self.psp.simulate_payment(
            charge.txid, paid_on, None if amount is None else Decimal(amount)
        )
        self.env.invalidate_all()
        return charge, pix

    def _post(self, body, **kwargs):
        return self.url_open(
            WEBHOOK,
            data=json.dumps(body),
            headers={"Content-Type": "application/json"},
            timeout=120,
            **kwargs,
        )

    def _received(self):
        return self.env["dunning.pix.payment"].search([])

    def test_one_real_on_a_480_charge_leaves_479_open(self):
        collector = new_test_user(
            self.env, "pix_collector", groups="account.group_account_invoice"
        )
        self.customer.dunning_collector_id = collector
        move, line = self._installment(days=5, amount=480.0)
        charge, pix = self._pay(line, "1.00")
        self.assertEqual(self.psp.deliveries[-1].status, 200)
        self.assertFalse(line.reconciled)
        self.assertAlmostEqual(line.amount_residual, 479.0)
        self.assertEqual(move.payment_state, "partial")
        (received,) = charge.payment_ids
        self.assertEqual(received.state, "booked")
        self.assertAlmostEqual(received.payment_id.amount, 1.0)
        self.assertIn(self._money(479.00), received.note)
        # Nothing was written off.
        self.assertFalse(
            self.env["account.move.line"].search(
                [
                    (
                        "account_id",
                        "in",
                        (self.discount_account + self.income_account).ids,
                    )
                ]
            )
        )
        # The collector is told why.
        (activity,) = move.activity_ids
        self.assertIn(pix["endToEndId"], activity.note)
        self.assertIn(self._money(479.00), self._text(activity.note))
        self.assertEqual(activity.user_id, collector)
        # The régua still sees the installment open with its residual.
        self.assertEqual(
            self.env["account.move.line"].search_count(
                [("id", "=", line.id), ("amount_residual", ">", 0)]
            ),
            1,
        )
        # The régua goes on for the residual (D-5 reminder).
        self.engine._run_for(self.company, today=self.run_day)
        history = self._history(move)
        self.assertTrue(history)
        self.assertAlmostEqual(history.amount_residual, 479.0)
        self.assertFalse(history.paid_via)
        # The PSP concluded the first charge: the run made a new one for the
        # rest, its code is in the reminder, and paying it pays the invoice.
        rest = self.env["dunning.pix.charge"].search(
            [("move_line_id", "=", line.id), ("state", "=", "active")]
        )
        self.assertEqual(len(rest), 1)
        self.assertNotEqual(rest.txid, charge.txid)
        self.assertAlmostEqual(rest.amount, 479.0)
        communication = history.communication_id
        (instruction,) = communication._dunning_lines()[0]["payment"]
        self.assertEqual(instruction["value"], rest.copia_e_cola)
        mail = self.env["mail.mail"].search(
            [("model", "=", "dunning.communication"), ("res_id", "=", communication.id)]
        )
        self.assertIn(html_escape(rest.copia_e_cola), mail.body_html)
        self.assertEqual(self._charge(line), rest, "running again changes nothing")
        self.env.flush_all()
        self.psp.simulate_payment(rest.txid, None, None)
        self.env.invalidate_all()
        self.assertTrue(line.reconciled)
        self.assertEqual(rest.state, "paid")
        self.assertEqual(charge.payment_ids.state, "booked")

    def test_600_on_a_480_charge_leaves_120_credit(self):
        move, line = self._installment(days=5, amount=480.0)
        charge, _pix = self._pay(line, "600.00")
        self.assertTrue(line.reconciled)
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        payment = charge.payment_ids.payment_id
        self.assertAlmostEqual(payment.amount, 600.0)
        credit = payment.move_id.line_ids.filtered(
            lambda aml: aml.account_id == line.account_id
        )
        self.assertAlmostEqual(credit.amount_residual, -120.0)
        self.assertFalse(
            self.env["account.move.line"].search(
                [("account_id", "=", self.income_account.id)]
            )
        )
        # The credit is offered on the customer's next invoice.
        next_move, _next_line = self._installment(days=30, amount=50.0)
        widget = next_move.invoice_outstanding_credits_debits_widget
        self.assertTrue(widget)
        self.assertAlmostEqual(sum(item["amount"] for item in widget["content"]), 120.0)
        self.assertIn(self._money(120.00), self._text(move.activity_ids.note))

    def test_fine_and_interest_only_when_the_psp_reports_them(self):
        _move, line = self._installment(days=5, amount=480.0)
        charge = self._charge(line)
        paid_on = line.date_maturity + timedelta(days=10)
        due = self.psp.amount_due(charge.txid, paid_on)
        self.assertGreater(due.multa + due.juros, 0)
        _charge, pix = self._pay(line, paid_on=paid_on)
        self.assertIn("multa", pix["componentesValor"])
        self.assertTrue(line.reconciled)
        income = self.env["account.move.line"].search(
            [("account_id", "=", self.income_account.id)]
        )
        self.assertAlmostEqual(
            -sum(income.mapped("balance")), float(due.multa + due.juros)
        )
        self.assertFalse(charge.payment_ids.note)
        self.assertFalse(_move.activity_ids)

    def test_overdue_charge_amount_is_explained_as_late_charges(self):
        """The charge of an installment already overdue asks the amount the
        régua computed that day (open amount, fine, interest) as its
        original amount: that part is income, not the customer's credit."""
        move, line = self._installment(days=-10, amount=480.0)
        charge = self._charge(line)
        self.assertGreater(charge.amount, 480.0)
        _charge, pix = self._pay(line)
        self.assertTrue(line.reconciled)
        income = self.env["account.move.line"].search(
            [("account_id", "=", self.income_account.id)]
        )
        self.assertAlmostEqual(
            -sum(income.mapped("balance")), float(Decimal(pix["valor"]) - 480)
        )
        payment = charge.payment_ids.payment_id
        credit = payment.move_id.line_ids.filtered(
            lambda aml: aml.account_id == line.account_id
        )
        self.assertAlmostEqual(credit.amount_residual, 0.0)
        self.assertFalse(move.activity_ids)

    def test_second_payment_of_a_paid_charge_is_to_review(self):
        _move, line = self._installment(days=5, amount=480.0)
        charge, first = self._pay(line)
        self.assertTrue(line.reconciled)
        payments = self.env["account.payment"].search_count([])
        # The payer's PSP lets a second Pix through.
        self.psp.charges[charge.txid].status = "ATIVA"
        self.env.flush_all()
        second = self.psp.simulate_payment(charge.txid)
        self.env.invalidate_all()
        self.assertNotEqual(first["endToEndId"], second["endToEndId"])
        review = self._received().filtered(lambda r: r.state == "to_review")
        self.assertEqual(review.e2eid, second["endToEndId"])
        self.assertIn(charge.txid, review.review_reason)
        self.assertIn(self._money(480.0), review.review_reason)
        self.assertTrue(review.activity_ids)
        self.assertEqual(self.env["account.payment"].search_count([]), payments)

    def test_same_pix_by_webhook_polling_and_refresh_is_booked_once(self):
        _move, line = self._installment(days=5, amount=480.0)
        charge, pix = self._pay(line)
        until = _moment(pix) + timedelta(hours=1)
        self.provider._dunning_pix_poll(until=until)
        charge.action_dunning_pix_refresh()
        self.env.flush_all()
        self.psp.notify(pix)
        self.env.invalidate_all()
        self.assertEqual(len(self._received()), 1)
        self.assertEqual(
            self.env["account.payment"].search_count(
                [("payment_transaction_id.dunning_pix_charge_id", "=", charge.id)]
            ),
            1,
        )

    def test_forged_webhook_books_nothing(self):
        _move, line = self._installment(days=5)
        charge = self._charge(line)
        forged = {
            "endToEndId": "E99999999202611240000abcdefghijk",
            "txid": charge.txid,
            "valor": "1000.00",
            "horario": "2026-11-24T10:00:00.000Z",
        }
        self.env.flush_all()
        with self.assertLogs(WEBHOOK_LOGGER, "WARNING") as logs:
            response = self._post({"pix": [forged, forged]})
        self.env.invalidate_all()
        self.assertEqual(len(logs.output), 1)
        self.assertIn("unknown to the PSP", logs.output[0])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["confirmed"], 1)  # duplicates dropped
        self.assertFalse(self._received())
        self.assertFalse(line.reconciled)

    def test_webhook_of_5000_items_is_capped_and_quick(self):
        _move, line = self._installment(days=5, amount=480.0)
        charge = self._charge(line)
        pix = self.psp.simulate_payment(charge.txid, deliver=False)
        items = [pix] + [
            {
                "endToEndId": f"E99999999202611240000{index:011d}",
                "txid": charge.txid,
                "valor": "1.00",
                "horario": "2026-11-24T10:00:00.000Z",
            }
            for index in range(4999)
        ]
        self.env.flush_all()
        gets = len(self._requests("GET", "pix"))
        start = time.monotonic()
        with self.assertLogs(WEBHOOK_LOGGER, "WARNING") as logs:
            response = self._post({"pix": items})
        elapsed = time.monotonic() - start
        self.assertIn("5000 Pix in one request", logs.output[0])
        self.env.invalidate_all()
        self.assertEqual(response.status_code, 200)
        answer = response.json()
        self.assertEqual(answer["received"], 5000)
        self.assertEqual(answer["confirmed"], 100)
        self.assertEqual(answer["left_to_polling"], 4900)
        self.assertNotIn("Traceback", response.text)
        self.assertLessEqual(len(self._requests("GET", "pix")) - gets, 100)
        self.assertLess(elapsed, 60)
        self.assertEqual(self._received().e2eid, pix["endToEndId"])
        self.assertTrue(line.reconciled)

    def test_webhook_answers_bad_bodies_with_json(self):
        self.env.flush_all()
        for body in (b"not json", b"[]", b'{"pix": "x"}', b'{"pix": [42, null]}'):
            with self.assertLogs(WEBHOOK_LOGGER, "WARNING"):
                response = self.url_open(
                    WEBHOOK,
                    data=body,
                    headers={"Content-Type": "application/json"},
                    timeout=30,
                )
            self.assertEqual(response.status_code, 200, body)
            self.assertIn("status", response.json())
        big = b'{"pix": [' + b" " * (2 * 1024 * 1024) + b"]}"
        with self.assertLogs(WEBHOOK_LOGGER, "WARNING") as logs:
            response = self.url_open(
                WEBHOOK,
                data=big,
                headers={"Content-Type": "application/json"},
                timeout=30,
            )
        self.assertIn("refused", logs.output[0])
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json()["status"], "too_large")

    def test_replay_five_times_in_parallel_books_once(self):
        """Five concurrent deliveries of the same Pix. The HTTP server of the
        test serializes requests on the test cursor, so this checks the
        de-duplication between requests, not PostgreSQL's locking: in
        production the unique index on the end-to-end id makes a concurrent
        second insert wait for the first and fail (``_dunning_pix_book``)."""
        _move, line = self._installment(days=5, amount=480.0)
        charge = self._charge(line)
        pix = self.psp.simulate_payment(charge.txid, deliver=False)
        self.env.flush_all()
        url = self.base_url() + WEBHOOK

        def post(_index):
            return requests.post(url, json={"pix": [pix]}, timeout=120).status_code

        with ThreadPoolExecutor(max_workers=5) as pool:
            statuses = list(pool.map(post, range(5)))
        self.env.invalidate_all()
        self.assertEqual(statuses, [200] * 5)
        self.assertEqual(len(self._received()), 1)
        self.assertEqual(len(charge.payment_ids.payment_id), 1)
        self.assertTrue(line.reconciled)

    def test_polling_goes_on_after_a_pix_that_fails(self):
        _move_a, on_time = self._installment(days=5, amount=100.0)
        _move_b, late = self._installment(days=5, amount=200.0)
        self.psp.drop_webhooks = True
        _charge_a, pix_a = self._pay(on_time)
        _charge_b, pix_b = self._pay(late, paid_on=late.date_maturity + timedelta(10))
        self.assertIn("juros", pix_b["componentesValor"])
        # The late Pix cannot be booked: its fine and interest account is
        # deprecated.
        self.income_account.deprecated = True
        self.provider.dunning_pix_last_poll = _moment(pix_a).replace(
            tzinfo=None
        ) - timedelta(hours=1)
        until = _moment(pix_b) + timedelta(hours=1)
        with self.assertLogs(
            "odoo.addons.dunning_br_pix.models.payment_provider", "ERROR"
        ):
            booked = self.provider._dunning_pix_poll(until=until)
        self.assertEqual(booked.e2eid, pix_a["endToEndId"])
        self.assertTrue(on_time.reconciled)
        self.assertFalse(late.reconciled)
        # The clock stopped just before the Pix that failed...
        last_poll = self.provider.dunning_pix_last_poll
        self.assertLess(last_poll, until.replace(tzinfo=None))
        self.assertLess(
            last_poll - timedelta(minutes=10), _moment(pix_b).replace(tzinfo=None)
        )
        # ... so the next poll books it.
        self.income_account.deprecated = False
        booked = self.provider._dunning_pix_poll(until=until)
        self.assertTrue(late.reconciled)
        self.assertEqual(len(self._received()), 2)
        self.assertEqual(
            self.provider.dunning_pix_last_poll, until.replace(tzinfo=None)
        )

    def test_polling_rechecks_pending_refunds(self):
        _move, line = self._installment(days=5, amount=500.0)
        charge, pix = self._pay(line)
        tx = charge.payment_ids.transaction_id
        wizard = Form(
            self.env["payment.refund.wizard"].with_context(
                active_model="account.payment", active_id=tx.payment_id.id
            )
        )
        wizard.amount_to_refund = 50.0
        wizard.save().action_refund()
        refund_tx = tx.child_transaction_ids
        self.assertEqual(refund_tx.state, "pending")
        # The PSP refunds, its webhook is lost.
        self.psp.settle_refund(
            pix["endToEndId"], refund_tx.dunning_pix_refund_id, deliver=False
        )
        # A poll whose window does not list the Pix any more.
        later = _moment(pix) + timedelta(days=2)
        self.provider.dunning_pix_last_poll = later.replace(tzinfo=None)
        self.provider._dunning_pix_poll(until=later + timedelta(hours=1))
        self.assertEqual(refund_tx.state, "done")
        self.assertAlmostEqual(refund_tx.payment_id.amount, 50.0)
        self.assertTrue(
            self._requests("GET", "devolucao"),
            "the refund was read back from the PSP",
        )
