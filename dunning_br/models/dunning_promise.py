# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.promise import (
    BEYOND_LIMIT,
    NOT_IN_FUTURE,
    TOO_MANY,
    PromiseLimits,
    promise_problem,
)

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date


class DunningPromise(models.Model):
    """A customer's promise to pay one installment by a date: the régua
    pauses the installment up to that date included. Kept when the
    installment is paid; broken when the date passed and it is still open,
    and the régua then resumes."""

    _name = "dunning.promise"
    _description = "Payment Promise"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True)
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Installment",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    move_id = fields.Many2one(
        related="move_line_id.move_id", string="Invoice", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    date = fields.Date(string="Promised Date", required=True)
    state = fields.Selection(
        [("open", "Waiting"), ("kept", "Kept"), ("broken", "Not kept")],
        required=True,
        default="open",
        index=True,
    )
    origin = fields.Selection(
        [("portal", "Customer portal"), ("collector", "Collector")],
        required=True,
        default="portal",
    )

    @api.model
    def _dunning_limits(self, policy):
        return PromiseLimits(
            max_days=policy.promise_max_days,
            max_promises=policy.promise_max_count,
        )

    @api.model
    def _dunning_promise(self, line, promised, origin="portal"):
        """Record the promise to pay ``line`` on ``promised`` (as the system:
        the caller checked that the customer may see ``line``). The same
        promise made twice (a double submit) is recorded once. Raise a
        UserError stating the rule when the policy does not allow it."""
        line = line.sudo()
        # One promise at a time per installment, whoever submits it.
        self.env.cr.execute(
            SQL("SELECT id FROM account_move_line WHERE id = %s FOR UPDATE", line.id)
        )
        promises = self.sudo().search([("move_line_id", "=", line.id)])
        same = promises.filtered(lambda p: p.state == "open" and p.date == promised)
        if same:
            return same[:1]
        policy = line.move_id._dunning_policy()
        if not policy:
            raise UserError(
                self.env._("This installment does not accept payment promises.")
            )
        today = self.env["dunning.engine"]._today(line.company_id)
        limits = self._dunning_limits(policy)
        problem = promise_problem(today, promised, len(promises), limits)
        if problem:
            raise UserError(self._dunning_problem_text(problem, today, limits))
        promise = self.sudo().create(
            {
                "company_id": line.company_id.id,
                "move_line_id": line.id,
                "partner_id": line.move_id.commercial_partner_id.id,
                "date": promised,
                "origin": origin,
            }
        )
        promise._dunning_log(
            self.env._(
                "Payment promise: the customer promised to pay the installment due "
                "on %(due)s by %(date)s; the reminders pause until then.",
                due=format_date(self.env, line.date_maturity),
                date=format_date(self.env, promised),
            )
        )
        return promise

    @api.model
    def _dunning_problem_text(self, problem, today, limits):
        if problem == TOO_MANY:
            return self.env._(
                "This installment already received the %(count)s payment "
                "promise(s) the policy allows.",
                count=limits.max_promises,
            )
        if problem == NOT_IN_FUTURE:
            return self.env._("The promised date must be after today.")
        if problem == BEYOND_LIMIT:
            return self.env._(
                "The promised date must be at most %(days)s days from today.",
                days=limits.max_days,
            )
        raise ValueError(problem)

    @api.model
    def _dunning_promised_lines(self, lines, today):
        """The installments of ``lines`` with an open promise to pay on or
        after ``today`` (their reminders wait for it); one query."""
        return (
            self.sudo()
            .search(
                [
                    ("move_line_id", "in", lines.ids),
                    ("state", "=", "open"),
                    ("date", ">=", today),
                ]
            )
            .move_line_id
        )

    @api.model
    def _dunning_check_promises(self, company, today):
        """Close the open promises of ``company`` whose date passed: kept when
        their installment is paid, else broken (the régua resumes; the
        broken promise is noted in the chatters)."""
        due = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "open"),
                ("date", "<", today),
            ]
        )
        paid = due.filtered(
            lambda p: p.move_line_id.reconciled or p.move_line_id.amount_residual <= 0
        )
        paid.state = "kept"
        broken = due - paid
        broken.state = "broken"
        for promise in broken:
            promise._dunning_log(
                self.env._(
                    "Payment promise broken: the installment due on %(due)s was "
                    "not paid by %(date)s; the reminders resume.",
                    due=format_date(self.env, promise.move_line_id.date_maturity),
                    date=format_date(self.env, promise.date),
                )
            )
        return broken

    def _dunning_log(self, body):
        """Note ``body`` in the chatters of the invoice and of the customer."""
        self.ensure_one()
        self.move_id.sudo()._message_log(body=body)
        self.partner_id.sudo()._message_log(body=body)
