# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.dunning_agreement import AGREEMENT_STATES
from .dunning_report_mixin import CUSTOMER_TYPES


class DunningReportAgreement(models.Model):
    """The installment agreements signed (active, fulfilled or broken):
    the amount negotiated against what was recovered on their installments,
    and the fine, interest and discount waived."""

    _name = "dunning.report.agreement"
    _inherit = "dunning.report.mixin"
    _description = "Collection Agreements Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "agreement_id"
    _dunning_ratios = {
        "recovery_rate": ("recovered_amount", "total_amount", 100.0),
        "fulfilled_rate": ("fulfilled_count", "made_count", 100.0),
        "broken_rate": ("broken_count", "made_count", 100.0),
    }

    agreement_id = fields.Many2one("dunning.agreement", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    policy_id = fields.Many2one("dunning.policy", readonly=True)
    customer_type = fields.Selection(CUSTOMER_TYPES, readonly=True)
    date = fields.Date(readonly=True)
    state = fields.Selection(AGREEMENT_STATES, readonly=True)
    made_count = fields.Integer(string="Agreements Made", readonly=True)
    fulfilled_count = fields.Integer(string="Fulfilled", readonly=True)
    broken_count = fields.Integer(string="Broken", readonly=True)
    debt_amount = fields.Monetary(string="Updated Debt", readonly=True)
    negotiated_amount = fields.Monetary(string="Negotiated", readonly=True)
    total_amount = fields.Monetary(string="Total Payable", readonly=True)
    recovered_amount = fields.Monetary(
        string="Recovered",
        readonly=True,
        help="Paid so far on the agreement's installments.",
    )
    waived_amount = fields.Monetary(
        string="Waivers Granted",
        readonly=True,
        help="Fine and interest waived plus the cash discount.",
    )
    recovery_rate = fields.Float(
        string="Recovered (%)", readonly=True, aggregator="avg", digits=(16, 2)
    )
    fulfilled_rate = fields.Float(
        string="Fulfilled (%)", readonly=True, aggregator="avg", digits=(16, 2)
    )
    broken_rate = fields.Float(
        string="Broken (%)", readonly=True, aggregator="avg", digits=(16, 2)
    )

    @api.model
    def _dunning_view_sql(self):
        return SQL(
            """
            SELECT a.id,
                   a.id AS agreement_id,
                   a.company_id,
                   rc.currency_id,
                   a.partner_id,
                   a.user_id,
                   a.policy_id,
                   p.dunning_customer_type AS customer_type,
                   a.date,
                   a.state,
                   1 AS made_count,
                   CASE WHEN a.state = 'fulfilled' THEN 1 ELSE 0 END AS fulfilled_count,
                   CASE WHEN a.state = 'broken' THEN 1 ELSE 0 END AS broken_count,
                   COALESCE(a.debt_amount, 0) AS debt_amount,
                   COALESCE(a.negotiated_amount, 0) AS negotiated_amount,
                   COALESCE(a.total_amount, 0) AS total_amount,
                   COALESCE(r.recovered, 0) AS recovered_amount,
                   COALESCE(a.fine_waived, 0) + COALESCE(a.interest_waived, 0)
                       + COALESCE(a.discount_amount, 0) AS waived_amount,
                   CASE WHEN a.total_amount > 0
                        THEN 100.0 * COALESCE(r.recovered, 0) / a.total_amount
                        ELSE 0 END AS recovery_rate,
                   CASE WHEN a.state = 'fulfilled' THEN 100 ELSE 0 END
                       AS fulfilled_rate,
                   CASE WHEN a.state = 'broken' THEN 100 ELSE 0 END AS broken_rate
              FROM dunning_agreement a
              JOIN res_company rc ON rc.id = a.company_id
              JOIN res_partner p ON p.id = a.partner_id
              LEFT JOIN LATERAL (
                  SELECT sum(aml.balance - aml.amount_residual) AS recovered
                    FROM account_move_line aml
                   WHERE aml.dunning_agreement_id = a.id
                     AND aml.parent_state = 'posted'
                     AND aml.balance > 0
              ) r ON TRUE
             WHERE a.state IN ('active', 'fulfilled', 'broken')
            """
        )
