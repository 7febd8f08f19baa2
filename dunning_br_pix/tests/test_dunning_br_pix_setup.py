# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.dunning_br.tests.common import TranslationCheckMixin


@tagged("post_install", "-at_install")
class TestDunningBrPixSetup(TranslationCheckMixin, TransactionCase):
    def test_core_pix_and_boleto_methods_are_reused(self):
        # The provider builds on Odoo's own payment methods, not on copies.
        for xmlid, code in (
            ("payment.payment_method_pix", "pix"),
            ("payment.payment_method_boleto", "boleto"),
        ):
            method = self.env.ref(xmlid)
            self.assertEqual(method.code, code)
        all_methods = self.env["payment.method"].with_context(active_test=False)
        self.assertEqual(all_methods.search_count([("code", "=", "pix")]), 1)

    def test_translations_complete(self):
        self.assert_pt_br_complete("dunning_br_pix")
