# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .dunning_report_mixin import CUSTOMER_TYPES

#: The windows after a step in which a payment counts for it, in days.
RECOVERY_WINDOWS = (3, 7, 30)


class DunningReportRecovery(models.Model):
    """Each step the régua executed (a ``dunning.history`` row sent), the
    installment it reached and whether that installment was fully paid
    within 3, 7 and 30 days after: which step and channel actually works."""

    _name = "dunning.report.recovery"
    _inherit = "dunning.report.mixin"
    _description = "Collection Recovery per Step"
    _auto = False
    _order = "run_date desc, id desc"
    _rec_name = "step_id"
    _dunning_ratios = {
        **{
            f"paid_{days}_rate": (f"paid_{days}_count", "reached_count", 100.0)
            for days in RECOVERY_WINDOWS
        },
        **{
            f"paid_{days}_amount_rate": (
                f"paid_{days}_amount",
                "amount_residual",
                100.0,
            )
            for days in RECOVERY_WINDOWS
        },
    }

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    policy_id = fields.Many2one("dunning.policy", readonly=True)
    step_id = fields.Many2one("dunning.policy.step", readonly=True)
    channel = fields.Selection(
        selection=lambda self: (
            self.env["dunning.policy.step"]
            ._fields["channel"]
            ._description_selection(self.env)
        ),
        readonly=True,
    )
    move_line_id = fields.Many2one(
        "account.move.line", string="Installment", readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    collector_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="Who follows the customer up: its own collector, else the company's.",
    )
    customer_type = fields.Selection(CUSTOMER_TYPES, readonly=True)
    run_date = fields.Date(string="Step Date", readonly=True)
    paid_date = fields.Date(string="Paid On", readonly=True)
    reached_count = fields.Integer(string="Installments Reached", readonly=True)
    amount_residual = fields.Monetary(string="Amount Reached", readonly=True)
    paid_3_count = fields.Integer(string="Paid within 3 Days", readonly=True)
    paid_7_count = fields.Integer(string="Paid within 7 Days", readonly=True)
    paid_30_count = fields.Integer(string="Paid within 30 Days", readonly=True)
    paid_3_amount = fields.Monetary(string="Amount Paid within 3 Days", readonly=True)
    paid_7_amount = fields.Monetary(string="Amount Paid within 7 Days", readonly=True)
    paid_30_amount = fields.Monetary(string="Amount Paid within 30 Days", readonly=True)
    paid_3_rate = fields.Float(
        string="Paid within 3 Days (%)", readonly=True, aggregator="avg", digits=(16, 2)
    )
    paid_7_rate = fields.Float(
        string="Paid within 7 Days (%)", readonly=True, aggregator="avg", digits=(16, 2)
    )
    paid_30_rate = fields.Float(
        string="Paid within 30 Days (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
    )
    paid_3_amount_rate = fields.Float(
        string="Amount Paid within 3 Days (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
    )
    paid_7_amount_rate = fields.Float(
        string="Amount Paid within 7 Days (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
    )
    paid_30_amount_rate = fields.Float(
        string="Amount Paid within 30 Days (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
    )

    @api.model
    def _dunning_view_sql(self):
        windows = SQL(", ").join(
            SQL(
                """CASE WHEN w.paid_date - h.run_date <= %(days)s THEN 1 ELSE 0 END
                       AS %(count)s,
                   CASE WHEN w.paid_date - h.run_date <= %(days)s
                        THEN h.amount_residual ELSE 0 END AS %(amount)s,
                   CASE WHEN w.paid_date - h.run_date <= %(days)s
                        THEN 100 ELSE 0 END AS %(rate)s,
                   CASE WHEN w.paid_date - h.run_date <= %(days)s
                        THEN 100 ELSE 0 END AS %(amount_rate)s""",
                days=days,
                count=SQL.identifier(f"paid_{days}_count"),
                amount=SQL.identifier(f"paid_{days}_amount"),
                rate=SQL.identifier(f"paid_{days}_rate"),
                amount_rate=SQL.identifier(f"paid_{days}_amount_rate"),
            )
            for days in RECOVERY_WINDOWS
        )
        return SQL(
            """
            SELECT h.id,
                   h.company_id,
                   aml.company_currency_id AS currency_id,
                   h.policy_id,
                   h.step_id,
                   h.channel,
                   h.move_line_id,
                   h.partner_id,
                   am.invoice_user_id AS user_id,
                   %(collector)s AS collector_id,
                   p.dunning_customer_type AS customer_type,
                   h.run_date,
                   w.paid_date,
                   1 AS reached_count,
                   COALESCE(h.amount_residual, aml.amount_residual) AS amount_residual,
                   %(windows)s
              FROM dunning_history h
              JOIN account_move_line aml ON aml.id = h.move_line_id
              JOIN account_move am ON am.id = aml.move_id
              JOIN res_company rc ON rc.id = aml.company_id
              JOIN res_partner p ON p.id = h.partner_id
             CROSS JOIN LATERAL (SELECT %(paid_date)s AS paid_date) w
             WHERE h.state = 'sent'
               AND %(currency)s
            """,
            windows=windows,
            collector=self._dunning_collector_sql(),
            paid_date=self._dunning_paid_date_sql("aml"),
            currency=self._dunning_same_currency_sql("aml"),
        )
