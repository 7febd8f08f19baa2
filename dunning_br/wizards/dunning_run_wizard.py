# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class DunningRunWizard(models.TransientModel):
    """Preview today's run (nothing is sent) and run it on demand."""

    _name = "dunning.run.wizard"
    _description = "Preview and Run the Collection"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    date = fields.Date(compute="_compute_preview")
    line_ids = fields.One2many(
        "dunning.run.wizard.line", "wizard_id", compute="_compute_preview"
    )
    total = fields.Integer(compute="_compute_preview")
    result = fields.Char(readonly=True)

    def _dunning_company_allowed(self):
        self.ensure_one()
        return self.env.su or self.company_id in self.env.companies

    @api.constrains("company_id")
    def _check_company_allowed(self):
        """The engine previews and runs as the system: the user only gets the
        companies they work in (those allowed and selected in the switcher)."""
        for wizard in self:
            if not wizard._dunning_company_allowed():
                raise AccessError(
                    self.env._(
                        "You cannot preview or run the collection of the company "
                        "%(company)s: it is not one of your allowed companies.",
                        company=wizard.company_id.sudo().display_name,
                    )
                )

    @api.depends("company_id")
    def _compute_preview(self):
        engine = self.env["dunning.engine"]
        for wizard in self:
            wizard.date = engine._today(wizard.company_id.sudo())
            if not wizard._dunning_company_allowed():
                wizard.line_ids = False
                wizard.total = 0
                continue
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
        self._check_company_allowed()
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
