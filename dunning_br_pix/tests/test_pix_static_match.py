# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.pix import parse_brcode, static_txid

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PixSandboxCommon


@tagged("post_install", "-at_install")
class TestPixStaticMatch(PixSandboxCommon):
    """Static BR Code: the Pix is matched from the bank statement line that
    carries its txid."""

    def setUp(self):
        super().setUp()
        self.provider.dunning_pix_mode = "static"
        self.bank_journal = self.company_data["default_journal_bank"]
        self.accountant = new_test_user(
            self.env,
            "pix_static_accountant",
            groups="account.group_account_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )

    def _txid(self, line):
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        return static_txid(uuid, line.id)

    def _statement_line(self, label, amount, journal=None):
        journal = journal or self.bank_journal
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": journal.id,
                "date": fields.Date.today(),
                "payment_ref": label,
                "amount": amount,
            }
        )

    def _match(self, user=None):
        model = self.env["account.bank.statement.line"].with_user(
            user or self.accountant
        )
        return model.browse().action_dunning_pix_match()

    def _received(self):
        return self.env["dunning.pix.payment"].search([])

    def test_exact_amount_reconciles_the_installment(self):
        move, line = self._installment(days=5, amount=1000.0)
        self.engine._run_for(self.company, today=self.run_day)  # D-5 reminder
        history = self._history(move)
        # The txid is the one of the BR Code printed in the reminder.
        (instruction,) = history.communication_id[:1]._dunning_lines()[0]["payment"]
        txid = parse_brcode(instruction["value"])["txid"]
        self.assertEqual(txid, self._txid(line))
        st_line = self._statement_line(
            f"PIX RECEBIDO - PADARIA PAO QUENTE {txid.lower()}", 1000.0
        )
        action = self._match()
        self.assertEqual(action["params"]["type"], "success")
        self.assertTrue(st_line.is_reconciled)
        self.assertTrue(line.reconciled)
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        self.assertEqual(st_line.partner_id, self.customer)
        (received,) = st_line.dunning_pix_payment_ids
        self.assertEqual(received.txid, txid)
        self.assertEqual(received.move_id, move)
        self.assertFalse(received.e2eid)
        self.assertEqual(history.paid_via, "pix")
        self.assertEqual(history.pix_payment_id, received)
        self.assertIn(txid, st_line.dunning_pix_match_note)

    def test_amount_above_leaves_the_excess_as_credit(self):
        move, line = self._installment(days=-10, amount=1000.0)
        st_line = self._statement_line(f"Pix {self._txid(line)}", 1021.37)
        self._match()
        self.assertTrue(line.reconciled)
        self.assertTrue(st_line.is_reconciled)
        # A bank statement reports no fine nor interest: nothing to income.
        self.assertFalse(
            st_line.move_id.line_ids.filtered(
                lambda aml: aml.account_id == self.income_account
            )
        )
        credit = st_line.move_id.line_ids.filtered(
            lambda aml: aml.account_id == line.account_id
        )
        self.assertAlmostEqual(credit.amount_residual, -21.37)
        self.assertEqual(credit.partner_id, self.customer)
        self.assertAlmostEqual(st_line.dunning_pix_payment_ids.amount, 1021.37)
        self.assertIn(self._money(21.37), self._text(move.activity_ids.note))
        self.assertIn(self._money(21.37), st_line.dunning_pix_match_note)

    def test_amount_below_leaves_the_rest_open(self):
        move, line = self._installment(days=5, amount=1000.0)
        st_line = self._statement_line(f"PIX RECEBIDO {self._txid(line)}", 990.0)
        self._match()
        self.assertTrue(st_line.is_reconciled)
        self.assertFalse(line.reconciled)
        self.assertAlmostEqual(line.amount_residual, 10.0)
        self.assertEqual(move.payment_state, "partial")
        self.assertFalse(
            self.env["account.move.line"].search(
                [("account_id", "=", self.discount_account.id)]
            )
        )
        (received,) = self._received()
        self.assertIn(self._money(10.00), received.note)
        self.assertIn(self._money(10.00), self._text(move.activity_ids.note))
        self.assertFalse(self._history(move).paid_via)

    def test_tolerance_is_the_only_write_off(self):
        self.provider.dunning_pix_tolerance = 0.05
        _move, line = self._installment(days=5, amount=1000.0)
        st_line = self._statement_line(f"PIX RECEBIDO {self._txid(line)}", 999.97)
        self._match()
        self.assertTrue(line.reconciled)
        rounding = st_line.move_id.line_ids.filtered(
            lambda aml: aml.account_id == self.discount_account
        )
        self.assertAlmostEqual(rounding.balance, 0.03)

    def test_same_end_to_end_id_is_booked_once(self):
        _move, line = self._installment(days=5, amount=100.0)
        _other_move, other_line = self._installment(days=6, amount=100.0)
        e2eid = "E12345678202611241000abcdefghijk"
        first = self._statement_line(f"PIX {e2eid} {self._txid(line)}", 100.0)
        second = self._statement_line(f"PIX {e2eid} {self._txid(other_line)}", 100.0)
        self._match()
        self.assertTrue(first.is_reconciled)
        self.assertFalse(second.is_reconciled)
        self.assertFalse(other_line.reconciled)
        self.assertEqual(self._received().e2eid, e2eid)
        self.assertIn("already booked", second.dunning_pix_match_note)

    def test_billing_users_cannot_match(self):
        _move, line = self._installment(days=5, amount=1000.0)
        st_line = self._statement_line(f"Pix {self._txid(line)}", 1000.0)
        billing = new_test_user(
            self.env,
            "pix_static_billing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self._match(billing)
        self.assertFalse(st_line.is_reconciled)

    def test_line_without_a_known_txid_is_left_alone(self):
        _move, line = self._installment(days=5, amount=1000.0)
        unknown = self._statement_line("PIX RECEBIDO ABCDEFGHIJKLMNOPQRSTUVWXY", 1000.0)
        plain = self._statement_line("TED 001 PADARIA PAO QUENTE", 1000.0)
        self._match()
        for st_line in unknown + plain:
            self.assertFalse(st_line.is_reconciled)
            self.assertFalse(st_line.dunning_pix_match_note)
        self.assertFalse(line.reconciled)
        self.assertFalse(self._received())

    def test_twice_matches_once(self):
        _move, line = self._installment(days=-3, amount=500.0)
        st_line = self._statement_line(f"Pix recebido {self._txid(line)}", 505.0)
        model = self.env["account.bank.statement.line"]
        model._cron_dunning_pix_match()
        entry = st_line.move_id.line_ids.read(["account_id", "balance"])
        model._cron_dunning_pix_match()
        self._match()
        self.assertEqual(len(self._received()), 1)
        self.assertEqual(
            st_line.move_id.line_ids.read(["account_id", "balance"]), entry
        )
        # A second line with the same txid (a second Pix) finds the
        # installment paid: not matched, recorded to review (once).
        second = self._statement_line(f"Pix recebido {self._txid(line)}", 500.0)
        model._cron_dunning_pix_match()
        model._cron_dunning_pix_match()
        self.assertFalse(second.is_reconciled)
        booked = self._received().filtered(lambda r: r.state == "booked")
        self.assertEqual(booked.statement_line_id, st_line)
        review = self._received().filtered(lambda r: r.state == "to_review")
        self.assertEqual(review.statement_line_id, second)
        self.assertIn(self._money(500.0), review.review_reason)
        self.assertTrue(review.activity_ids)
        self.assertEqual(second.dunning_pix_match_note, review.review_reason)

    def test_pay_now_transaction_is_matched_without_a_second_booking(self):
        move, _line = self._installment(days=5, amount=150.0)
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.pix_method.id,
                "reference": "INV-STATIC-1",
                "amount": 150.0,
                "currency_id": self.company.currency_id.id,
                "partner_id": self.customer.id,
                "invoice_ids": [(6, 0, move.ids)],
            }
        )
        tx._get_specific_rendering_values({})
        tx._set_pending()
        st_line = self._statement_line(f"PIX {tx.dunning_pix_txid}", 150.0)
        self._match()
        self.assertTrue(st_line.is_reconciled)
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        self.assertEqual(tx.state, "done")
        self.assertTrue(tx.is_post_processed)
        self.env["payment.transaction"]._cron_post_process()
        self.assertFalse(tx.payment_id)
        self.assertFalse(
            self.env["account.payment"].search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(st_line.dunning_pix_payment_ids.transaction_id, tx)

    def test_multi_company_isolation(self):
        other = self.setup_other_company(name="Outra Empresa")
        other_company = other["company"]
        other_company.country_id = self.env.ref("base.br")
        self.env["payment.provider"].create(
            {
                "name": "Pix (outra)",
                "code": "dunning_pix",
                "state": "test",
                "company_id": other_company.id,
                "dunning_pix_mode": "static",
                "dunning_pix_key": self.provider.dunning_pix_key,
                "redirect_form_view_id": self.provider.redirect_form_view_id.id,
            }
        )
        _move, line = self._installment(days=5, amount=300.0)
        other_move = self._invoice(
            self.customer, self.today, amount=300.0, company=other_company
        )
        other_line = other_move.line_ids.filtered(
            lambda aml: aml.account_id.account_type == "asset_receivable"
        )
        other_bank = other["default_journal_bank"]
        # A txid of the first company on the second company's bank: no match.
        foreign = self._statement_line(f"Pix {self._txid(line)}", 300.0, other_bank)
        own_other = self._statement_line(
            f"Pix {self._txid(other_line)}", 300.0, other_bank
        )
        own = self._statement_line(f"Pix {self._txid(line)}", 300.0)
        # The accountant of the first company matches its lines only.
        self._match()
        self.assertTrue(own.is_reconciled)
        self.assertFalse(own_other.is_reconciled)
        self.assertFalse(foreign.is_reconciled)
        # The scheduled action matches the second company's own line.
        self.env["account.bank.statement.line"]._cron_dunning_pix_match()
        self.assertTrue(own_other.is_reconciled)
        self.assertTrue(other_line.reconciled)
        self.assertFalse(foreign.is_reconciled)
        self.assertEqual(
            own_other.dunning_pix_payment_ids.company_id,
            other_company,
        )
        self.assertFalse(
            self.env["dunning.pix.payment"]
            .with_user(self.accountant)
            .search([("company_id", "=", other_company.id)])
        )
