# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.dunning_br.tests.common import translated_term

from .common import PixSandboxCommon


@tagged("post_install", "-at_install")
class TestPixPortalPortuguese(PixSandboxCommon, HttpCase):
    """A Brazilian customer signed in to the portal in Portuguese sees the
    invoice page, its preview and its Pix codes: never an error page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("pt_BR")
        cls.customer.lang = "pt_BR"
        cls.portal_user = new_test_user(
            cls.env,
            login="cliente.portal",
            password="cliente.portal",
            groups="base.group_portal",
            partner_id=cls.customer.id,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _assert_no_error_page(self, response):
        self.assertEqual(response.status_code, 200, response.url)
        error_page = self.env.ref("http_routing.400")
        for lang in ("en_US", "pt_BR"):
            oops = translated_term(
                error_page, "arch_db", "Oops! Something went wrong.", lang
            )
            self.assertNotIn(oops, response.text)
        self.assertNotIn("Traceback", response.text)

    def test_invoice_page_and_preview_in_portuguese(self):
        self.provider.dunning_pix_mode = "static"
        move, _line = self._installment(days=-10)
        self.authenticate("cliente.portal", "cliente.portal")

        page = self.url_open(f"/my/invoices/{move.id}")
        self._assert_no_error_page(page)
        view = self.env.ref("dunning_br_pix.portal_invoice_page_pix")
        self.assertIn(
            translated_term(view, "arch_db", "Pay with Pix", "pt_BR"), page.text
        )
        self.assertIn("o_dunning_pix_copy", page.text)

        # The invoice itself, as the page's preview shows it.
        preview = self.url_open(f"/my/invoices/{move.id}?report_type=html")
        self._assert_no_error_page(preview)
        self.assertIn(move.name, preview.text)

    def test_invoice_list_in_portuguese(self):
        move, _line = self._installment(days=5)
        self.authenticate("cliente.portal", "cliente.portal")
        page = self.url_open("/my/invoices")
        self._assert_no_error_page(page)
        self.assertIn(move.name, page.text)
        self.assertIn(f"/my/invoices/{move.id}", page.text)
