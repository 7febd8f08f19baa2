# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from cobranca.charges import CONSUMER_FINE_CAP_PCT, DAYS_PER_MONTH, HUNDRED

from odoo import api, fields, models, tools
from odoo.tools import SQL

from .dunning_report_mixin import CUSTOMER_TYPES

AGING_BUCKETS = [
    ("0_not_due", "Not Due"),
    ("1_15", "1-15 days"),
    ("2_30", "16-30 days"),
    ("3_60", "31-60 days"),
    ("4_90", "61-90 days"),
    ("5_180", "91-180 days"),
    ("6_over", "Over 180 days"),
]
#: Upper bound (days overdue, included) of each bucket but the last.
AGING_LIMITS = [(0, "0_not_due"), (15, "1_15"), (30, "2_30"), (60, "3_60"),
                (90, "4_90"), (180, "5_180")]  # fmt: skip


class DunningReportAging(models.Model):
    """Every open installment (``account.move.line``'s one definition) with
    its days overdue, aging bucket and updated amount as of the report date.

    The fine and interest are computed in SQL from the policy's rates with
    ``cobranca.charges``'s formula (fine capped for consumers, simple
    interest pro rata die, each rounded half-up to cents, nothing before the
    due date extended to the next business day): the bank calendar is
    resolved in Python into the first due date that is on time as of the
    report date, per company. ``test_report_aging`` proves the figures equal
    to ``cobranca.charges.compute_late_charges`` over many seeded cases."""

    _name = "dunning.report.aging"
    _inherit = "dunning.report.mixin"
    _description = "Collection Aging"
    _auto = False
    _order = "date_maturity, id"
    _rec_name = "move_line_id"
    _depends = {
        "account.move.line": [
            "amount_residual", "reconciled", "date_maturity", "parent_state",
            "display_type", "dunning_agreement_id", "company_id", "move_id",
            "currency_id",
        ],
        "account.move": [
            "move_type", "commercial_partner_id", "invoice_user_id",
            "dunning_policy_id", "invoice_date",
        ],
        "res.partner": [
            "dunning_collector_id", "dunning_policy_id", "dunning_customer_type",
        ],
        "dunning.policy": ["fine_percent", "interest_monthly_percent", "active"],
        "res.company": ["dunning_collector_id", "dunning_policy_id"],
    }  # fmt: skip

    move_line_id = fields.Many2one(
        "account.move.line", string="Installment", readonly=True
    )
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    agreement_id = fields.Many2one("dunning.agreement", readonly=True)
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
    date_maturity = fields.Date(string="Due Date", readonly=True)
    invoice_date = fields.Date(readonly=True)
    report_date = fields.Date(string="As Of", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    days_late = fields.Integer(
        string="Days Late (Charged)",
        readonly=True,
        aggregator="max",
        help="The days the interest runs: 0 until the due date extended to the "
        "next business day, then counted from the original due date.",
    )
    aging_bucket = fields.Selection(AGING_BUCKETS, string="Aging", readonly=True)
    installment_count = fields.Integer(string="Installments", readonly=True)
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue Amount", readonly=True)
    fine_amount = fields.Monetary(string="Fine", readonly=True)
    interest_amount = fields.Monetary(string="Interest", readonly=True)
    amount_updated = fields.Monetary(
        string="Updated Amount",
        readonly=True,
        help="Open amount plus the late fine and interest as of the report date, "
        "by the policy's rates (the régua's own rule).",
    )

    #: The open installments' partial index: the aging (and every query of
    #: the open installments) reads them without scanning all move lines.
    _dunning_open_index = "account_move_line_dunning_open_installment_index"

    def init(self):
        result = super().init()
        tools.create_index(
            self.env.cr,
            self._dunning_open_index,
            "account_move_line",
            ["company_id", "date_maturity"],
            where="parent_state = 'posted' AND NOT reconciled"
            " AND amount_residual > 0"
            " AND (display_type = 'payment_term' OR dunning_agreement_id IS NOT NULL)",
        )
        return result

    @api.model
    def _dunning_view_sql(self):
        aml_model = self.env["account.move.line"]
        return SQL(
            """
            SELECT aml.id,
                   aml.id AS move_line_id,
                   aml.move_id,
                   aml.dunning_agreement_id AS agreement_id,
                   aml.company_id,
                   aml.company_currency_id AS currency_id,
                   am.commercial_partner_id AS partner_id,
                   am.invoice_user_id AS user_id,
                   %(collector)s AS collector_id,
                   %(policy)s AS policy_id,
                   p.dunning_customer_type AS customer_type,
                   aml.date_maturity,
                   am.invoice_date,
                   1 AS installment_count,
                   round(aml.amount_residual, 2) AS amount_residual,
                   CASE WHEN p.dunning_customer_type = 'pf'
                        THEN LEAST(pol.fine_percent, %(cap)s)
                        ELSE pol.fine_percent END AS fine_percent,
                   pol.interest_monthly_percent
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN res_company rc ON rc.id = aml.company_id
              JOIN res_partner p ON p.id = am.commercial_partner_id
              LEFT JOIN dunning_policy pp
                     ON pp.id = p.dunning_policy_id
                    AND pp.company_id = aml.company_id
                    AND pp.active
              LEFT JOIN dunning_policy pol ON pol.id = %(policy)s
             WHERE %(installment)s
               AND %(currency)s
            """,
            policy=self._dunning_policy_sql(),
            collector=self._dunning_collector_sql(),
            cap=CONSUMER_FINE_CAP_PCT,
            installment=aml_model._dunning_installment_sql("aml", "am"),
            currency=self._dunning_same_currency_sql("aml"),
        )

    @api.model
    def _dunning_on_time_from(self, company, day):
        """The first due date still on time on ``day`` for ``company``: the
        due dates before it are late (``cobranca.charges.days_late`` > 0),
        those from it on are not (a due date on a non-business day is
        extended to the next business day)."""
        calendar = self.env["dunning.engine"]._calendar(company)
        first = day
        while calendar.effective_due_date(first - timedelta(days=1)) >= day:
            first -= timedelta(days=1)
        return first

    @property
    def _table_query(self):
        day = self._dunning_report_date()
        companies = self.env["res.company"].sudo().search([])
        on_time = SQL(", ").join(
            SQL("(%s, %s::date)", company.id, self._dunning_on_time_from(company, day))
            for company in companies
        )
        buckets = SQL(" ").join(
            SQL("WHEN %s - v.date_maturity <= %s THEN %s", day, limit, key)
            for limit, key in AGING_LIMITS
        )
        return SQL(
            """
            SELECT c.*,
                   c.amount_residual + c.fine_amount + c.interest_amount
                       AS amount_updated
              FROM (
                SELECT v.id, v.move_line_id, v.move_id, v.agreement_id,
                       v.company_id, v.currency_id, v.partner_id, v.user_id,
                       v.collector_id, v.policy_id, v.customer_type,
                       v.date_maturity, v.invoice_date, v.installment_count,
                       v.amount_residual,
                       %(day)s::date AS report_date,
                       GREATEST(%(day)s - v.date_maturity, 0) AS days_overdue,
                       l.days_late,
                       CASE %(buckets)s ELSE '6_over' END AS aging_bucket,
                       CASE WHEN v.date_maturity < %(day)s
                            THEN v.amount_residual ELSE 0 END AS amount_overdue,
                       CASE WHEN l.days_late > 0 AND v.fine_percent IS NOT NULL
                            THEN round(v.amount_residual * v.fine_percent
                                       / %(hundred)s, 2)
                            ELSE 0 END AS fine_amount,
                       CASE WHEN l.days_late > 0 AND v.fine_percent IS NOT NULL
                            THEN round(v.amount_residual * v.interest_monthly_percent
                                       * l.days_late / %(month)s, 2)
                            ELSE 0 END AS interest_amount
                  FROM dunning_report_aging v
                  JOIN (VALUES %(on_time)s) AS t(company_id, on_time_from)
                    ON t.company_id = v.company_id
                 CROSS JOIN LATERAL (
                     SELECT CASE WHEN v.date_maturity < t.on_time_from
                                 THEN %(day)s - v.date_maturity
                                 ELSE 0 END AS days_late) l
              ) c
            """,
            day=day,
            buckets=buckets,
            hundred=HUNDRED,
            month=HUNDRED * DAYS_PER_MONTH,
            on_time=on_time,
        )
