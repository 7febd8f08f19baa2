# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class DunningRunWizard(models.TransientModel):
    """Preview today's run (nothing is sent) and run it on demand."""

    _name = "dunning.run.wizard"
    _description = "Preview and Run the Collection"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date = fields.Date(compute="_compute_preview")
    line_ids = fields.One2many(
        "dunning.run.wizard.line", "wizard_id", compute="_compute_preview"
    )
    total = fields.Integer(compute="_compute_preview")
    result = fields.Char(readonly=True)

    @api.depends("company_id")
    def _compute_preview(self):
        engine = self.env["dunning.engine"]
        for wizard in self:
            wizard.date = engine._today(wizard.company_id)
            preview = engine.sudo()._preview(wizard.company_id, wizard.date)
            wizard.line_ids = [
                fields.Command.create(
                    {"step_id": step.id, "channel": step.channel, "count": count}
                )
                for step, count in preview
            ]
            wizard.total = sum(count for _step, count in preview)

    def action_run(self):
        self.ensure_one()
        done, remaining = (
            self.env["dunning.engine"].sudo()._run_for(self.company_id, self.date)
        )
        self.result = self.env._(
            "%(done)s installment steps processed, %(remaining)s left for the "
            "scheduled action.",
            done=done,
            remaining=remaining,
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }


class DunningRunWizardLine(models.TransientModel):
    _name = "dunning.run.wizard.line"
    _description = "Collection Preview Line"

    wizard_id = fields.Many2one("dunning.run.wizard", ondelete="cascade")
    step_id = fields.Many2one("dunning.policy.step", readonly=True)
    policy_id = fields.Many2one(related="step_id.policy_id")
    channel = fields.Selection(related="step_id.channel")
    count = fields.Integer(string="Installments", readonly=True)
