# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Importar retorno: the bank's CNAB 240 return files booked by the one
settlement rule, once (issue #11)."""

import dataclasses
from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tests import tagged

from .boleto_cnab_common import BoletoCnabCommon


@tagged("post_install", "-at_install")
class TestBoletoCnabRetorno(BoletoCnabCommon):
    def _payments(self):
        return self.env["account.payment"].search(
            [("partner_id", "=", self.customer.id)]
        )

    def test_registration_rejection_and_baixa(self):
        _move, line = self._installment(days=5)
        confirmed = self._boleto(line, state="sent")
        _move, line2 = self._installment(days=6)
        rejected = self._boleto(line2, state="sent")
        _move, line3 = self._installment(days=7)
        cancelled = self._boleto(line3, state="registered")
        retorno = self._import(
            self._retorno_bytes(
                [
                    self._title(confirmed, "02"),
                    self._title(rejected, "03", reasons=("45", "48")),
                    self._title(cancelled, "09"),
                ]
            )
        )
        self.assertEqual(confirmed.state, "registered")
        self.assertEqual(rejected.state, "rejected")
        self.assertEqual(
            rejected.reject_reason,
            "45 - nome do pagador não informado; 48 - CEP inválido",
        )
        self.assertEqual(cancelled.state, "cancelled")
        self.assertEqual(retorno.line_ids.mapped("state"), ["done", "rejected", "done"])
        self.assertFalse(self._payments())

    def test_liquidation_with_interest_and_tariff(self):
        move, line = self._installment(days=5, amount=1000.0)
        boleto = self._boleto(line, state="registered")
        self.engine._run_for(self.company, today=self.run_day)
        sent_before = len(self._history(move))
        retorno = self._import(
            self._retorno_bytes(
                [
                    self._title(
                        boleto,
                        paid=Decimal("1012.00"),
                        interest_fine=Decimal("12.00"),
                        tariff=Decimal("2.50"),
                    )
                ]
            )
        )
        (rline,) = retorno.line_ids
        self.assertEqual(rline.state, "booked")
        payment = rline.payment_id
        self.assertEqual(boleto.state, "paid")
        self.assertEqual(boleto.payment_id, payment)
        self.assertAlmostEqual(boleto.paid_amount, 1012.0)
        self.assertEqual(payment.journal_id, self.bank_journal)
        self.assertAlmostEqual(payment.amount, 1009.5)
        items = payment.move_id.line_ids
        by_account = {
            account: sum(
                items.filtered(lambda i, a=account: i.account_id == a).mapped("balance")
            )
            for account in items.account_id
        }
        self.assertAlmostEqual(by_account[self.income_account], -12.0)
        self.assertAlmostEqual(by_account[self.tariff_account], 2.5)
        self.assertAlmostEqual(by_account[line.account_id], -1000.0)
        self.assertAlmostEqual(by_account[payment.outstanding_account_id], 1009.5)
        self.assertTrue(line.reconciled)
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        # The régua stops for the paid installment.
        self.engine._run_for(self.company, today=self.run_day)
        self.assertEqual(len(self._history(move)), sent_before)

    def test_same_file_twice_books_once(self):
        _move, line = self._installment(days=5)
        boleto = self._boleto(line, state="registered")
        content = self._retorno_bytes([self._title(boleto)])
        self._import(content)
        # Re-saved with other line endings: the same file.
        with self.assertRaisesRegex(UserError, "already imported"):
            self._import(content.replace(b"\r\n", b"\n"))
        self.assertEqual(len(self._payments()), 1)
        self.assertEqual(len(self.env["dunning.boleto.retorno"].search([])), 1)

    def test_retorno_of_another_agreement_is_refused(self):
        _move, line = self._installment(days=5)
        boleto = self._boleto(line, state="registered")
        other = self.account.copy({"convenio": "7654321"})
        content = self._retorno_bytes([self._title(boleto)], account=other)
        with self.assertRaisesRegex(UserError, "nothing was booked"):
            self._import(content)
        self.assertFalse(self.env["dunning.boleto.retorno"].search([]))
        self.assertFalse(self._payments())
        self.assertEqual(boleto.state, "registered")

    def test_unknown_nosso_numero_is_listed_for_review(self):
        _move, line = self._installment(days=5)
        boleto = self._boleto(line, state="registered")
        title = self._title(boleto)
        unknown = dataclasses.replace(title, nosso_numero="12345679999999999")
        retorno = self._import(self._retorno_bytes([unknown]))
        (rline,) = retorno.line_ids
        self.assertEqual(rline.state, "review")
        self.assertFalse(rline.boleto_id)
        self.assertFalse(self._payments())
        self.assertEqual(boleto.state, "registered")
        self.assertTrue(retorno.activity_ids)

    def test_underpaid_leaves_the_rest_open(self):
        move, line = self._installment(days=5, amount=1000.0)
        boleto = self._boleto(line, state="registered")
        retorno = self._import(
            self._retorno_bytes([self._title(boleto, paid=Decimal("600.00"))])
        )
        self.assertEqual(retorno.line_ids.state, "booked")
        self.assertAlmostEqual(line.amount_residual, 400.0)
        self.assertEqual(move.payment_state, "partial")
        self.assertIn(self._money(400.0), retorno.line_ids.note)
        self.assertTrue(move.activity_ids)
        # Nothing was written off.
        self.assertFalse(
            self.env["account.move.line"].search(
                [("account_id", "=", self.discount_account.id)]
            )
        )

    def test_pix_then_retorno_books_once(self):
        _move, line = self._installment(days=5, amount=1000.0)
        charge = self._charge(line)
        boleto = self._boleto(line, state="registered", pix_charge_id=charge.id)
        pix = self.psp.simulate_payment(charge.txid, deliver=False)
        received = self.provider._dunning_pix_process_pix(pix)
        self.assertTrue(received.payment_id)
        self.assertTrue(line.reconciled)
        retorno = self._import(
            self._retorno_bytes([self._title(boleto, paid=Decimal(pix["valor"]))])
        )
        self.assertEqual(retorno.line_ids.state, "pix")
        self.assertEqual(retorno.line_ids.payment_id, received.payment_id)
        self.assertEqual(boleto.state, "paid")
        self.assertEqual(self._payments(), received.payment_id)

    def test_retorno_then_pix_books_once(self):
        _move, line = self._installment(days=5, amount=1000.0)
        charge = self._charge(line)
        boleto = self._boleto(line, state="registered", pix_charge_id=charge.id)
        retorno = self._import(self._retorno_bytes([self._title(boleto)]))
        payment = retorno.line_ids.payment_id
        self.assertTrue(line.reconciled)
        pix = self.psp.simulate_payment(charge.txid, deliver=False)
        received = self.provider._dunning_pix_process_pix(pix)
        self.assertEqual(received.payment_id, payment)
        self.assertIn(boleto.nosso_numero, received.note)
        self.assertEqual(charge.state, "paid")
        self.assertEqual(self._payments(), payment)
        # The customer has no credit left over: the money was booked once.
        self.assertFalse(
            self.env["account.move.line"].search(
                [
                    ("partner_id", "=", self.customer.id),
                    ("account_id", "=", line.account_id.id),
                    ("reconciled", "=", False),
                    ("balance", "<", 0),
                ]
            )
        )

    def test_nosso_numero_with_check_digit_is_found(self):
        """Convênios of 4 and 6 digits print the nosso número with a dash
        before its check digit; the file carries it without."""
        _move, line = self._installment(days=5)
        boleto = self._boleto(line, state="sent")
        boleto.nosso_numero = "12345600001-7"
        title = dataclasses.replace(
            self._title(boleto, "02"), nosso_numero="123456000017"
        )
        self._import(self._retorno_bytes([title]))
        self.assertEqual(boleto.state, "registered")

    def test_overpaid_excess_stays_the_customers_credit(self):
        move, line = self._installment(days=5, amount=1000.0)
        boleto = self._boleto(line, state="registered")
        retorno = self._import(
            self._retorno_bytes([self._title(boleto, paid=Decimal("1100.00"))])
        )
        self.assertTrue(line.reconciled)
        credit = self.env["account.move.line"].search(
            [
                ("move_id", "=", retorno.line_ids.payment_id.move_id.id),
                ("account_id", "=", line.account_id.id),
                ("reconciled", "=", False),
            ]
        )
        self.assertAlmostEqual(credit.amount_residual, -100.0)
        self.assertIn(self._money(100.0), retorno.line_ids.note)
        self.assertTrue(move.activity_ids)
