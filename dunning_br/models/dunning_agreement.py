# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An installment agreement (acordo de parcelamento): a customer's open
installments settled by one journal entry into new installments, within the
negotiation rules of a collection policy (``cobranca.agreements``)."""

from odoo import fields, models

AGREEMENT_STATES = [
    ("draft", "Draft"),
    ("proposed", "Proposed"),
    ("accepted", "Accepted"),
    ("active", "Active"),
    ("fulfilled", "Fulfilled"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]

#: Periodicity of the agreement installments (``cobranca.agreements.PERIODS``).
PERIODS = [
    ("monthly", "Monthly"),
    ("biweekly", "Every 15 days"),
    ("weekly", "Weekly"),
]

ACCEPTANCE_CHANNELS = [
    ("phone", "By phone"),
    ("email", "By e-mail"),
    ("in_person", "In person"),
    ("portal", "Customer portal"),
]


class DunningAgreement(models.Model):
    _name = "dunning.agreement"
    _description = "Installment Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/"
    )
    state = fields.Selection(
        AGREEMENT_STATES,
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        help="The commercial partner (company or individual) whose debt is negotiated.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        default=lambda self: self.env.user,
        tracking=True,
    )
    date = fields.Date(
        string="Agreement Date",
        required=True,
        default=fields.Date.context_today,
        help="The debt is computed as of this date (fine and interest as the "
        "reminders show them).",
    )
    policy_id = fields.Many2one(
        "dunning.policy",
        string="Negotiation Rules",
        required=True,
        check_company=True,
        help="The collection policy whose negotiation rules the agreement follows.",
    )
    installment_policy_id = fields.Many2one(
        "dunning.policy",
        string="Collection Policy of the Installments",
        check_company=True,
        help="The régua followed by the agreement installments; by default the "
        "one the negotiation rules' policy names for agreements, else that "
        "policy itself.",
    )
    line_ids = fields.One2many(
        "dunning.agreement.line", "agreement_id", string="Negotiated Installments"
    )
    installment_ids = fields.One2many(
        "dunning.agreement.installment", "agreement_id", string="New Installments"
    )

    # The debt as of the agreement date
    principal_amount = fields.Monetary(string="Principal", readonly=True)
    fine_amount = fields.Monetary(string="Late Fine", readonly=True)
    interest_amount = fields.Monetary(string="Late Interest", readonly=True)
    debt_amount = fields.Monetary(string="Updated Debt", readonly=True)

    # The terms
    fine_waiver_percent = fields.Float(string="Fine Waiver (%)", digits=(5, 2))
    interest_waiver_percent = fields.Float(string="Interest Waiver (%)", digits=(5, 2))
    discount_percent = fields.Float(
        string="Cash Discount (%)",
        digits=(5, 2),
        help="Discount on the principal, only for a payment in one go.",
    )
    down_payment = fields.Monetary()
    down_payment_due = fields.Date()
    installment_count = fields.Integer(string="Installments", default=1)
    period = fields.Selection(
        PERIODS, string="Periodicity", required=True, default="monthly"
    )
    first_due = fields.Date(string="First Due Date")
    monthly_interest_percent = fields.Float(
        string="Agreement Interest per Month (%)",
        digits=(5, 4),
        help="Interest on the financed amount, compounded monthly (Price table).",
    )
    fine_waived = fields.Monetary(readonly=True)
    interest_waived = fields.Monetary(readonly=True)
    discount_amount = fields.Monetary(string="Discount", readonly=True)
    negotiated_amount = fields.Monetary(readonly=True)
    financed_amount = fields.Monetary(readonly=True)
    agreement_interest_amount = fields.Monetary(
        string="Agreement Interest", readonly=True
    )
    total_amount = fields.Monetary(string="Total Payable", readonly=True)
    saved_amount = fields.Monetary(
        string="Saved by the Customer",
        readonly=True,
        help="Waived fine and interest and the discount.",
    )

    # Rules exceeded and who approved them
    rule_violations = fields.Text(
        string="Rules Exceeded",
        readonly=True,
        copy=False,
        help="The negotiation rules the terms go beyond; only a collection "
        "manager may approve them.",
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)

    # Acceptance by the customer
    acceptance_channel = fields.Selection(
        ACCEPTANCE_CHANNELS, string="Accepted", readonly=True, copy=False
    )
    accepted_date = fields.Datetime(string="Accepted On", readonly=True, copy=False)
    accepted_by_name = fields.Char(
        string="Accepted By (Customer)", readonly=True, copy=False
    )
    accepted_uid = fields.Many2one(
        "res.users",
        string="Acceptance Recorded By",
        readonly=True,
        copy=False,
    )
    accepted_ip = fields.Char(string="Accepted From (IP)", readonly=True, copy=False)
    acceptance_note = fields.Text(readonly=True, copy=False)
    signature = fields.Image(
        max_width=1024, max_height=1024, readonly=True, copy=False, attachment=True
    )

    # Accounting
    move_id = fields.Many2one(
        "account.move",
        string="Agreement Entry",
        readonly=True,
        copy=False,
        check_company=True,
    )
    reversal_move_id = fields.Many2one(
        "account.move",
        string="Cancellation Entry",
        readonly=True,
        copy=False,
        check_company=True,
    )
    reinstatement_move_id = fields.Many2one(
        "account.move",
        string="Reinstatement Entry",
        readonly=True,
        copy=False,
        check_company=True,
        help="Fine and interest waived in the agreement, charged again when it "
        "was broken.",
    )

    # Breach
    broken_date = fields.Date(string="Broken On", readonly=True, copy=False)
    breach_reason = fields.Char(readonly=True, copy=False)
