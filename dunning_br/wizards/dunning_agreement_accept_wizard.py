# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

BACKEND_CHANNELS = [
    ("phone", "By phone"),
    ("email", "By e-mail"),
    ("in_person", "In person"),
]


class DunningAgreementAcceptWizard(models.TransientModel):
    """Register the customer's acceptance of an agreement (backend)."""

    _name = "dunning.agreement.accept.wizard"
    _description = "Register the Customer's Acceptance"

    agreement_id = fields.Many2one("dunning.agreement", required=True)
    channel = fields.Selection(BACKEND_CHANNELS, required=True, default="phone")
    accepted_by_name = fields.Char(
        string="Accepted By",
        required=True,
        help="The name of the person who accepted the agreement for the customer.",
    )
    note = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        self.agreement_id._accept(
            self.channel, self.accepted_by_name, note=self.note or None
        )
        return {"type": "ir.actions.act_window_close"}
