# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class DunningHistory(models.Model):
    _inherit = "dunning.history"

    paid_via = fields.Selection([("pix", "Paid via Pix")], readonly=True)
    pix_payment_id = fields.Many2one(
        "dunning.pix.payment", string="Pix Received", readonly=True
    )

    @api.model
    def _dunning_pix_mark_paid(self, move_lines, received):
        """The history of the installments ``move_lines`` says they were paid
        via Pix (``received``: the ``dunning.pix.payment``), whether the Pix
        came through the API Pix or a bank statement line."""
        self.sudo().search([("move_line_id", "in", move_lines.ids)]).write(
            {"paid_via": "pix", "pix_payment_id": received.id}
        )
