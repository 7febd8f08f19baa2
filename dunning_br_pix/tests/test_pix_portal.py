# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import html
import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from cobranca.charges import compute_late_charges
from cobranca.pix import parse_brcode, static_txid

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.dunning_br.tests.common import translated_term

from .common import PixSandboxCommon


@tagged("post_install", "-at_install")
class TestPixPortal(PixSandboxCommon, HttpCase):
    """The customer's invoice page shows a Pix code for each open installment."""

    def _two_installments(self):
        """An invoice of 1,000.00 in two installments of 500.00: one 10 days
        overdue, one due in 20 days."""
        term = self.env["account.payment.term"].create(
            {
                "name": "2 parcelas",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 50, "nb_days": 0}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 50, "nb_days": 30}
                    ),
                ],
            }
        )
        move = self._invoice(
            self.customer, self.today - timedelta(days=10), 1000.0, payment_term=term
        )
        lines = move.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).sorted("date_maturity")
        return move, lines

    def _shows_pix_title(self, text):
        """Whether the page ``text`` has the title of the Pix block, in the
        language it is rendered in (one of those installed)."""
        view = self.env.ref("dunning_br_pix.portal_invoice_page_pix")
        return any(
            translated_term(view, "arch_db", "Pay with Pix", code) in text
            for code, _name in self.env["res.lang"].get_installed()
        )

    def _page_codes(self, move):
        page = self.url_open(move.get_portal_url())
        self.assertEqual(page.status_code, 200)
        codes = re.findall(
            r"<textarea[^>]*o_dunning_pix_copy[^>]*>([^<]*)</textarea>", page.text
        )
        return page.text, [html.unescape(code).strip() for code in codes]

    def test_static_code_per_installment_with_todays_amount(self):
        self.provider.dunning_pix_mode = "static"
        move, (overdue, upcoming) = self._two_installments()
        text, codes = self._page_codes(move)
        self.assertTrue(self._shows_pix_title(text))
        self.assertEqual(len(codes), 2)
        overdue_code, upcoming_code = (parse_brcode(code) for code in codes)
        # The overdue installment: 500.00 with the policy's 2% fine and 1% a
        # month of interest, as the régua computes them today.
        expected = compute_late_charges(
            Decimal("500.00"),
            overdue.date_maturity,
            self.engine._today(self.company),
            self.policy._late_charge_policy(),
            consumer=False,
            calendar=self.engine._calendar(self.company),
        ).total
        self.assertGreater(expected, Decimal("510.00"))
        self.assertEqual(Decimal(overdue_code["amount"]), expected)
        self.assertEqual(Decimal(upcoming_code["amount"]), Decimal("500.00"))
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        self.assertEqual(overdue_code["txid"], static_txid(uuid, overdue.id))
        self.assertEqual(upcoming_code["txid"], static_txid(uuid, upcoming.id))
        self.assertIn("data:image/png;base64,", text)
        # Paid installments get no code.
        self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=overdue.ids
        ).create({"amount": 500.0})._create_payments()
        _text, codes = self._page_codes(move)
        self.assertEqual(
            [Decimal(parse_brcode(code)["amount"]) for code in codes],
            [Decimal("500.00")],
        )

    def test_dynamic_code_is_the_stored_charge_and_the_page_never_calls_the_psp(
        self,
    ):
        move, lines = self._two_installments()
        charges = self.env["dunning.pix.charge"]
        # No charge yet: the page says the code comes soon, and the PSP hears
        # nothing (no token, no charge) while it renders.
        text, codes = self._page_codes(move)
        self.assertFalse(codes)
        self.assertEqual(text.count("o_dunning_pix_soon"), 2)
        self.assertEqual(self.psp.requests, [])
        self.assertFalse(charges.search([("move_line_id", "in", lines.ids)]))
        # The scheduled action creates the charges; the page shows them.
        self.assertEqual(charges._cron_dunning_pix_charges(), (2, 0))
        stored = charges.search([("move_line_id", "in", lines.ids)])
        self.assertEqual(len(stored), 2)
        self.assertEqual(len(self._requests("PUT", "cobv")), 2)
        before = len(self.psp.requests)
        _text, codes = self._page_codes(move)
        self.assertEqual(sorted(codes), sorted(stored.mapped("copia_e_cola")))
        self.assertEqual(len(self.psp.requests), before)
        # An installment changed (partly paid): its charge is out of date,
        # so the page shows no stale code, still without calling the PSP.
        self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=lines[1].ids
        ).create({"amount": 100.0})._create_payments()
        text, codes = self._page_codes(move)
        self.assertEqual(len(codes), 1)
        self.assertEqual(text.count("o_dunning_pix_soon"), 1)
        self.assertEqual(len(self.psp.requests), before)

    def test_qr_link_of_an_email_reminder_serves_the_image(self):
        self.provider.dunning_pix_mode = "static"
        move, _line = self._installment(days=5)
        self.engine._run_for(self.company, today=self.run_day)
        communication = self._history(move).communication_id
        self.assertEqual(communication.channel, "email")
        (instruction,) = communication._dunning_lines()[0]["payment"]
        url = urlsplit(instruction["image"])
        self.assertEqual(url.path, "/report/barcode/")
        response = self.url_open(f"{url.path}?{url.query}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "image/png")
        self.assertTrue(response.content.startswith(b"\x89PNG"))

    def test_no_pix_without_an_enabled_provider(self):
        self.provider.state = "disabled"
        move, _lines = self._two_installments()
        text, codes = self._page_codes(move)
        self.assertFalse(codes)
        self.assertFalse(self._shows_pix_title(text))
