# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from .dunning_report_delinquency import DSO_DAYS
from .dunning_report_mixin import CUSTOMER_TYPES


class DunningReportCustomer(models.Model):
    """Per installment, open or paid, what the customer analysis sums: the
    days late of the paid ones (due date to full payment; paid early counts
    0), the open and overdue amounts and the sales of the last 90 days as of
    the report date (DSO per customer)."""

    _name = "dunning.report.customer"
    _inherit = "dunning.report.mixin"
    _description = "Collection Customer Analysis"
    _auto = False
    _order = "date_maturity desc, id desc"
    _rec_name = "partner_id"
    _dunning_ratios = {
        "avg_days_late": ("days_late_total", "paid_count", 1.0),
        "dso": ("open_amount", "sales_amount", float(DSO_DAYS)),
    }

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    collector_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="Who follows the customer up: its own collector, else the company's.",
    )
    policy_id = fields.Many2one("dunning.policy", readonly=True)
    customer_type = fields.Selection(CUSTOMER_TYPES, readonly=True)
    move_line_id = fields.Many2one(
        "account.move.line", string="Installment", readonly=True
    )
    date = fields.Date(string="Invoice Date", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    paid_date = fields.Date(string="Paid On", readonly=True)
    paid_count = fields.Integer(string="Installments Paid", readonly=True)
    days_late_total = fields.Integer(string="Days Late (Total)", readonly=True)
    avg_days_late = fields.Float(
        string="Average Days Late",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days between the due date and the full payment, on average over the "
        "paid installments (paid early or on time counts 0).",
    )
    open_amount = fields.Monetary(readonly=True)
    overdue_amount = fields.Monetary(readonly=True)
    sales_amount = fields.Monetary(
        string="Sales (90 Days)",
        readonly=True,
        help="Installments invoiced in the 90 days up to the report date.",
    )
    dso = fields.Float(
        string="DSO (Days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days sales outstanding: open amount / sales of the last 90 days × 90.",
    )

    @api.model
    def _dunning_view_sql(self):
        aml_model = self.env["account.move.line"]
        return SQL(
            """
            SELECT aml.id,
                   aml.id AS move_line_id,
                   aml.company_id,
                   aml.company_currency_id AS currency_id,
                   am.commercial_partner_id AS partner_id,
                   am.invoice_user_id AS user_id,
                   %(collector)s AS collector_id,
                   %(policy)s AS policy_id,
                   p.dunning_customer_type AS customer_type,
                   am.date,
                   aml.date_maturity,
                   round(aml.balance, 2) AS balance,
                   round(aml.amount_residual, 2) AS amount_residual,
                   w.paid_date,
                   CASE WHEN w.paid_date IS NOT NULL THEN 1 ELSE 0 END AS paid_count,
                   CASE WHEN w.paid_date IS NOT NULL
                        THEN GREATEST(w.paid_date - aml.date_maturity, 0)
                        ELSE 0 END AS days_late_total
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN res_company rc ON rc.id = aml.company_id
              JOIN res_partner p ON p.id = am.commercial_partner_id
              LEFT JOIN dunning_policy pp
                     ON pp.id = p.dunning_policy_id
                    AND pp.company_id = aml.company_id
                    AND pp.active
             CROSS JOIN LATERAL (SELECT %(paid_date)s AS paid_date) w
             WHERE %(installment)s
               AND aml.balance > 0
               AND %(currency)s
            """,
            policy=self._dunning_policy_sql(),
            collector=self._dunning_collector_sql(),
            paid_date=self._dunning_paid_date_sql("aml"),
            installment=aml_model._dunning_installment_kind_sql("aml", "am"),
            currency=self._dunning_same_currency_sql("aml"),
        )

    @property
    def _table_query(self):
        day = self._dunning_report_date()
        return SQL(
            """
            SELECT v.id, v.move_line_id, v.company_id, v.currency_id, v.partner_id,
                   v.user_id, v.collector_id, v.policy_id, v.customer_type, v.date,
                   v.date_maturity, v.paid_date, v.paid_count, v.days_late_total,
                   v.days_late_total::float AS avg_days_late,
                   v.amount_residual AS open_amount,
                   CASE WHEN v.date_maturity < %(day)s THEN v.amount_residual
                        ELSE 0 END AS overdue_amount,
                   CASE WHEN v.date > %(day)s::date - %(dso_days)s THEN v.balance
                        ELSE 0 END AS sales_amount,
                   CASE WHEN v.date > %(day)s::date - %(dso_days)s
                        THEN %(dso_days)s * v.amount_residual / v.balance
                        ELSE 0 END AS dso
              FROM dunning_report_customer v
             WHERE v.date <= %(day)s
            """,
            day=day,
            dso_days=DSO_DAYS,
        )
