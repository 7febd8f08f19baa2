# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from decimal import Decimal

from cobranca.charges import (
    CONSUMER_FINE_CAP_PCT,
    MAX_FINE_PCT,
    MAX_INTEREST_MONTHLY_PCT,
    LateChargePolicy,
)
from cobranca.negativacao import MIN_NOTICE_DAYS
from cobranca.promise import (
    DEFAULT_MAX_PROMISE_DAYS,
    DEFAULT_MAX_PROMISES,
    PromiseLimits,
)

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DunningPolicy(models.Model):
    """A régua de cobrança: dated steps run for every open installment."""

    _name = "dunning.policy"
    _description = "Collection Policy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    step_ids = fields.One2many("dunning.policy.step", "policy_id", copy=True)
    fine_percent = fields.Float(
        string="Late Fine (%)",
        digits=(5, 2),
        help="Charged once, on the installment's open amount, from the first day "
        "late. For consumers (individuals) it is capped at 2% (CDC art. 52 §1).",
    )
    interest_monthly_percent = fields.Float(
        string="Interest per Month (%)",
        digits=(5, 4),
        help="Simple interest (juros de mora) pro rata die: monthly rate / 30 per "
        "calendar day late, on the open amount only.",
    )
    fine_capped_for_consumers = fields.Boolean(
        compute="_compute_fine_capped_for_consumers"
    )
    grouping = fields.Selection(
        [
            ("partner", "One message per customer"),
            ("invoice", "One message per invoice"),
        ],
        required=True,
        default="partner",
        help="What a customer receives on the same day: one message listing all "
        "the installments due, or one message per invoice.",
    )
    max_send_attempts = fields.Integer(
        default=3,
        help="A reminder whose sending failed is tried again on the next runs, "
        "at most this many times in all.",
    )
    negativation_notice_days = fields.Integer(
        string="Days after the Prior Notice",
        default=10,
        help="A customer is flagged for credit-bureau listing or protest only this "
        "many days after the prior written notice was sent (CDC art. 43 §2).",
    )
    promise_max_days = fields.Integer(
        string="Promise to Pay: Maximum Days",
        default=DEFAULT_MAX_PROMISE_DAYS,
        help="On the portal, a customer may promise to pay an installment at most "
        "this many days ahead; its reminders pause until the promised date.",
    )
    promise_max_count = fields.Integer(
        string="Promises per Installment",
        default=DEFAULT_MAX_PROMISES,
        help="How many payment promises a customer may make for one installment "
        "(0: none).",
    )

    # Negotiation rules (``cobranca.agreements.NegotiationRules``): a
    # collector may offer agreements within them; beyond them only a
    # collection manager may approve.
    agreement_max_installments = fields.Integer(
        string="Maximum Installments",
        default=6,
        help="The most installments an agreement may have after the down payment.",
    )
    agreement_min_installment = fields.Monetary(
        string="Minimum Installment",
        currency_field="currency_id",
        help="No agreement installment (nor a down payment) may be smaller.",
    )
    agreement_max_fine_waiver = fields.Float(
        string="Maximum Fine Waiver (%)", digits=(5, 2)
    )
    agreement_max_interest_waiver = fields.Float(
        string="Maximum Interest Waiver (%)", digits=(5, 2)
    )
    agreement_cash_discount = fields.Float(
        string="Cash Discount (%)",
        digits=(5, 2),
        help="The most discount on the principal for a payment in one go.",
    )
    agreement_min_down_payment = fields.Float(
        string="Minimum Down Payment (%)",
        digits=(5, 2),
        help="Of the negotiated amount, for agreements in installments.",
    )
    agreement_interest_monthly = fields.Float(
        string="Agreement Interest per Month (%)",
        digits=(5, 4),
        help="Interest on the financed amount (Price table); 0 for none.",
    )
    agreement_first_due_days = fields.Integer(
        string="Days to the First Due Date",
        default=30,
        help="The first installment falls due at most this many days after the "
        "agreement.",
    )
    agreement_max_broken = fields.Integer(
        string="Broken Agreements Allowed",
        default=1,
        help="A customer who broke this many agreements is offered no other one "
        "(a collection manager may still approve it).",
    )
    agreement_breach_days = fields.Integer(
        string="Days Late to Break",
        default=30,
        help="An agreement installment unpaid this many days after its due date "
        "breaks the agreement: the remaining balance falls due at once.",
    )
    agreement_breach_reinstate = fields.Boolean(
        string="Reinstate Waivers on Breach",
        default=True,
        help="When an agreement is broken, the fine and interest it waived are "
        "charged again.",
    )
    agreement_portal_self_service = fields.Boolean(
        string="Portal Agreements Without Approval",
        groups="dunning_br.group_dunning_manager",
        help="An offer the customer accepts on the portal within these rules is "
        "activated at once; otherwise it waits for the collector's approval.",
    )
    agreement_policy_id = fields.Many2one(
        "dunning.policy",
        string="Policy of the Agreement Installments",
        check_company=True,
        help="The régua followed by the installments of agreements negotiated "
        "under this policy; empty: this policy.",
    )

    @api.depends("fine_percent")
    def _compute_fine_capped_for_consumers(self):
        for policy in self:
            fine = Decimal(str(policy.fine_percent))
            policy.fine_capped_for_consumers = fine > CONSUMER_FINE_CAP_PCT

    @api.constrains("fine_percent", "interest_monthly_percent", "max_send_attempts")
    def _check_rates(self):
        for policy in self:
            if not 0 <= Decimal(str(policy.fine_percent)) <= MAX_FINE_PCT:
                raise ValidationError(
                    self.env._(
                        "The late fine of policy %(policy)s must be between 0%% and "
                        "%(max)s%% of the installment.",
                        policy=policy.name,
                        max=MAX_FINE_PCT,
                    )
                )
            interest = Decimal(str(policy.interest_monthly_percent))
            if not 0 <= interest <= MAX_INTEREST_MONTHLY_PCT:
                raise ValidationError(
                    self.env._(
                        "The monthly interest of policy %(policy)s must be between "
                        "0%% and %(max)s%%.",
                        policy=policy.name,
                        max=MAX_INTEREST_MONTHLY_PCT,
                    )
                )
            if policy.max_send_attempts < 1:
                raise ValidationError(
                    self.env._("A reminder must be tried at least once.")
                )

    @api.constrains("negativation_notice_days")
    def _check_negativation_notice_days(self):
        for policy in self:
            if policy.negativation_notice_days < MIN_NOTICE_DAYS:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s: listing or protest may follow the prior "
                        "notice after %(min)s days at the earliest (CDC art. 43 §2).",
                        policy=policy.name,
                        min=MIN_NOTICE_DAYS,
                    )
                )

    @api.constrains("promise_max_days", "promise_max_count")
    def _check_promise_limits(self):
        for policy in self:
            try:
                PromiseLimits(
                    max_days=policy.promise_max_days,
                    max_promises=policy.promise_max_count,
                )
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "A payment promise must be allowed at least one day ahead, "
                        "and the number of promises cannot be negative."
                    )
                ) from error

    def _late_charge_policy(self):
        """The policy's rates for ``cobranca.charges``."""
        self.ensure_one()
        return LateChargePolicy(
            fine_pct=Decimal(str(self.fine_percent)),
            interest_monthly_pct=Decimal(str(self.interest_monthly_percent)),
        )

    def _prior_notice_step(self, flag_step):
        """The step that gives the prior notice required before ``flag_step``
        (flag for listing): the latest notice-toned step before it."""
        self.ensure_one()
        notices = self.step_ids.filtered(
            lambda s: (
                s.tone == "negativation"
                and not s.flag_negativation
                and s.offset_days < flag_step.offset_days
            )
        )
        return notices.sorted("offset_days")[-1:]
