# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Wizard "Negociar dívida": a collector turns a customer's open installments
into an installment agreement, priced and checked by
``cobranca.agreements``."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from ..models.dunning_agreement import OPEN_STATES, PERIODS


class DunningNegotiationWizard(models.TransientModel):
    _name = "dunning.negotiation.wizard"
    _description = "Negotiate a Debt"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        domain="[('parent_id', '=', False)]",
    )
    date = fields.Date(
        string="Debt as of",
        required=True,
        default=fields.Date.context_today,
    )
    policy_id = fields.Many2one(
        "dunning.policy",
        string="Negotiation Rules",
        check_company=True,
        compute="_compute_policy_id",
        store=True,
        readonly=False,
    )
    include_not_due = fields.Boolean(
        string="Include Installments Not Yet Due",
        help="Also offer the installments whose due date has not passed.",
    )
    available_line_ids = fields.Many2many(
        "account.move.line",
        relation="dunning_negotiation_wizard_available_aml_rel",
        compute="_compute_available_line_ids",
    )
    move_line_ids = fields.Many2many(
        "account.move.line",
        relation="dunning_negotiation_wizard_aml_rel",
        string="Installments",
        compute="_compute_move_line_ids",
        store=True,
        readonly=False,
        domain="[('id', 'in', available_line_ids)]",
    )
    fine_waiver_percent = fields.Float(string="Fine Waiver (%)", digits=(5, 2))
    interest_waiver_percent = fields.Float(string="Interest Waiver (%)", digits=(5, 2))
    discount_percent = fields.Float(
        string="Cash Discount (%)",
        digits=(5, 2),
        help="Discount on the principal, only for a payment in one go.",
    )
    down_payment = fields.Monetary()
    down_payment_due = fields.Date(
        help="Empty: the agreement date (moved to a business day)."
    )
    installment_count = fields.Integer(string="Installments", default=1)
    period = fields.Selection(
        PERIODS, string="Periodicity", required=True, default="monthly"
    )
    first_due = fields.Date(
        string="First Due Date",
        compute="_compute_first_due",
        store=True,
        readonly=False,
        help="Moved to the next business day when it is not one.",
    )
    monthly_interest_percent = fields.Float(
        string="Agreement Interest per Month (%)",
        digits=(5, 4),
        compute="_compute_monthly_interest_percent",
        store=True,
        readonly=False,
    )

    principal_amount = fields.Monetary(string="Principal", compute="_compute_terms")
    fine_amount = fields.Monetary(string="Late Fine", compute="_compute_terms")
    interest_amount = fields.Monetary(string="Late Interest", compute="_compute_terms")
    debt_amount = fields.Monetary(string="Updated Debt", compute="_compute_terms")
    negotiated_amount = fields.Monetary(compute="_compute_terms")
    financed_amount = fields.Monetary(compute="_compute_terms")
    agreement_interest_amount = fields.Monetary(
        string="Agreement Interest", compute="_compute_terms"
    )
    total_amount = fields.Monetary(string="Total Payable", compute="_compute_terms")
    saved_amount = fields.Monetary(
        string="Saved by the Customer", compute="_compute_terms"
    )
    debt_html = fields.Html(string="Debt", compute="_compute_terms", sanitize=False)
    schedule_html = fields.Html(
        string="Schedule", compute="_compute_terms", sanitize=False
    )
    rule_violations = fields.Text(string="Rules Exceeded", compute="_compute_terms")
    error = fields.Text(compute="_compute_terms")

    # ------------------------------------------------------------------
    # Defaults: from a customer, from invoices, from the collection history
    # ------------------------------------------------------------------
    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        ids = self.env.context.get("active_ids") or (
            [self.env.context["active_id"]] if self.env.context.get("active_id") else []
        )
        lines = self.env["account.move.line"]
        if model == "res.partner" and ids:
            partner = self.env["res.partner"].browse(ids[:1]).commercial_partner_id
            values["partner_id"] = partner.id
        elif model == "account.move" and ids:
            lines = (
                self.env["account.move"]
                .browse(ids)
                .line_ids.filtered(
                    lambda aml: (
                        aml.display_type == "payment_term"
                        and not aml.reconciled
                        and aml.amount_residual > 0
                    )
                )
            )
        elif model == "dunning.history" and ids:
            lines = self.env["dunning.history"].browse(ids).move_line_id
        if lines:
            partners = lines.move_id.commercial_partner_id
            values["partner_id"] = partners[:1].id
            values["company_id"] = lines[:1].company_id.id
            today = values.get("date") or fields.Date.context_today(self)
            values["include_not_due"] = any(
                line.date_maturity >= today for line in lines
            )
            values["move_line_ids"] = [fields.Command.set(lines.ids)]
        return values

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("partner_id", "company_id")
    def _compute_policy_id(self):
        for wizard in self:
            policy = wizard.policy_id
            if not policy or policy.company_id != wizard.company_id:
                partner_policy = wizard.partner_id.sudo().dunning_policy_id
                if (
                    partner_policy.company_id == wizard.company_id
                    and partner_policy.active
                ):
                    policy = partner_policy
                else:
                    policy = wizard.company_id.dunning_policy_id
            wizard.policy_id = policy

    @api.depends("policy_id", "date")
    def _compute_first_due(self):
        for wizard in self:
            days = wizard.policy_id.agreement_first_due_days or 0
            wizard.first_due = (wizard.date or fields.Date.context_today(self)) + (
                timedelta(days=days)
            )

    @api.depends("policy_id")
    def _compute_monthly_interest_percent(self):
        for wizard in self:
            wizard.monthly_interest_percent = (
                wizard.policy_id.agreement_interest_monthly
            )

    def _available_domain(self):
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("move_id.commercial_partner_id", "=", self.partner_id.id),
            ("move_id.move_type", "=", "out_invoice"),
            ("display_type", "=", "payment_term"),
            ("currency_id", "=", self.company_id.currency_id.id),
            *self.env["account.move.line"]._dunning_installment_domain(),
        ]
        if not self.include_not_due:
            domain.append(("date_maturity", "<", self.date))
        return domain

    def _taken_line_ids(self):
        """The customer's installments already in a proposed, accepted or
        active agreement."""
        self.ensure_one()
        return (
            self.env["dunning.agreement.line"]
            .sudo()
            .search(
                [
                    ("agreement_id.partner_id", "=", self.partner_id.id),
                    ("agreement_id.state", "in", OPEN_STATES),
                ]
            )
            .move_line_id.ids
        )

    @api.depends("partner_id", "company_id", "include_not_due", "date")
    def _compute_available_line_ids(self):
        for wizard in self:
            if not wizard.partner_id:
                wizard.available_line_ids = False
                continue
            wizard.available_line_ids = self.env["account.move.line"].search(
                [
                    *wizard._available_domain(),
                    ("id", "not in", wizard._taken_line_ids()),
                ]
            )

    @api.depends("partner_id", "company_id", "include_not_due", "date")
    def _compute_move_line_ids(self):
        for wizard in self:
            wizard.move_line_ids = wizard.available_line_ids

    @api.depends(
        "move_line_ids",
        "date",
        "policy_id",
        "fine_waiver_percent",
        "interest_waiver_percent",
        "discount_percent",
        "down_payment",
        "down_payment_due",
        "installment_count",
        "period",
        "first_due",
        "monthly_interest_percent",
    )
    def _compute_terms(self):
        agreements = self.env["dunning.agreement"]
        for wizard in self:
            values = dict.fromkeys(
                (
                    "principal_amount",
                    "fine_amount",
                    "interest_amount",
                    "debt_amount",
                    "negotiated_amount",
                    "financed_amount",
                    "agreement_interest_amount",
                    "total_amount",
                    "saved_amount",
                ),
                0.0,
            )
            values.update(
                debt_html=False, schedule_html=False, rule_violations=False, error=False
            )
            try:
                debt = wizard._debt()
                if debt is not None:
                    values.update(
                        principal_amount=float(debt.principal),
                        fine_amount=float(debt.fine),
                        interest_amount=float(debt.interest),
                        debt_amount=float(debt.total),
                        debt_html=wizard._debt_html(debt),
                    )
                    terms = agreements._dunning_price(
                        debt, wizard, wizard.date, wizard.company_id
                    )
                    values.update(
                        negotiated_amount=float(terms.negotiated),
                        financed_amount=float(terms.financed),
                        agreement_interest_amount=float(terms.agreement_interest),
                        total_amount=float(terms.total_payable),
                        saved_amount=float(terms.saved),
                        schedule_html=wizard._schedule_html(terms),
                        rule_violations="\n".join(
                            agreements._dunning_violations(
                                terms,
                                wizard.policy_id,
                                wizard.partner_id,
                                wizard.date,
                                wizard.currency_id,
                            )
                        )
                        or False,
                    )
            except UserError as error:
                values["error"] = error.args[0]
            wizard.update(values)

    def _debt(self):
        """The ``Debt`` of the selected installments (None without any; a
        UserError for bad input)."""
        self.ensure_one()
        agreements = self.env["dunning.agreement"]
        lines = self.move_line_ids._origin
        if not lines:
            return None
        if not self.policy_id:
            raise UserError(
                self.env._(
                    "Choose the collection policy whose negotiation rules apply."
                )
            )
        partner = agreements._dunning_check_installments(lines, self.company_id)
        lines = lines.sorted(lambda aml: (aml.date_maturity, aml.id))
        return agreements._dunning_debt(
            lines, self.date, self.policy_id, partner, self.company_id
        )

    def _price(self):
        """``(Debt, Terms)`` of the wizard (a UserError for bad input)."""
        self.ensure_one()
        debt = self._debt()
        if debt is None:
            raise UserError(self.env._("Select at least one installment to negotiate."))
        terms = self.env["dunning.agreement"]._dunning_price(
            debt, self, self.date, self.company_id
        )
        return debt, terms

    def _fmt(self, amount):
        return format_amount(self.env, float(amount), self.currency_id)

    def _debt_html(self, debt):
        lines = self.move_line_ids._origin.sorted(
            lambda aml: (aml.date_maturity, aml.id)
        )
        rows = Markup("").join(
            Markup(
                "<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
            )
            % (
                line.move_id.name,
                format_date(self.env, line.date_maturity),
                item.days_late,
                self._fmt(item.principal),
                self._fmt(item.fine),
                self._fmt(item.interest),
                self._fmt(item.total),
            )
            for line, item in zip(lines, debt.items, strict=True)
        )
        head = Markup(
            "<table class='table table-sm'><thead><tr><th>%s</th><th>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>"
        ) % (
            self.env._("Invoice"),
            self.env._("Due Date"),
            self.env._("Days Late"),
            self.env._("Open Amount"),
            self.env._("Late Fine"),
            self.env._("Late Interest"),
            self.env._("Updated Amount"),
        )
        return head + rows + Markup("</tbody></table>")

    def _schedule_html(self, terms):
        rows = []
        if terms.down_payment:
            rows.append(
                (
                    self.env._("Down payment"),
                    terms.down_payment_due,
                    terms.down_payment,
                    terms.down_payment,
                    0,
                )
            )
        count = len(terms.schedule)
        rows += [
            (
                f"{line.number}/{count}",
                line.due,
                line.amount,
                line.principal,
                line.interest,
            )
            for line in terms.schedule
        ]
        body = Markup("").join(
            Markup(
                "<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
            )
            % (
                label,
                format_date(self.env, due),
                self._fmt(amount),
                self._fmt(principal),
                self._fmt(interest),
            )
            for label, due, amount, principal, interest in rows
        )
        head = Markup(
            "<table class='table table-sm'><thead><tr><th>%s</th><th>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>"
        ) % (
            self.env._("Installment"),
            self.env._("Due Date"),
            self.env._("Amount"),
            self.env._("Principal"),
            self.env._("Agreement Interest"),
        )
        foot = Markup(
            "</tbody><tfoot><tr><th colspan='2'>%s</th><th class='text-end'>%s</th>"
            "<th></th><th></th></tr></tfoot></table>"
        ) % (self.env._("Total"), self._fmt(terms.total_payable))
        return head + body + foot

    # ------------------------------------------------------------------
    # Confirm
    # ------------------------------------------------------------------
    def action_create_agreement(self):
        """Create the draft agreement (nothing is posted before activation);
        a collector cannot go beyond the negotiation rules."""
        self.ensure_one()
        agreements = self.env["dunning.agreement"]
        lines = self.move_line_ids
        partner = agreements._dunning_check_installments(lines, self.company_id)
        debt, terms = self._price()
        messages = agreements._dunning_check_rules(
            terms, self.policy_id, partner, self.date, self.currency_id
        )
        lines = lines.sorted(lambda aml: (aml.date_maturity, aml.id))
        values = {
            "company_id": self.company_id.id,
            "partner_id": partner.id,
            "date": self.date,
            "policy_id": self.policy_id.id,
            "installment_policy_id": (
                self.policy_id.agreement_policy_id or self.policy_id
            ).id,
            "fine_waiver_percent": self.fine_waiver_percent,
            "interest_waiver_percent": self.interest_waiver_percent,
            "discount_percent": self.discount_percent,
            "down_payment": self.down_payment,
            "installment_count": self.installment_count,
            "period": self.period,
            "first_due": self.first_due,
            "monthly_interest_percent": self.monthly_interest_percent,
            "line_ids": agreements._dunning_line_values(lines, debt),
            **agreements._dunning_terms_values(terms),
            **agreements._dunning_approval_values(messages),
        }
        agreement = agreements.with_company(self.company_id).create(values)
        if messages:
            agreement.message_post(
                body=self.env._(
                    "Terms beyond the negotiation rules approved by %(user)s:\n"
                    "%(rules)s",
                    user=self.env.user.name,
                    rules="\n".join(messages),
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "dunning.agreement",
            "res_id": agreement.id,
            "view_mode": "form",
            "target": "current",
        }
