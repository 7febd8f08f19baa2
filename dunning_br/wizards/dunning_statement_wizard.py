# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class DunningStatementWizard(models.TransientModel):
    """Prints the customer's statement of debts (extrato de débitos): every
    open installment with its amount updated to the chosen date."""

    _name = "dunning.statement.wizard"
    _description = "Statement of Debts"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    date = fields.Date(
        string="Updated To",
        required=True,
        default=lambda self: self.env["dunning.engine"]._today(self.env.company),
        help="The late fine and interest are computed as of this date.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner":
            partner = self.env["res.partner"].browse(self.env.context.get("active_id"))
            values["partner_id"] = partner.commercial_partner_id.id
        return values

    def action_print(self):
        self.ensure_one()
        return self.env.ref("dunning_br.action_report_dunning_statement").report_action(
            self.partner_id.commercial_partner_id,
            data={"date": fields.Date.to_string(self.date)},
        )
