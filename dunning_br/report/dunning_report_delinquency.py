# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .dunning_report_mixin import CUSTOMER_TYPES

#: DSO looks at the credit sales of the last 90 days.
DSO_DAYS = 90


class DunningReportDelinquency(models.Model):
    """At each month end (the report date for the current month), as of that
    day: the receivable still open, the part overdue, the installments fully
    paid during the month and those paid late, and the DSO. A payment or
    credit note dated after the month end does not reduce that month's open
    amount (``account_partial_reconcile.max_date``)."""

    _name = "dunning.report.delinquency"
    _inherit = "dunning.report.mixin"
    _description = "Collection Delinquency by Month"
    _auto = False
    _order = "month_end desc"
    _rec_name = "month_end"
    _dunning_ratios = {
        "delinquency_rate": ("overdue_amount", "receivable_amount", 100.0),
        "delinquency_count_rate": ("overdue_count", "receivable_count", 100.0),
        "paid_late_rate": ("paid_late_amount", "paid_amount", 100.0),
        "paid_late_count_rate": ("paid_late_count", "paid_count", 100.0),
        "dso": ("receivable_amount", "sales_amount", float(DSO_DAYS)),
    }

    month_end = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    policy_id = fields.Many2one("dunning.policy", readonly=True)
    customer_type = fields.Selection(CUSTOMER_TYPES, readonly=True)
    receivable_count = fields.Integer(string="Open Installments", readonly=True)
    receivable_amount = fields.Monetary(string="Receivable", readonly=True)
    overdue_count = fields.Integer(string="Overdue Installments", readonly=True)
    overdue_amount = fields.Monetary(string="Overdue", readonly=True)
    paid_count = fields.Integer(string="Paid in the Month", readonly=True)
    paid_amount = fields.Monetary(string="Amount Paid in the Month", readonly=True)
    paid_late_count = fields.Integer(string="Paid Late", readonly=True)
    paid_late_amount = fields.Monetary(string="Amount Paid Late", readonly=True)
    sales_amount = fields.Monetary(
        string="Sales (90 Days)",
        readonly=True,
        help="Installments invoiced in the 90 days up to the month end.",
    )
    delinquency_rate = fields.Float(
        string="Delinquency (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Overdue amount / receivable amount at the month end.",
    )
    delinquency_count_rate = fields.Float(
        string="Delinquency by Count (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
    )
    paid_late_rate = fields.Float(
        string="Paid Late (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Amount paid after the due date / amount paid, of the installments "
        "fully paid in the month.",
    )
    paid_late_count_rate = fields.Float(
        string="Paid Late by Count (%)", readonly=True, aggregator="avg", digits=(16, 2)
    )
    dso = fields.Float(
        string="DSO (Days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days sales outstanding: receivable at the month end / sales of the "
        "90 days up to it × 90.",
    )

    @api.model
    def _dunning_view_sql(self):
        """Every installment, open or paid, with the day it got fully paid."""
        aml_model = self.env["account.move.line"]
        return SQL(
            """
            SELECT aml.id,
                   aml.company_id,
                   aml.company_currency_id AS currency_id,
                   am.commercial_partner_id AS partner_id,
                   am.invoice_user_id AS user_id,
                   p.dunning_collector_id AS collector_id,
                   %(policy)s AS policy_id,
                   p.dunning_customer_type AS customer_type,
                   am.date,
                   aml.date_maturity,
                   round(aml.balance, 2) AS balance,
                   %(paid_date)s AS paid_date
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN res_company rc ON rc.id = aml.company_id
              JOIN res_partner p ON p.id = am.commercial_partner_id
              LEFT JOIN dunning_policy pp
                     ON pp.id = p.dunning_policy_id
                    AND pp.company_id = aml.company_id
                    AND pp.active
             WHERE %(installment)s
               AND aml.balance > 0
               AND %(currency)s
            """,
            policy=self._dunning_policy_sql(),
            paid_date=self._dunning_paid_date_sql("aml"),
            installment=aml_model._dunning_installment_kind_sql("aml", "am"),
            currency=self._dunning_same_currency_sql("aml"),
        )

    @property
    def _table_query(self):
        day = self._dunning_report_date()
        return SQL(
            """
            SELECT row_number() OVER () AS id,
                   g.month_end, g.company_id, g.currency_id, g.partner_id,
                   g.user_id, g.collector_id, g.policy_id, g.customer_type,
                   g.receivable_count, g.receivable_amount,
                   g.overdue_count, g.overdue_amount,
                   g.paid_count, g.paid_amount,
                   g.paid_late_count, g.paid_late_amount, g.sales_amount,
                   CASE WHEN g.receivable_amount > 0
                        THEN 100.0 * g.overdue_amount / g.receivable_amount
                        ELSE 0 END AS delinquency_rate,
                   CASE WHEN g.receivable_count > 0
                        THEN 100.0 * g.overdue_count / g.receivable_count
                        ELSE 0 END AS delinquency_count_rate,
                   CASE WHEN g.paid_amount > 0
                        THEN 100.0 * g.paid_late_amount / g.paid_amount
                        ELSE 0 END AS paid_late_rate,
                   CASE WHEN g.paid_count > 0
                        THEN 100.0 * g.paid_late_count / g.paid_count
                        ELSE 0 END AS paid_late_count_rate,
                   CASE WHEN g.sales_amount > 0
                        THEN %(dso_days)s * g.receivable_amount / g.sales_amount
                        ELSE 0 END AS dso
              FROM (
                SELECT m.month_end, v.company_id, v.currency_id, v.partner_id,
                       v.user_id, v.collector_id, v.policy_id, v.customer_type,
                       count(*) FILTER (WHERE r.open) AS receivable_count,
                       COALESCE(sum(r.residual) FILTER (WHERE r.open), 0)
                           AS receivable_amount,
                       count(*) FILTER (WHERE r.open AND v.date_maturity < m.month_end)
                           AS overdue_count,
                       COALESCE(sum(r.residual) FILTER (
                           WHERE r.open AND v.date_maturity < m.month_end), 0)
                           AS overdue_amount,
                       count(*) FILTER (WHERE r.paid) AS paid_count,
                       COALESCE(sum(v.balance) FILTER (WHERE r.paid), 0) AS paid_amount,
                       count(*) FILTER (WHERE r.paid AND v.paid_date > v.date_maturity)
                           AS paid_late_count,
                       COALESCE(sum(v.balance) FILTER (
                           WHERE r.paid AND v.paid_date > v.date_maturity), 0)
                           AS paid_late_amount,
                       COALESCE(sum(v.balance) FILTER (
                           WHERE v.date > m.month_end - %(dso_days)s), 0)
                           AS sales_amount
                  FROM (
                    SELECT LEAST((s.month + interval '1 month - 1 day')::date,
                                 %(day)s::date) AS month_end,
                           s.month::date AS month_start
                      FROM generate_series(
                               (SELECT date_trunc('month', min(date))
                                  FROM dunning_report_delinquency),
                               date_trunc('month', %(day)s::date),
                               interval '1 month') AS s(month)
                  ) m
                  JOIN dunning_report_delinquency v
                    ON v.date <= m.month_end
                   AND (v.paid_date IS NULL
                        OR v.paid_date >= m.month_start
                        OR v.date > m.month_end - %(dso_days)s)
                 CROSS JOIN LATERAL (
                     SELECT v.balance - COALESCE((
                                SELECT sum(apr.amount)
                                  FROM account_partial_reconcile apr
                                 WHERE apr.debit_move_id = v.id
                                   AND apr.max_date <= m.month_end), 0) AS residual,
                            v.paid_date BETWEEN m.month_start AND m.month_end AS paid
                 ) r0
                 CROSS JOIN LATERAL (
                     SELECT r0.residual, r0.paid,
                            r0.residual > 0
                            AND (v.paid_date IS NULL OR v.paid_date > m.month_end)
                                AS open
                 ) r
                 GROUP BY m.month_end, v.company_id, v.currency_id, v.partner_id,
                          v.user_id, v.collector_id, v.policy_id, v.customer_type
              ) g
            """,
            day=day,
            dso_days=DSO_DAYS,
        )
