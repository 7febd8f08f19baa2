# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.schedule import (
    BEYOND_CATCH_UP,
    DEFAULT_MAX_CATCH_UP_DAYS,
    LEGAL_WITHOUT_EARLIER,
    CatchUp,
)
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

MANAGER_GROUP = "dunning_br.group_dunning_manager"


class DunningActivationWizard(models.TransientModel):
    """Switch a company's régua on: go-live date, catch-up limits, default
    collector, and the preview of the first run (what it sends, and what
    catch-up leaves out and why). Collection managers only."""

    _name = "dunning.activation.wizard"
    _description = "Activate the Collection"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    company_active = fields.Boolean(related="company_id.dunning_active")
    activated_uid = fields.Many2one(related="company_id.dunning_activated_uid")
    activation_date = fields.Datetime(related="company_id.dunning_activation_date")
    go_live_date = fields.Date(
        string="Go-Live Date",
        required=True,
        help="The first day the scheduled action sends reminders for the company.",
    )
    max_catch_up_days = fields.Integer(
        string="Maximum Catch-up (days)",
        help="A reminder step whose date is more than this many days in the past "
        "is not sent late.",
    )
    collector_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        domain=[("share", "=", False)],
        help="Named as the contact in every collection message (CDC art. 42-A) "
        "and sender of its e-mails. Needs a name, an e-mail and a phone.",
    )
    collector_problems = fields.Text(compute="_compute_collector_problems")
    catch_up_legal = fields.Boolean(
        string="Also Catch Up Legal Steps",
        help="Send extrajudicial notices and prior notices of listing whose date "
        "is past even to installments that received no earlier reminder.",
    )
    first_run_date = fields.Date(compute="_compute_preview")
    line_ids = fields.One2many(
        "dunning.activation.wizard.line",
        "wizard_id",
        string="Sent on the First Run",
        compute="_compute_preview",
    )
    left_out_ids = fields.One2many(
        "dunning.activation.wizard.line",
        "left_out_wizard_id",
        string="Left Out by Catch-up",
        compute="_compute_left_out",
    )
    total = fields.Integer(string="Reminders", compute="_compute_preview")
    total_left_out = fields.Integer(string="Left Out", compute="_compute_left_out")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env["res.company"].browse(
            values.get("company_id") or self.env.company.id
        )
        return {**self._company_values(company), **values}

    @api.model
    def _company_values(self, company):
        """The settings proposed for ``company``: its own once activated."""
        company = company.sudo()
        return {
            "go_live_date": self.env["dunning.engine"]._today(company),
            "max_catch_up_days": company.dunning_max_catch_up_days
            if company.dunning_active
            else DEFAULT_MAX_CATCH_UP_DAYS,
            "collector_id": company.dunning_collector_id.id,
            "catch_up_legal": company.dunning_catch_up_legal,
        }

    @api.onchange("company_id")
    def _onchange_company_id(self):
        if self.company_id:
            self.update(self._company_values(self.company_id))

    @api.depends("company_id", "collector_id")
    def _compute_collector_problems(self):
        for wizard in self:
            problems = wizard.company_id._dunning_collector_problems(
                wizard.collector_id
            )
            wizard.collector_problems = "\n".join(problems) or False

    def _catch_up(self):
        self.ensure_one()
        return CatchUp(
            max_days=max(self.max_catch_up_days, 0),
            legal_without_earlier=self.catch_up_legal,
        )

    def _first_run_date(self):
        self.ensure_one()
        if not self.company_id or not self.go_live_date:
            return False
        calendar = self.env["dunning.engine"]._calendar(self.company_id)
        return calendar.next_business_day(self.go_live_date)

    @api.depends("company_id", "go_live_date", "max_catch_up_days", "catch_up_legal")
    def _compute_preview(self):
        engine = self.env["dunning.engine"].sudo()
        for wizard in self:
            day = wizard._first_run_date()
            preview = []
            if day:
                preview = engine.with_company(wizard.company_id)._preview(
                    wizard.company_id, day, wizard._catch_up()
                )
            wizard.first_run_date = day
            wizard.line_ids = [fields.Command.clear()] + [
                fields.Command.create({"step_id": step.id, "count": count})
                for step, count in preview
            ]
            wizard.total = sum(count for _step, count in preview)

    @api.depends("company_id", "go_live_date", "max_catch_up_days", "catch_up_legal")
    def _compute_left_out(self):
        engine = self.env["dunning.engine"].sudo()
        Line = self.env["dunning.activation.wizard.line"]
        for wizard in self:
            day = wizard._first_run_date()
            catch_up = wizard._catch_up()
            left_out = []
            if day:
                left_out = engine.with_company(wizard.company_id)._preview_left_out(
                    wizard.company_id, day, catch_up
                )
            wizard.left_out_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {
                        "step_id": step.id,
                        "count": count,
                        "reason": reason,
                        "explanation": Line._explain(
                            reason, days_from, days_to, catch_up.max_days
                        ),
                    }
                )
                for step, reason, count, days_from, days_to in left_out
            ]
            wizard.total_left_out = sum(row[2] for row in left_out)

    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a collection manager can activate the collection.")
            )
        for wizard in self:
            if wizard.company_id not in self.env.user.company_ids:
                raise AccessError(
                    self.env._(
                        "You cannot change the collection of %(company)s.",
                        company=wizard.company_id.name,
                    )
                )

    def action_activate(self):
        """Activate the collection of the company with these settings; logged
        in the company's chatter with who, when and the preview's figures."""
        self.ensure_one()
        self._check_manager()
        company = self.company_id.sudo()
        today = self.env["dunning.engine"]._today(company)
        if self.go_live_date < today:
            raise UserError(self.env._("The go-live date cannot be in the past."))
        if self.max_catch_up_days < 0:
            raise UserError(self.env._("The maximum catch-up cannot be negative."))
        problems = company._dunning_collector_problems(self.collector_id)
        if problems:
            raise UserError("\n".join(problems))
        company.write(
            {
                "dunning_active": True,
                "dunning_go_live_date": self.go_live_date,
                "dunning_max_catch_up_days": self.max_catch_up_days,
                "dunning_catch_up_legal": self.catch_up_legal,
                "dunning_collector_id": self.collector_id.id,
                "dunning_activated_uid": self.env.uid,
                "dunning_activation_date": fields.Datetime.now(),
            }
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("Collection activated by %(user)s.", user=self.env.user.name),
            Markup().join(
                Markup("<li>%s</li>") % line
                for line in (
                    self.env._(
                        "Go-live date: %(date)s",
                        date=format_date(self.env, self.go_live_date),
                    ),
                    self.env._(
                        "Maximum catch-up: %(days)s days", days=self.max_catch_up_days
                    ),
                    self.env._(
                        "Default collector: %(collector)s",
                        collector=self.collector_id.name,
                    ),
                    self.env._(
                        "Legal steps caught up without an earlier reminder: %(answer)s",
                        answer=self.env._("yes")
                        if self.catch_up_legal
                        else self.env._("no"),
                    ),
                    self.env._(
                        "First run (%(date)s): %(sent)s reminders, %(left)s left "
                        "out by catch-up",
                        date=format_date(self.env, self.first_run_date),
                        sent=self.total,
                        left=self.total_left_out,
                    ),
                )
            ),
        )
        company.partner_id.message_post(body=body, subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}

    def action_deactivate(self):
        """Stop sending reminders for the company (logged)."""
        self.ensure_one()
        self._check_manager()
        company = self.company_id.sudo()
        company.dunning_active = False
        company.partner_id.message_post(
            body=self.env._(
                "Collection deactivated by %(user)s.", user=self.env.user.name
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}


class DunningActivationWizardLine(models.TransientModel):
    _name = "dunning.activation.wizard.line"
    _description = "Collection Activation Preview Line"

    wizard_id = fields.Many2one("dunning.activation.wizard", ondelete="cascade")
    left_out_wizard_id = fields.Many2one(
        "dunning.activation.wizard", ondelete="cascade"
    )
    step_id = fields.Many2one("dunning.policy.step", readonly=True)
    policy_id = fields.Many2one(related="step_id.policy_id")
    channel = fields.Selection(related="step_id.channel")
    tone = fields.Selection(related="step_id.tone")
    count = fields.Integer(string="Installments", readonly=True)
    reason = fields.Selection(
        [
            (BEYOND_CATCH_UP, "Beyond the catch-up"),
            (LEGAL_WITHOUT_EARLIER, "Legal step without an earlier reminder"),
        ],
        readonly=True,
    )
    explanation = fields.Char(readonly=True)

    @api.model
    def _explain(self, reason, days_from, days_to, max_days):
        if reason == BEYOND_CATCH_UP:
            if days_from == days_to:
                return self.env._(
                    "Step fell due %(days)s days ago, beyond the %(max)s-day catch-up.",
                    days=days_from,
                    max=max_days,
                )
            return self.env._(
                "Step fell due %(first)s to %(last)s days ago, beyond the "
                "%(max)s-day catch-up.",
                first=days_from,
                last=days_to,
                max=max_days,
            )
        return self.env._(
            "Legal step, and these installments received no earlier reminder: "
            "not sent late unless you tick 'Also Catch Up Legal Steps'."
        )
