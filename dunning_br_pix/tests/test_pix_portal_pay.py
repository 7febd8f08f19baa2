# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import html
import re
from datetime import timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import PixSandboxCommon


@tagged("post_install", "-at_install")
class TestPixPortalPay(PixSandboxCommon, HttpCase):
    """Paying from "Minhas pendências": the stored Pix code, Odoo's payment
    form for the updated amount, and the page that sees the payment arrive."""

    def setUp(self):
        super().setUp()
        self.other = self._customer("Outra Cliente", vat="11444777000161")
        self.user = new_test_user(
            self.env,
            login="padaria.portal",
            groups="base.group_portal",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.user.partner_id.parent_id = self.customer

    def _token(self, partner=None):
        return (partner or self.customer)._dunning_portal_token(self.company)

    def test_tour_pay_an_installment_with_pix(self):
        _move, line = self._installment(days=5, amount=1000.0)
        charge = self._charge(line)
        self.assertTrue(charge.copia_e_cola)
        self._register_webhook()
        self.env.flush_all()
        self.start_tour(
            "/my/pendencias?token=" + self._token(), "dunning_pix_portal_pay"
        )
        self.env.invalidate_all()
        self.assertTrue(line.reconciled)
        self.assertEqual(charge.state, "paid")

    def test_pay_page_shows_the_stored_pix_and_the_updated_total(self):
        _late_move, late = self._installment(days=-10, amount=500.0)
        _soon_move, soon = self._installment(days=5, amount=300.0)
        self._charge(soon)
        self.authenticate("padaria.portal", "padaria.portal")
        page = self.url_open(
            f"/my/pendencias/pay?line_ids={late.id}&line_ids={soon.id}"
        )
        self.assertEqual(page.status_code, 200)
        codes = re.findall(
            r"<textarea[^>]*o_dunning_pix_copy[^>]*>([^<]*)</textarea>", page.text
        )
        self.assertIn(
            self.env["dunning.pix.charge"]._dunning_pix_latest(soon).copia_e_cola,
            [html.unescape(code).strip() for code in codes],
        )
        self.assertIn('id="o_payment_form"', page.text)
        items = self.customer._dunning_portal_installments(line_ids=[late.id, soon.id])
        total = sum(item["total"] for item in items)
        self.assertGreater(total, 800.0)
        match = re.search(r'data-amount="([^"]+)"', page.text)
        self.assertAlmostEqual(float(match.group(1)), total)

    def test_transaction_amount_is_computed_by_the_server(self):
        _move, late = self._installment(days=-10, amount=500.0)
        self.authenticate("padaria.portal", "padaria.portal")
        result = self.make_jsonrpc_request(
            f"/my/pendencias/transaction/{late.id}",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.pix_method.id,
                "token_id": None,
                "amount": 1.0,
                "flow": "redirect",
                "tokenization_requested": False,
                "landing_route": "/my/pendencias",
                "is_validation": False,
                "access_token": "whatever",
            },
        )
        tx = self.env["payment.transaction"].search(
            [("reference", "=", result["reference"])]
        )
        (item,) = self.customer._dunning_portal_installments(line_ids=[late.id])
        self.assertAlmostEqual(tx.amount, item["total"])
        self.assertGreater(tx.amount, 500.0)
        self.assertEqual(tx.invoice_ids, late.move_id)

    def test_another_customers_installment_is_a_404(self):
        _move, mine = self._installment(days=5)
        other_move = self._invoice(self.other, self.today + timedelta(days=5))
        theirs = other_move.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        self.authenticate("padaria.portal", "padaria.portal")
        for ids in (f"{theirs.id}", f"{mine.id},{theirs.id}", "999999999"):
            page = self.url_open(f"/my/pendencias/pay?line_ids={ids}")
            self.assertEqual(page.status_code, 404, ids)
        self.assertEqual(
            self.url_open(f"/my/pendencias/pay?line_ids={mine.id}").status_code, 200
        )
        # Public visitors without a token sign in; with a token they pay.
        self.authenticate(None, None)
        page = self.url_open(
            f"/my/pendencias/pay?line_ids={mine.id}", allow_redirects=False
        )
        self.assertIn("/web/login", page.headers.get("Location", ""))
        self.url_open("/my/pendencias?token=" + self._token())
        self.assertEqual(
            self.url_open(f"/my/pendencias/pay?line_ids={mine.id}").status_code, 200
        )
        self.assertEqual(
            self.url_open(f"/my/pendencias/pay?line_ids={theirs.id}").status_code, 404
        )
