# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from cobranca.pix import parse_brcode
from markupsafe import escape as html_escape

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import CNPJ, PixSandboxCommon


@tagged("post_install", "-at_install")
class TestPixCharges(PixSandboxCommon, TransactionCase):
    def test_cobv_body_carries_the_policy(self):
        _move, line = self._installment(days=5, amount=1234.5)
        charge = self._charge(line)
        self.assertEqual(len(charge), 1)
        (put,) = self._requests("PUT", "cobv")
        body = put.json
        self.assertEqual(put.path, f"/api/v2/cobv/{charge.txid}")
        self.assertEqual(
            body["calendario"],
            {
                "dataDeVencimento": line.date_maturity.isoformat(),
                "validadeAposVencimento": 20,
            },
        )
        self.assertEqual(body["devedor"], {"cnpj": CNPJ, "nome": "Padaria Pão Quente"})
        self.assertEqual(body["valor"]["original"], "1234.50")
        self.assertEqual(body["valor"]["multa"], {"modalidade": 2, "valorPerc": "2.00"})
        self.assertEqual(body["valor"]["juros"], {"modalidade": 3, "valorPerc": "1.00"})
        self.assertEqual(charge.state, "active")
        self.assertEqual(charge.psp_status, "ATIVA")
        self.assertTrue(35 >= len(charge.txid) >= 26)
        self.assertTrue(parse_brcode(charge.copia_e_cola)["url"])
        self.assertEqual(self.psp.errors, [])

    def test_overdue_installment_gets_a_charge_due_today(self):
        """The API Pix refuses a past due date: the charge of an installment
        already overdue falls due today, for today's updated amount, and the
        PSP only adds simple interest on the open amount afterwards."""
        _move, line = self._installment(days=-10, amount=1000.0)
        charge = self._charge(line)
        (put,) = self._requests("PUT", "cobv")
        body = put.json
        today = self.engine._today(self.company)
        self.assertEqual(body["calendario"]["dataDeVencimento"], today.isoformat())
        self.assertEqual(charge.date_due, today)
        updated = self.engine._late_charges(line, self.policy, today)
        self.assertGreater(updated.fine, 0)
        self.assertGreater(updated.interest, 0)
        self.assertEqual(body["valor"]["original"], f"{updated.total:.2f}")
        # No second fine; 1% a month scaled to the updated amount, rounded down.
        self.assertNotIn("multa", body["valor"])
        rate = Decimal(body["valor"]["juros"]["valorPerc"])
        self.assertLessEqual(rate * updated.total / 100, Decimal("10.00"))
        self.assertGreater(rate * updated.total / 100, Decimal("9.90"))
        self.assertEqual(self.psp.errors, [])
        # The next day nothing changes: the charge is revised only when the
        # installment (or its policy) does.
        self._charge(line)
        self.assertEqual(len(self._requests("PUT", "cobv")), 1)
        self.assertFalse(self._requests("PATCH", "cobv"))

    def test_consumer_fine_is_capped(self):
        self.policy.fine_percent = 10.0
        self.customer.write({"vat": "52998224725", "is_company": False})
        _move, line = self._installment()
        self._charge(line)
        (put,) = self._requests("PUT", "cobv")
        self.assertEqual(put.json["devedor"]["cpf"], "52998224725")
        self.assertEqual(put.json["valor"]["multa"]["valorPerc"], "2.00")

    def test_twice_creates_one_charge(self):
        _move, line = self._installment()
        first = self._charge(line)
        second = self._charge(line)
        self.assertEqual(first, second)
        self.assertEqual(
            self.env["dunning.pix.charge"].search_count(
                [("move_line_id", "=", line.id)]
            ),
            1,
        )
        self.assertEqual(len(self._requests("PUT", "cobv")), 1)
        self.assertEqual(len(self.psp.charges), 1)

    def test_revision_when_the_installment_changes(self):
        _move, line = self._installment(days=5)
        charge = self._charge(line)
        self.assertEqual(charge.revision, 0)
        line.date_maturity = self.today + timedelta(days=12)
        charge._dunning_pix_sync()
        (patch,) = self._requests("PATCH", "cobv")
        self.assertEqual(
            patch.json["calendario"]["dataDeVencimento"],
            (self.today + timedelta(days=12)).isoformat(),
        )
        self.assertEqual(charge.revision, 1)
        self.assertEqual(charge.date_due, self.today + timedelta(days=12))

    def test_cancelled_when_paid_elsewhere(self):
        move, line = self._installment()
        charge = self._charge(line)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({})._create_payments()
        self.assertTrue(line.reconciled)
        self.env["payment.provider"]._cron_dunning_pix_poll()
        self.assertEqual(charge.state, "cancelled")
        self.assertEqual(
            self.psp.charges[charge.txid].status, "REMOVIDA_PELO_USUARIO_RECEBEDOR"
        )

    def test_psp_error_is_clear(self):
        _move, line = self._installment()
        self.provider.dunning_pix_key = "someone@example.com"
        with self.assertRaisesRegex(Exception, "chave"):
            self._charge(line)
        self.assertFalse(
            self.env["dunning.pix.charge"].search([("move_line_id", "=", line.id)])
        )

    def test_dunning_reminder_carries_pix(self):
        move, line = self._installment(days=5)
        self.engine._run_for(self.company, today=self.run_day)
        history = self._history(move)
        self.assertTrue(history)
        communication = history.communication_id[:1]
        lines = communication._dunning_lines()
        (instruction,) = lines[0]["payment"]
        charge = self.env["dunning.pix.charge"].search([("move_line_id", "=", line.id)])
        self.assertEqual(instruction["value"], charge.copia_e_cola)
        # An e-mail: the QR code is a link to Odoo's public barcode route
        # (e-mail clients do not show data URLs); letters and the portal
        # embed it.
        self.assertEqual(communication.channel, "email")
        url = instruction["image"]
        self.assertTrue(url.startswith(line.get_base_url() + "/report/barcode/?"))
        self.assertEqual(parse_qs(urlsplit(url).query)["value"], [charge.copia_e_cola])
        mail = self.env["mail.mail"].search(
            [("model", "=", "dunning.communication"), ("res_id", "=", communication.id)]
        )
        self.assertIn(html_escape(url), mail.body_html)
        # The run created the charge before rendering: the e-mail carries it.
        self.assertEqual(len(self._requests("PUT", "cobv")), 1)
        self.assertIn(html_escape(charge.copia_e_cola), mail.body_html)
        letter = line._dunning_pix_instruction(Decimal("1000.00"))
        self.assertTrue(letter["image"].startswith("data:image/png;base64,"))

    def test_psp_down_delays_the_pix_code_not_the_reminder(self):
        move, line = self._installment(days=5)
        self.psp.stop()
        with self.assertLogs("odoo.addons.dunning_br_pix", "ERROR") as logs:
            self.engine._run_for(self.company, today=self.run_day)
        self.assertIn("does not answer", "\n".join(logs.output))
        history = self._history(move)
        self.assertEqual(history.state, "sent")
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "dunning.communication"),
                ("res_id", "=", history.communication_id.id),
            ]
        )
        self.assertTrue(mail)
        lang = history.communication_id._dunning_lang()
        soon = line.with_context(lang=lang).env._(
            "the Pix code of this installment will be available soon on the "
            "invoice page."
        )
        self.assertIn(soon, mail.body_html)
        self.assertNotIn("/report/barcode/", mail.body_html)
        self.assertFalse(
            self.env["dunning.pix.charge"].search([("move_line_id", "=", line.id)])
        )
        # Rendering it again reads what is stored: no call to the PSP.
        self.psp.start()
        (instruction,) = history.communication_id._dunning_lines()[0]["payment"]
        self.assertFalse(instruction["value"])
        self.assertEqual(self.psp.requests, [])
        # The scheduled action makes the charge once the PSP is back.
        self.provider.write(
            {
                "dunning_pix_base_url": self.psp.base_url,
                "dunning_pix_token_url": self.psp.token_url,
            }
        )
        self.env["dunning.pix.charge"]._cron_dunning_pix_charges()
        charge = self.env["dunning.pix.charge"].search([("move_line_id", "=", line.id)])
        self.assertTrue(charge.copia_e_cola)
        history.communication_id.invalidate_recordset()
        (instruction,) = history.communication_id._dunning_lines()[0]["payment"]
        self.assertEqual(instruction["value"], charge.copia_e_cola)

    def test_posting_an_invoice_schedules_its_charges(self):
        cron = self.env.ref("dunning_br_pix.ir_cron_dunning_pix_charges")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        _move, line = self._installment()
        self.assertGreater(Trigger.search_count([("cron_id", "=", cron.id)]), before)
        self.assertFalse(self.psp.api_requests())  # posting never waits for the PSP
        self.assertEqual(
            self.env["dunning.pix.charge"]._cron_dunning_pix_charges(), (1, 0)
        )
        charge = self.env["dunning.pix.charge"].search([("move_line_id", "=", line.id)])
        self.assertTrue(charge.copia_e_cola)

    def test_charges_cron_stops_when_the_psp_is_down(self):
        for days in (5, 6, 7):
            self._installment(days=days)
        self.psp.stop()
        with self.assertLogs("odoo.addons.dunning_br_pix", "ERROR") as logs:
            result = self.env["dunning.pix.charge"]._cron_dunning_pix_charges()
        self.assertEqual(result, (0, 3))
        # Called once, not once per installment.
        self.assertEqual(len(logs.output), 1)
        self.assertIn("does not answer", logs.output[0])

    def test_static_mode(self):
        self.provider.dunning_pix_mode = "static"
        move, _line = self._installment(days=5, amount=150.0)
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.pix_method.id,
                "reference": "INV-PIX-1",
                "amount": 150.0,
                "currency_id": self.company.currency_id.id,
                "partner_id": self.customer.id,
                "invoice_ids": [(6, 0, move.ids)],
            }
        )
        values = tx._get_specific_rendering_values({})
        payload = parse_brcode(values["copia_e_cola"])
        self.assertEqual(payload["amount"], Decimal("150.00"))
        self.assertEqual(payload["key"], self.provider.dunning_pix_key)
        self.assertLessEqual(len(payload["txid"]), 25)
        self.assertEqual(payload["merchant_city"], "Sao Paulo")
        self.assertFalse(self.psp.api_requests())

    def test_static_mode_bad_input(self):
        self.provider.dunning_pix_mode = "static"
        self.company.name = "Padaria e Confeitaria São João – Filial Ø"
        move, _line = self._installment(days=5, amount=150.0)
        values = {
            "provider_id": self.provider.id,
            "payment_method_id": self.pix_method.id,
            "currency_id": self.company.currency_id.id,
            "partner_id": self.customer.id,
            "invoice_ids": [(6, 0, move.ids)],
        }
        tx = self.env["payment.transaction"].create(
            dict(values, reference="INV-PIX-2", amount=150.0)
        )
        payload = parse_brcode(tx._get_specific_rendering_values({})["copia_e_cola"])
        self.assertEqual(payload["merchant_name"], "Padaria e Confeitaria Sao")
        too_much = self.env["payment.transaction"].create(
            dict(values, reference="INV-PIX-3", amount=1e11)
        )
        with self.assertRaisesRegex(ValidationError, "amount"):
            too_much._get_specific_rendering_values({})
        with self.assertRaises(ValidationError):
            self.provider.dunning_pix_key = "not a key"

    def test_access_rights(self):
        _move, line = self._installment()
        charge = self._charge(line)
        billing = new_test_user(
            self.env,
            "pix_billing",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        self.assertEqual(
            charge.with_user(billing).read(["txid"])[0]["txid"], charge.txid
        )
        with self.assertRaises(AccessError):
            charge.with_user(billing).write({"state": "cancelled"})
        other_company = self.env["res.company"].create({"name": "Outra Empresa"})
        other = new_test_user(
            self.env,
            "pix_other_company",
            groups="account.group_account_manager",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        self.assertFalse(
            self.env["dunning.pix.charge"]
            .with_user(other)
            .search([("id", "=", charge.id)])
        )
        portal = new_test_user(self.env, "pix_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            charge.with_user(portal).read(["txid"])
        with self.assertRaises(AccessError):
            self.provider.with_user(billing).read(["dunning_pix_client_secret"])

    def test_psp_down_does_not_break_the_cron(self):
        _move, line = self._installment()
        charge = self._charge(line)
        line.date_maturity = self.today + timedelta(days=9)
        self.psp.fail_next(20, 503)
        with (
            self.assertLogs("cobranca.pix.client", "WARNING"),
            self.assertLogs("odoo.addons.dunning_br_pix", "ERROR") as logs,
        ):
            self.env["payment.provider"]._cron_dunning_pix_poll()
        self.assertIn("503", "\n".join(logs.output))
        self.assertIn("503", charge.last_error)
        self.assertEqual(charge.state, "active")
        self.assertEqual(charge.date_due, self.today + timedelta(days=5))

    def test_no_charge_for_a_credit_note(self):
        move, _line = self._installment()
        refund = move._reverse_moves()
        refund.action_post()
        refund_line = refund.line_ids.filtered(
            lambda aml: aml.account_id.account_type == "asset_receivable"
        )
        self.assertFalse(self._charge(refund_line))
        self.assertFalse(self.psp.api_requests())

    def test_invoice_button_creates_the_charges(self):
        move, line = self._installment()
        billing = new_test_user(
            self.env,
            "pix_billing_button",
            groups="dunning_br.group_dunning_user",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        action = move.with_user(billing).action_dunning_pix_charges()
        charges = self.env["dunning.pix.charge"].search(action["domain"])
        self.assertEqual(charges.move_line_id, line)
        self.assertEqual(len(self._requests("PUT", "cobv")), 1)
