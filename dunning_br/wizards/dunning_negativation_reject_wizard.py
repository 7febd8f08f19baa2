# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DunningNegativationRejectWizard(models.TransientModel):
    _name = "dunning.negativation.reject.wizard"
    _description = "Reject a Listing or Protest"

    negativation_ids = fields.Many2many("dunning.negativation", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.negativation_ids._dunning_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
