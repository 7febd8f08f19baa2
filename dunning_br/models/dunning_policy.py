# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from decimal import Decimal

from cobranca.charges import (
    CONSUMER_FINE_CAP_PCT,
    MAX_FINE_PCT,
    MAX_INTEREST_MONTHLY_PCT,
    LateChargePolicy,
)
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
