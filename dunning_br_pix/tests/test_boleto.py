# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from decimal import Decimal

from cobranca import boleto as boleto_lib
from psycopg2 import IntegrityError
from reportlab.graphics.barcode.common import I2of5

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import PixSandboxCommon


class BoletoCommon(PixSandboxCommon):
    """The company of the Pix tests with a Banco do Brasil agreement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.write(
            {"vat": "11.222.333/0001-81", "street": "Rua das Flores, 100"}
        )
        cls.customer.write(
            {
                "street": "Avenida Paulista, 1000",
                "zip": "01310-100",
                "city": "São Paulo",
            }
        )
        cls.boleto_account = cls.env["dunning.boleto.account"].create(
            {
                "company_id": cls.company.id,
                "journal_id": cls.company_data["default_journal_bank"].id,
                "bank_code": "001",
                "agencia": "1234",
                "agencia_dv": "5",
                "conta": "12345",
                "conta_dv": "6",
                "convenio": "1234567",
                "carteira": "17",
            }
        )
        cls.Boleto = cls.env["dunning.boleto"]

    def _expected(self, boleto, due, amount):
        """What the library computes for ``boleto``'s nosso número."""
        return boleto_lib.make_boleto(
            "001",
            convenio="1234567",
            agencia="1234",
            conta="12345",
            carteira="17",
            nosso_numero=boleto.sequence_number,
            due=due,
            amount=Decimal(amount),
        )

    def _html(self, boletos):
        report = self.env.ref("dunning_br_pix.action_report_dunning_boleto")
        html, _kind = report._render_qweb_html(report, boletos.ids)
        return html.decode()


@tagged("post_install", "-at_install")
class TestBoleto(BoletoCommon):
    def test_boleto_of_an_installment_is_the_library_s(self):
        _move, line = self._installment(days=5, amount=1234.56)
        boleto = self.Boleto._dunning_boleto_ensure(line)
        self.assertEqual(len(boleto), 1)
        expected = self._expected(boleto, line.date_maturity, "1234.56")
        self.assertEqual(boleto.barcode, expected.barcode)
        self.assertEqual(boleto.linha_digitavel, expected.linha)
        self.assertEqual(boleto.nosso_numero, expected.nosso_numero)
        self.assertEqual(boleto.nosso_numero, "12345670000000001")
        self.assertEqual(boleto.amount, 1234.56)
        self.assertEqual(boleto.due_date, line.date_maturity)
        self.assertEqual(boleto.state, "draft")
        self.assertEqual(boleto.partner_id, self.customer)
        # Twice: nothing new.
        self.assertEqual(self.Boleto._dunning_boleto_ensure(line), boleto)
        self.assertEqual(self.Boleto.search_count([("move_line_id", "=", line.id)]), 1)
        # The next installment gets the next nosso número.
        _move, other = self._installment(days=6, amount=10.0)
        self.assertEqual(
            self.Boleto._dunning_boleto_ensure(other).nosso_numero,
            "12345670000000002",
        )

    def test_overdue_installment_keeps_its_due_date(self):
        _move, line = self._installment(days=-10, amount=500.0)
        boleto = self.Boleto._dunning_boleto_ensure(line)
        self.assertEqual(boleto.due_date, self.today - timedelta(days=10))
        self.assertEqual(boleto.amount, 500.0)

    def test_one_current_boleto_per_installment(self):
        _move, line = self._installment(days=5)
        boleto = self.Boleto._dunning_boleto_ensure(line)
        with (
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
            mute_logger("odoo.sql_db"),
        ):
            boleto.copy(
                {
                    "sequence_number": "999",
                    "nosso_numero": "x",
                    "barcode": "x",
                    "linha_digitavel": "x",
                }
            )
        # A partial payment: the boleto not sent to the bank is replaced.
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=line.move_id.ids
        ).create({"amount": 400.0})._create_payments()
        new = self.Boleto._dunning_boleto_ensure(line)
        self.assertNotEqual(new, boleto)
        self.assertEqual(boleto.state, "cancelled")
        self.assertEqual(new.amount, 600.0)

    def test_no_boleto_for_paid_or_other_lines(self):
        move, line = self._installment(days=5)
        self.assertFalse(self.Boleto._dunning_boleto_ensure(move.line_ids - line))
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({})._create_payments()
        self.assertFalse(self.Boleto._dunning_boleto_ensure(line))

    def test_slip_html(self):
        _move, line = self._installment(days=5, amount=1234.56)
        self.provider.state = "disabled"
        boleto = self.Boleto._dunning_boleto_ensure(line)
        self.assertFalse(boleto.pix_charge_id)
        html = self._html(boleto)
        self.assertIn(boleto_lib.format_linha(boleto.linha_digitavel), html)
        self.assertIn("001-9", html)
        self.assertIn(boleto.nosso_numero, html)
        self.assertIn(self._money(1234.56), html)
        self.assertIn("1234-5 / 12345-6", html)
        self.assertIn(line.move_id.name, html)
        self.assertIn("11.222.333/0001-81", html)
        self.assertIn("Avenida Paulista, 1000", html)
        self.assertRegex(
            html, r'<img class="o_boleto_barcode"[^>]* src="data:image/png;base64,'
        )
        # The policy's fine (2%) and interest (1% a month: R$ 0,41 a day).
        self.assertIn("2%", html)
        self.assertIn("1%", html)
        self.assertIn(self._money(0.41), html)
        self.assertNotIn('<img class="o_boleto_pix_qr"', html)

    def test_barcode_image_encodes_the_44_digits(self):
        """reportlab's I2of5 appends a check digit unless told not to: the
        slip's barcode is the 44 digits, nothing more."""
        _move, line = self._installment(days=5)
        boleto = self.Boleto._dunning_boleto_ensure(line)
        symbol = I2of5(boleto.barcode, checksum=0, bearers=0, ratio=3)
        symbol.validate()
        symbol.encode()
        self.assertEqual(symbol.encoded, boleto.barcode)
        self.assertTrue(boleto._dunning_barcode_image().startswith("data:image/png"))

    def test_bolepix(self):
        _move, line = self._installment(days=5)
        charge = self._charge(line)
        boleto = self.Boleto._dunning_boleto_ensure(line)
        self.assertEqual(boleto.pix_charge_id, charge)
        html = self._html(boleto)
        self.assertRegex(
            html, r'<img class="o_boleto_pix_qr"[^>]* src="data:image/png;base64,'
        )
        self.assertIn(charge.copia_e_cola, html.replace("&amp;", "&"))

    def test_issue_from_the_invoice(self):
        move, line = self._installment(days=5)
        user = new_test_user(
            self.env,
            login="faturista",
            groups="account.group_account_invoice,dunning_br.group_dunning_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        action = move.with_user(user).action_dunning_boleto_issue()
        boleto = self.Boleto.search([("move_line_id", "=", line.id)])
        self.assertEqual(len(boleto), 1)
        self.assertEqual(action["res_model"], "dunning.boleto")
        self.assertEqual(self.Boleto.search(action["domain"]), boleto)
        self.assertEqual(move.dunning_boleto_count, 1)
        move.with_user(user).action_dunning_boleto_issue()
        self.assertEqual(self.Boleto.search_count([("move_id", "=", move.id)]), 1)

    def test_issue_without_agreement(self):
        move, _line = self._installment(days=5)
        self.boleto_account.active = False
        with self.assertRaisesRegex(UserError, "no boleto agreement"):
            move.action_dunning_boleto_issue()

    def test_payment_method(self):
        """The provider offers Odoo's Boleto method where the company has an
        agreement; paying by it shows the invoice's boletos."""
        method = self.env.ref("payment.payment_method_boleto")
        self.provider.payment_method_ids = [Command.link(method.id)]
        method.active = True

        def compatible():
            return self.env["payment.method"]._get_compatible_payment_methods(
                self.provider.ids,
                self.customer.id,
                currency_id=self.company.currency_id.id,
            )

        self.assertIn(method, compatible())
        move, line = self._installment(days=5)
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": method.id,
                "amount": 1000.0,
                "currency_id": self.company.currency_id.id,
                "partner_id": self.customer.id,
                "reference": "BOLETO-TX-1",
                "invoice_ids": [Command.set(move.ids)],
            }
        )
        values = tx._get_specific_rendering_values({})
        self.assertEqual(values["api_url"], "/payment/dunning_pix/process")
        boleto = self.Boleto._dunning_boleto_current(line)
        self.assertTrue(boleto)
        self.assertEqual(
            [item["boleto"] for item in tx._dunning_boleto_items()], [boleto]
        )
        self.assertFalse(self.psp.api_requests() and self._requests("PUT", "cob"))
        self.boleto_account.active = False
        self.assertNotIn(method, compatible())
        with self.assertRaisesRegex(ValidationError, "boleto agreement"):
            tx._get_specific_rendering_values({})

    def test_cancel(self):
        _move, line = self._installment(days=5)
        boleto = self.Boleto._dunning_boleto_ensure(line)
        boleto.action_cancel()
        self.assertEqual(boleto.state, "cancelled")
        new = self.Boleto._dunning_boleto_ensure(line)
        self.assertNotEqual(new, boleto)
        new.state = "registered"
        with self.assertRaisesRegex(UserError, "baixa"):
            new.action_cancel()

    def test_bad_agreement_names_the_field(self):
        with self.assertRaisesRegex(ValidationError, r"Convênio.*4, 6 or 7 digits"):
            self.boleto_account.convenio = "12345"
        with self.assertRaisesRegex(ValidationError, "Branch"):
            self.boleto_account.agencia = "123456"

    def test_agreements_are_managed_by_managers(self):
        user = new_test_user(
            self.env,
            login="contas.receber",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        account = self.boleto_account.with_user(user)
        self.assertEqual(account.carteira, "17")
        with self.assertRaises(AccessError):
            account.carteira = "18"
        with self.assertRaises(AccessError):
            account.copy()
        _move, line = self._installment(days=5)
        boleto = self.Boleto._dunning_boleto_ensure(line).with_user(user)
        with self.assertRaises(AccessError):
            boleto.amount = 1.0


@tagged("post_install", "-at_install")
class TestBoletoDunning(BoletoCommon):
    """The régua issues the boletos of the steps that attach them, before
    their messages are rendered, and attaches their PDF to the e-mails."""

    def _mail(self, move):
        communication = self._history(move).communication_id[:1]
        return communication, self.env["mail.mail"].search(
            [
                ("model", "=", "dunning.communication"),
                ("res_id", "=", communication.id),
            ]
        )

    def test_step_with_boleto(self):
        self.step_before.attach_boleto = True
        move, line = self._installment(days=5)
        # Another customer's late installment: its step (D+3) does not
        # attach boletos.
        other = self._customer("Mercado Central", vat="11444777000161")
        late = self._invoice(other, self.today - timedelta(days=3))
        late_line = late.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        self.engine._run_for(self.company, today=self.run_day)
        communication, mail = self._mail(move)
        boleto = self.Boleto.search([("move_line_id", "=", line.id)])
        self.assertEqual(len(boleto), 1)
        # Bolepix: the run made the Pix charge first.
        self.assertTrue(boleto.pix_charge_id)
        self.assertEqual(len(mail.attachment_ids), 1)
        self.assertIn(boleto.nosso_numero, mail.attachment_ids.name)
        self.assertIn(
            boleto_lib.format_linha(boleto.linha_digitavel),
            mail.attachment_ids.raw.decode(),
        )
        self.assertIn(boleto_lib.format_linha(boleto.linha_digitavel), mail.body_html)
        self.assertEqual(communication.step_id, self.step_before)
        # The step of the late installment does not attach boletos.
        _communication, late_mail = self._mail(late)
        self.assertTrue(late_mail)
        self.assertFalse(late_mail.attachment_ids)
        self.assertFalse(self.Boleto.search([("move_line_id", "=", late_line.id)]))

    def test_step_without_boleto(self):
        move, line = self._installment(days=5)
        self.engine._run_for(self.company, today=self.run_day)
        _communication, mail = self._mail(move)
        self.assertTrue(mail)
        self.assertFalse(mail.attachment_ids)
        self.assertFalse(self.Boleto.search([("move_line_id", "=", line.id)]))

    def test_bad_agreement_does_not_stop_the_reminder(self):
        self.step_before.attach_boleto = True
        # An agreement the bank refuses (stored before the checks existed).
        self.env.cr.execute(
            SQL(
                "UPDATE dunning_boleto_account SET convenio = '12345' WHERE id = %s",
                self.boleto_account.id,
            )
        )
        self.boleto_account.invalidate_recordset(["convenio"])
        move, _line = self._installment(days=5)
        with self.assertLogs("odoo.addons.dunning_br_pix", "ERROR"):
            self.engine._run_for(self.company, today=self.run_day)
        _communication, mail = self._mail(move)
        self.assertTrue(mail)
        self.assertFalse(mail.attachment_ids)
