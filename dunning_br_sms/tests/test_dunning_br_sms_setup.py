# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged

from odoo.addons.dunning_br.tests.common import TranslationCheckMixin


@tagged("post_install", "-at_install")
class TestDunningBrSmsSetup(TranslationCheckMixin, TransactionCase):
    def test_depends_on_the_dunning_engine(self):
        module = self.env["ir.module.module"].search([("name", "=", "dunning_br_sms")])
        self.assertEqual(module.state, "installed")
        self.assertIn("dunning_br", module.dependencies_id.mapped("name"))
        self.assertIn("sms", module.dependencies_id.mapped("name"))

    def test_translations_complete(self):
        self.assert_pt_br_complete("dunning_br_sms")
