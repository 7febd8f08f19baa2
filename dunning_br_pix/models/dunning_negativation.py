# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca import cnab240

from odoo import api, models

from .dunning_boleto import CURRENT_STATES


class DunningNegativation(models.Model):
    _inherit = "dunning.negativation"

    @api.model
    def _dunning_protested_by_bank(self, lines):
        """Installments with a current boleto of an agreement that writes
        CNAB 240 files: their protest is the bank's (the policy's protest
        days in the remittance, or the boleto's "Protest" instruction), not
        the queue's."""
        by_bank = super()._dunning_protested_by_bank(lines)
        boletos = (
            self.env["dunning.boleto"]
            .sudo()
            .search(
                [
                    ("move_line_id", "in", lines.ids),
                    ("state", "in", CURRENT_STATES),
                    ("account_id.bank_code", "in", list(cnab240.PROFILES)),
                ]
            )
        )
        return by_bank | boletos.move_line_id.with_env(lines.env)
