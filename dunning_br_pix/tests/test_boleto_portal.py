# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import re
import shutil

from cobranca import boleto as boleto_lib

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.pdf import PdfFileReader

from .test_boleto import BoletoCommon

MISSING = 999999999
CSRF_RE = re.compile(r'csrf_token: "[^"]*"')


@tagged("post_install", "-at_install")
class TestBoletoPortal(BoletoCommon, HttpCase):
    """The boleto's PDF on the portal: its payer and whoever has its signed
    link get it; another customer gets the same 404 as for a boleto that
    does not exist."""

    def setUp(self):
        super().setUp()
        self.other = self._customer("Outra Cliente", vat="11444777000161")
        self.user_a = self._portal_user("padaria.boleto", self.customer)
        self.user_b = self._portal_user("outra.boleto", self.other)
        self.move, line = self._installment(days=5, amount=321.0)
        self.boleto = self.Boleto._dunning_boleto_ensure(line)
        self.linha = boleto_lib.format_linha(self.boleto.linha_digitavel)

    def _portal_user(self, login, partner):
        user = new_test_user(
            self.env,
            login=login,
            password=login,
            groups="base.group_portal",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        user.partner_id.parent_id = partner
        return user

    def test_payer_gets_the_slip(self):
        self.authenticate("padaria.boleto", "padaria.boleto")
        response = self.url_open(f"/my/boleto/{self.boleto.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.linha, response.text)

    def test_signed_link_without_sign_in(self):
        response = self.url_open(self.boleto._dunning_portal_pdf_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.linha, response.text)
        bad = self.url_open(f"/my/boleto/{self.boleto.id}/{'0' * 64}")
        self.assertEqual(bad.status_code, 404)
        self.assertEqual(self.url_open(f"/my/boleto/{self.boleto.id}").status_code, 404)

    def test_other_customer_gets_the_404_of_a_missing_boleto(self):
        self.authenticate("outra.boleto", "outra.boleto")
        theirs = self.url_open(f"/my/boleto/{self.boleto.id}")
        missing = self.url_open(f"/my/boleto/{MISSING}")
        self.assertEqual(theirs.status_code, 404)
        self.assertEqual(missing.status_code, 404)
        self.assertNotIn(self.linha, theirs.text)
        # The same page, but for the per-request CSRF token.
        self.assertEqual(CSRF_RE.sub("", theirs.text), CSRF_RE.sub("", missing.text))

    def test_cancelled_boleto_is_gone(self):
        self.boleto.action_cancel()
        response = self.url_open(self.boleto._dunning_portal_pdf_url())
        self.assertEqual(response.status_code, 404)

    def test_invoice_page_and_pendencias_show_the_boleto(self):
        self.authenticate("padaria.boleto", "padaria.boleto")
        page = self.url_open(f"/my/invoices/{self.move.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.linha, page.text)
        self.assertIn(self.boleto._dunning_portal_pdf_url(), page.text)
        pendencias = self.url_open("/my/pendencias")
        self.assertEqual(pendencias.status_code, 200)
        self.assertIn(self.linha, pendencias.text)
        self.assertIn("o_dunning_boleto_pdf", pendencias.text)
        line = self.boleto.move_line_id
        pay = self.url_open(f"/my/pendencias/pay?line_ids={line.id}")
        self.assertIn(self.linha, pay.text)
        # An installment without a boleto shows none.
        _move, other_line = self._installment(days=7)
        self.assertFalse(self.Boleto._dunning_boleto_current(other_line))
        self.assertEqual(
            self.url_open("/my/pendencias").text.count("o_dunning_boleto_linha"), 1
        )

    def test_pdf(self):
        if not shutil.which("wkhtmltopdf"):
            self.skipTest("wkhtmltopdf is not installed")
        _move, line = self._installment(days=5, amount=1234.56)
        boleto = self.Boleto._dunning_boleto_ensure(line)
        # wkhtmltopdf loads the report's assets from this test server.
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        report = self.env.ref("dunning_br_pix.action_report_dunning_boleto")
        content, kind = report.with_context(
            force_report_rendering=True
        )._render_qweb_pdf(report, boleto.ids)
        self.assertEqual(kind, "pdf")
        reader = PdfFileReader(io.BytesIO(content))
        text = " ".join(" ".join(page.extractText().split()) for page in reader.pages)
        self.assertIn(boleto_lib.format_linha(boleto.linha_digitavel), text)
