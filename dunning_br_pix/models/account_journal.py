# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class AccountJournal(models.Model):
    _inherit = "account.journal"

    dunning_boleto_account_ids = fields.One2many(
        "dunning.boleto.account", "journal_id", string="Boleto Agreements"
    )
