# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

SKIP_REASONS = [
    ("paused", "Collection paused"),
    ("excluded", "Excluded from collection"),
    ("no_email", "No e-mail address"),
    ("opt_out", "Opted out of the channel"),
    ("below_minimum", "Below the minimum amount"),
    ("currency", "Not in the company currency"),
    ("paid", "Paid meanwhile"),
    ("superseded", "A later step is due"),
    ("no_prior_notice", "The policy has no prior notice step"),
    ("awaiting_notice", "Waiting for the prior notice period"),
]


class DunningHistory(models.Model):
    """What the régua did for one installment at one step: at most once ever
    (unique per installment and step)."""

    _name = "dunning.history"
    _description = "Collection History"
    _order = "run_date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, index=True)
    policy_id = fields.Many2one("dunning.policy", required=True, check_company=True)
    step_id = fields.Many2one(
        "dunning.policy.step",
        required=True,
        ondelete="cascade",
        check_company=True,
    )
    tone = fields.Selection(related="step_id.tone")
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Installment",
        required=True,
        ondelete="cascade",
        check_company=True,
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True
    )
    date_maturity = fields.Date(related="move_line_id.date_maturity")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    communication_id = fields.Many2one(
        "dunning.communication", index="btree_not_null", ondelete="set null"
    )
    channel = fields.Selection(
        selection=lambda self: (
            self.env["dunning.policy.step"]
            ._fields["channel"]
            ._description_selection(self.env)
        ),
        required=True,
    )
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("skipped", "Skipped"),
        ],
        required=True,
        default="pending",
        index=True,
    )
    skip_reason = fields.Selection(SKIP_REASONS)
    failure_reason = fields.Text()
    attempt_count = fields.Integer(string="Attempts")
    run_date = fields.Date(required=True, index=True)
    sent_date = fields.Datetime()
    currency_id = fields.Many2one("res.currency")
    amount_residual = fields.Monetary(string="Open Amount", aggregator="sum")
    fine_amount = fields.Monetary(string="Fine", aggregator="sum")
    interest_amount = fields.Monetary(string="Interest", aggregator="sum")
    total_amount = fields.Monetary(string="Updated Total", aggregator="sum")
    days_late = fields.Integer(aggregator="max")
    fine_percent_applied = fields.Float(string="Fine Applied (%)", digits=(5, 2))
    fine_capped = fields.Boolean(
        string="Consumer Cap Applied",
        help="The policy's fine was lowered to 2% because the customer is a "
        "consumer (CDC art. 52 §1).",
    )
    mail_message_id = fields.Many2one(
        "mail.message", index="btree_not_null", ondelete="set null"
    )

    _sql_constraints = [
        (
            "line_step_uniq",
            "unique(move_line_id, step_id)",
            "A step is executed at most once per installment.",
        )
    ]
