# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class DunningBoletoInstructionWizard(models.TransientModel):
    _name = "dunning.boleto.instruction.wizard"
    _description = "Boleto Instruction to the Bank"

    boleto_ids = fields.Many2many("dunning.boleto")
    instruction = fields.Selection(
        [("06", "Change the due date"), ("09", "Protest")], required=True
    )
    new_due_date = fields.Date()
    protest_days = fields.Integer(
        string="Protest after (days)",
        help="Calendar days after the due date after which the bank protests.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "dunning.boleto":
            boletos = self.env["dunning.boleto"].browse(
                self.env.context.get("active_ids", [])
            )
            values["boleto_ids"] = [fields.Command.set(boletos.ids)]
            policy = boletos[:1].move_line_id.move_id._dunning_policy()
            values.setdefault("protest_days", policy.boleto_protest_days or 0)
        return values

    def action_confirm(self):
        self.ensure_one()
        if self.instruction == "06":
            if not self.new_due_date:
                raise UserError(self.env._("Give the new due date."))
            self.boleto_ids._dunning_queue_instruction(
                "06", new_due_date=self.new_due_date
            )
        else:
            if self.protest_days <= 0:
                raise UserError(
                    self.env._("Give the days after the due date to protest.")
                )
            self.boleto_ids._dunning_queue_instruction("09", days=self.protest_days)
        return {"type": "ir.actions.act_window_close"}
