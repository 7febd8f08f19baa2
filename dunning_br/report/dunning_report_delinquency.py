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
        """Figures at each month end E as running sums of dated events, not
        one row per installment and month: each event counts from its day
        on (``event_date <= E``): an installment adds its amount to the
        receivable on its date, to the overdue the day after its due date
        (not before its date), each partial reconciliation takes its amount
        off both from its ``max_date`` (the overdue: not before the
        installment became overdue), the full payment closes it; sales count
        from the date for 90 days. The current month ends on the report
        date; nothing dated after it counts."""
        day = self._dunning_report_date()
        dims = SQL(
            "company_id, currency_id, partner_id, user_id, collector_id,"
            " policy_id, customer_type"
        )
        vdims = SQL(
            "v.company_id, v.currency_id, v.partner_id, v.user_id, v.collector_id,"
            " v.policy_id, v.customer_type"
        )
        return SQL(
            """
            WITH inst AS MATERIALIZED (
                SELECT * FROM dunning_report_delinquency WHERE date <= %(day)s
            ),
            ev AS (
                SELECT %(vdims)s, e.*
                  FROM inst v
                 CROSS JOIN LATERAL (VALUES
                     (v.date, 1, v.balance, 0, 0::numeric, v.balance,
                      0, 0::numeric, 0, 0::numeric),
                     (v.date + %(dso_days)s, 0, 0::numeric, 0, 0::numeric,
                      -v.balance, 0, 0::numeric, 0, 0::numeric),
                     (GREATEST(v.date, v.date_maturity + 1), 0, 0::numeric, 1,
                      v.balance, 0::numeric, 0, 0::numeric, 0, 0::numeric),
                     (v.paid_date, -1, 0::numeric, 0, 0::numeric, 0::numeric,
                      1, v.balance,
                      CASE WHEN v.paid_date > v.date_maturity THEN 1 ELSE 0 END,
                      CASE WHEN v.paid_date > v.date_maturity
                           THEN v.balance ELSE 0 END),
                     (GREATEST(v.paid_date, v.date, v.date_maturity + 1), 0,
                      0::numeric, -1, 0::numeric, 0::numeric,
                      0, 0::numeric, 0, 0::numeric)
                 ) AS e(event_date, rc, ra, oc, oa, sa, pc, pa, plc, pla)
                 WHERE e.event_date IS NOT NULL
                 UNION ALL
                SELECT %(vdims)s, e.*
                  FROM inst v
                  JOIN account_partial_reconcile apr ON apr.debit_move_id = v.id
                 CROSS JOIN LATERAL (VALUES
                     (apr.max_date, 0, -apr.amount, 0, 0::numeric, 0::numeric,
                      0, 0::numeric, 0, 0::numeric),
                     (GREATEST(apr.max_date, v.date, v.date_maturity + 1), 0,
                      0::numeric, 0, -apr.amount, 0::numeric,
                      0, 0::numeric, 0, 0::numeric)
                 ) AS e(event_date, rc, ra, oc, oa, sa, pc, pa, plc, pla)
            ),
            monthly AS (
                SELECT %(dims)s, date_trunc('month', event_date)::date AS month,
                       sum(rc) AS rc, sum(ra) AS ra, sum(oc) AS oc, sum(oa) AS oa,
                       sum(sa) AS sa, sum(pc) AS pc, sum(pa) AS pa,
                       sum(plc) AS plc, sum(pla) AS pla
                  FROM ev
                 WHERE event_date <= %(day)s
                 GROUP BY %(dims)s, date_trunc('month', event_date)
            ),
            grid AS (
                -- every month from the first event on, events or not
                SELECT %(dims)s, month, sum(rc) AS rc, sum(ra) AS ra,
                       sum(oc) AS oc, sum(oa) AS oa, sum(sa) AS sa,
                       sum(pc) AS pc, sum(pa) AS pa, sum(plc) AS plc,
                       sum(pla) AS pla
                  FROM (
                    SELECT * FROM monthly
                    UNION ALL
                    SELECT %(dims)s, g.month::date, 0, 0, 0, 0, 0, 0, 0, 0, 0
                      FROM (SELECT %(dims)s, min(month) AS first
                              FROM monthly GROUP BY %(dims)s) f
                     CROSS JOIN LATERAL generate_series(
                         f.first, date_trunc('month', %(day)s::date),
                         interval '1 month') AS g(month)
                  ) u
                 GROUP BY %(dims)s, month
            ),
            cum AS (
                SELECT %(dims)s,
                       LEAST((month + interval '1 month - 1 day')::date,
                             %(day)s::date) AS month_end,
                       sum(rc) OVER w AS receivable_count,
                       sum(ra) OVER w AS receivable_amount,
                       sum(oc) OVER w AS overdue_count,
                       sum(oa) OVER w AS overdue_amount,
                       sum(sa) OVER w AS sales_amount,
                       pc AS paid_count, pa AS paid_amount,
                       plc AS paid_late_count, pla AS paid_late_amount
                  FROM grid
                WINDOW w AS (PARTITION BY %(dims)s ORDER BY month)
            )
            SELECT row_number() OVER () AS id, g.*,
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
              FROM cum g
             WHERE g.receivable_count <> 0 OR g.paid_count <> 0
                OR g.sales_amount <> 0
            """,
            day=day,
            dims=dims,
            vdims=vdims,
            dso_days=DSO_DAYS,
        )
