# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Gerar remessa: CNAB 240 files registering boletos and carrying
instructions, numbered per agreement (issue #11)."""

from datetime import timedelta
from decimal import Decimal

from cobranca import cnab240
from cobranca.boleto import due_date_factor

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .boleto_cnab_common import BoletoCnabCommon


@tagged("post_install", "-at_install")
class TestBoletoCnabRemessa(BoletoCnabCommon):
    def _generate(self):
        return self.env["dunning.boleto.remessa"]._dunning_generate(self.account)

    def test_remessa_content_field_by_field(self):
        self.policy.boleto_protest_days = 5
        move, line = self._installment(days=5, amount=1000.0)
        boleto = self._boleto(line)
        remessa = self._generate()
        self.assertEqual(remessa.number, 1)
        self.assertEqual(self.account.remessa_number, 1)
        self.assertTrue(remessa.attachment_id.name.endswith(".rem"))
        self.assertEqual(boleto.state, "sent")
        self.assertEqual(remessa.line_ids.mapped("state"), ["sent"])
        text = self._remessa_text(remessa)
        # Read back with the library…
        read = cnab240.read_remessa(text, self._bank_account())
        self.assertEqual(read.file_number, 1)
        (title,) = read.titles
        self.assertEqual(title.movement, "01")
        self.assertEqual(title.nosso_numero, boleto.nosso_numero.replace("-", ""))
        self.assertEqual(title.amount, Decimal("1000.00"))
        self.assertEqual(title.due, line.date_maturity)
        self.assertEqual(title.document_number, move.name[-15:].upper())
        self.assertEqual((title.fine_code, title.fine), ("2", Decimal("2.00")))
        self.assertEqual(title.fine_date, line.date_maturity + timedelta(days=1))
        self.assertEqual((title.interest_code, title.interest), ("2", Decimal("1.00")))
        self.assertEqual((title.protest_code, title.protest_days), ("1", 5))
        self.assertEqual(title.payer.doc, "11222333000181")
        self.assertEqual(title.payer.zip, "01001000")
        self.assertEqual(title.payer.state, "SP")
        # … and by the positions of FEBRABAN's layout.
        lines = text.split("\r\n")
        seg_p, seg_q, seg_r = lines[2], lines[3], lines[4]
        self.assertEqual(seg_p[13], "P")
        self.assertEqual(seg_p[15:17], "01")
        self.assertEqual(seg_p[37:57].strip(), boleto.nosso_numero.replace("-", ""))
        self.assertEqual(seg_p[77:85], line.date_maturity.strftime("%d%m%Y"))
        self.assertEqual(seg_p[85:100], "000000000100000")
        self.assertEqual(seg_p[117], "2")
        self.assertEqual(seg_p[126:141], "000000000000100")
        self.assertEqual(seg_p[220:223], "105")
        self.assertEqual(seg_q[13], "Q")
        self.assertEqual(seg_q[17:33], "2011222333000181")
        self.assertEqual(seg_r[13], "R")
        self.assertEqual(seg_r[65], "2")
        self.assertEqual(seg_r[74:89], "000000000000200")

    def test_numbering_increments_and_nothing_is_sent_twice(self):
        _move, line = self._installment(days=5)
        self._boleto(line)
        first = self._generate()
        with self.assertRaises(UserError):
            self._generate()  # nothing left to send
        _move, line2 = self._installment(days=8)
        self._boleto(line2)
        second = self._generate()
        self.assertEqual((first.number, second.number), (1, 2))
        self.assertEqual(self.account.remessa_number, 2)
        self.assertEqual(
            cnab240.read_remessa(
                self._remessa_text(second), self._bank_account()
            ).file_number,
            2,
        )

    def test_payer_without_cpf_cnpj_is_not_sent(self):
        nobody = self._customer("Cliente Sem Documento")
        move = self._invoice(nobody, self.today + timedelta(days=5))
        line = move.line_ids.filtered(
            lambda aml: aml.account_id.account_type == "asset_receivable"
        )
        without = self._boleto(line)
        with self.assertRaisesRegex(UserError, "Cliente Sem Documento"):
            self._generate()
        self.assertEqual(without.state, "draft")
        _move, good_line = self._installment(days=5)
        good = self._boleto(good_line)
        remessa = self._generate()
        self.assertEqual(good.state, "sent")
        self.assertEqual(without.state, "draft")
        not_sent = remessa.line_ids.filtered(lambda rl: rl.state == "not_sent")
        self.assertEqual(not_sent.boleto_id, without)
        self.assertIn("CPF/CNPJ", not_sent.reason)
        read = cnab240.read_remessa(self._remessa_text(remessa), self._bank_account())
        self.assertEqual(len(read.titles), 1)

    def test_instructions_are_movements_of_the_next_file(self):
        _move, line = self._installment(days=5)
        boleto = self._boleto(line, state="registered")
        boleto.action_dunning_request_writeoff()
        new_due = line.date_maturity + timedelta(days=10)
        wizard = Form(
            self.env["dunning.boleto.instruction.wizard"].with_context(
                **boleto.action_dunning_change_due_date()["context"]
            )
        )
        wizard.new_due_date = new_due
        wizard.save().action_confirm()
        wizard = Form(
            self.env["dunning.boleto.instruction.wizard"].with_context(
                **boleto.action_dunning_protest()["context"]
            )
        )
        wizard.protest_days = 10
        wizard.save().action_confirm()
        queued = boleto.remessa_line_ids
        self.assertEqual(queued.mapped("state"), ["queued"] * 3)
        remessa = self._generate()
        read = cnab240.read_remessa(self._remessa_text(remessa), self._bank_account())
        self.assertEqual([t.movement for t in read.titles], ["02", "06", "09"])
        self.assertEqual(read.titles[1].due, new_due)
        self.assertEqual(
            (read.titles[2].protest_code, read.titles[2].protest_days), ("1", 10)
        )
        # The slip shows the new due date.
        self.assertEqual(boleto.due_date, new_due)
        self.assertEqual(boleto.barcode[5:9], str(due_date_factor(new_due)))
        # A boleto never registered gets no instruction.
        _move, line2 = self._installment(days=5)
        draft = self._boleto(line2)
        with self.assertRaises(UserError):
            draft._dunning_queue_instruction("09", days=3)
        draft.action_dunning_request_writeoff()
        self.assertEqual(draft.state, "cancelled")

    def test_protest_days_follow_the_library_rule(self):
        self.policy.boleto_protest_days = 99
        with self.assertRaises(ValidationError):
            self.policy.boleto_protest_days = 100
        with self.assertRaises(ValidationError):
            self.policy.boleto_protest_days = -1
