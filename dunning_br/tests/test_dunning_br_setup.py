# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import TransactionCase, tagged

from .common import TranslationCheckMixin


@tagged("post_install", "-at_install")
class TestDunningBrSetup(TranslationCheckMixin, TransactionCase):
    def test_accounting_managers_manage_collection(self):
        manager_group = self.env.ref("dunning_br.group_dunning_manager")
        user_group = self.env.ref("dunning_br.group_dunning_user")
        accountant = self.env["res.users"].create(
            {
                "name": "Contadora",
                "login": "contadora@example.com",
                "groups_id": [
                    Command.set(self.env.ref("account.group_account_manager").ids)
                ],
            }
        )
        self.assertIn(manager_group, accountant.groups_id)
        self.assertIn(user_group, accountant.groups_id)
        self.assertIn(user_group, manager_group.implied_ids)

    def test_translations_complete(self):
        self.assert_pt_br_complete("dunning_br")
