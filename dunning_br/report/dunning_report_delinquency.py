# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.tools import SQL
from odoo.tools.sql import TableKind, table_kind

from .dunning_report_mixin import CUSTOMER_TYPES

#: DSO looks at the credit sales of the last 90 days.
DSO_DAYS = 90


class DunningReportDelinquency(models.Model):
    """At each month end (the day of the last update for the current month),
    as of that day: the receivable still open, the part overdue, the
    installments fully paid during the month and those paid late, and the
    DSO. A payment or credit note dated after the month end does not reduce
    that month's open amount (``account_partial_reconcile.max_date``).

    The figures are a snapshot: every month of every customer needs the
    whole history of its installments, too much to compute at each click on
    a large ledger. The table is filled by :meth:`_dunning_refresh` (a daily
    scheduled action, the "Update Now" button, the module's installation), in
    one transaction: readers see the previous figures until it commits."""

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

    #: The installments the snapshot is computed from (a plain view).
    _dunning_source_view = "dunning_report_delinquency_installment"
    #: Two updates at once: the second waits for the first, then recomputes.
    _dunning_refresh_lock = 7_412_301

    snapshot_date = fields.Date(string="As Of", readonly=True)
    month_end = fields.Date(readonly=True)
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
                   %(collector)s AS collector_id,
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
            collector=self._dunning_collector_sql(),
            paid_date=self._dunning_paid_date_sql("aml"),
            installment=aml_model._dunning_installment_kind_sql("aml", "am"),
            currency=self._dunning_same_currency_sql("aml"),
        )

    def init(self):
        """The installments' view and the snapshot table (derived data:
        created again, then filled, at each installation or update)."""
        cr = self.env.cr
        tools.drop_view_if_exists(cr, self._dunning_source_view)
        cr.execute(
            SQL(
                "CREATE VIEW %s AS (%s)",
                SQL.identifier(self._dunning_source_view),
                self._dunning_view_sql(),
            )
        )
        if table_kind(cr, self._table) == TableKind.View:
            tools.drop_view_if_exists(cr, self._table)
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(self._table)))
        columns = SQL(", ").join(
            SQL(
                "%s %s",
                SQL.identifier(name),
                SQL(self._fields[name].column_type[1]),
            )
            for name in self._dunning_snapshot_columns()
        )
        cr.execute(
            SQL(
                "CREATE TABLE %s (id integer PRIMARY KEY, %s)",
                SQL.identifier(self._table),
                columns,
            )
        )
        tools.create_index(
            cr,
            f"{self._table}_company_month_index",
            self._table,
            ["company_id", "month_end"],
        )
        self._dunning_refresh()

    @api.model
    def _dunning_snapshot_columns(self):
        return [
            name
            for name, field in self._fields.items()
            if field.store and field.column_type and name != "id"
            and name not in models.MAGIC_COLUMNS
        ]  # fmt: skip

    @api.model
    def _dunning_refresh(self):
        """Compute the figures as of the report date (today, or the context's
        ``dunning_report_date``) for every company and replace the snapshot
        with them."""
        cr = self.env.cr
        day = self._dunning_report_date()
        columns = self._dunning_snapshot_columns()
        computed = [name for name in columns if name != "snapshot_date"]
        self.env.flush_all()
        cr.execute(SQL("SELECT pg_advisory_xact_lock(%s)", self._dunning_refresh_lock))
        cr.execute(SQL("DELETE FROM %s", SQL.identifier(self._table)))
        # The planner's cost of the month grid is far above PostgreSQL's JIT
        # thresholds: compiling it takes seconds more than running it.
        cr.execute(SQL("SELECT current_setting('jit'), set_config('jit', 'off', true)"))
        jit = cr.fetchone()[0]
        cr.execute(
            SQL(
                """INSERT INTO %(table)s (id, snapshot_date, %(columns)s)
                   SELECT row_number() OVER (ORDER BY q.month_end, q.company_id,
                                             q.partner_id, q.user_id,
                                             q.policy_id),
                          %(day)s, %(q_columns)s
                     FROM (%(query)s) q""",
                table=SQL.identifier(self._table),
                columns=SQL(", ").join(map(SQL.identifier, computed)),
                q_columns=SQL(", ").join(
                    SQL.identifier("q", name) for name in computed
                ),
                day=day,
                query=self._dunning_snapshot_query(day),
            )
        )
        cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))
        self.invalidate_model()
        return day

    def action_dunning_refresh(self):
        """The list's "Update" button: recompute the snapshot now."""
        self.check_access("read")
        self.sudo()._dunning_refresh()
        return {"type": "ir.actions.client", "tag": "reload"}

    @api.model
    def _dunning_snapshot_query(self, day):
        """Figures at each month end E as running sums of dated events, not
        one row per installment and month: each event counts from its day
        on (``event_date <= E``): an installment adds its amount to the
        receivable on its date, to the overdue the day after its due date
        (not before its date), each partial reconciliation takes its amount
        off both from its ``max_date`` (the overdue: not before the
        installment became overdue), the full payment closes it; sales count
        from the date for 90 days. The current month ends on the report
        date; nothing dated after it counts.

        Each kind of event is summed per customer, salesperson, policy,
        company and month on its own (one pass each over the installments),
        then the months are accumulated; the collector, customer type and
        currency are the customer's and the company's."""
        keys = SQL("company_id, partner_id, user_id, policy_id")
        vkeys = SQL("v.company_id, v.partner_id, v.user_id, v.policy_id")

        def month(expr):
            return SQL("date_trunc('month', %s)::date", expr)

        def event(when, columns, source=None, keys=vkeys):
            # rc ra oc oa sa pc pa plc pla: receivable, overdue and sales
            # changes, then the month's full payments (all, late).
            return SQL(
                """SELECT %(keys)s, %(month)s AS month, %(columns)s
                     FROM %(source)s
                    WHERE %(when)s <= %(day)s
                    GROUP BY %(keys)s, %(month)s""",
                keys=keys,
                month=month(when),
                columns=SQL(", ").join(columns),
                source=source or SQL("inst v"),
                when=when,
                day=day,
            )

        zero, zero_amount = SQL("0"), SQL("0::numeric")
        balance, count = SQL("sum(v.balance)"), SQL("count(*)")
        late = SQL("v.paid_date > v.date_maturity")
        partial = SQL(
            "inst v JOIN account_partial_reconcile apr ON apr.debit_move_id = v.id"
        )
        events = SQL(" UNION ALL ").join(
            [
                event(SQL("v.date"), [count, balance, zero, zero_amount, balance,
                                      zero, zero_amount, zero, zero_amount]),
                event(SQL("(v.date + %s)", DSO_DAYS),
                      [zero, zero_amount, zero, zero_amount, SQL("-sum(v.balance)"),
                       zero, zero_amount, zero, zero_amount]),
                event(SQL("v.overdue_from"),
                      [zero, zero_amount, count, balance, zero_amount,
                       zero, zero_amount, zero, zero_amount]),
                event(SQL("v.paid_date"),
                      [SQL("-count(*)"), zero_amount, zero, zero_amount, zero_amount,
                       count, balance, SQL("count(*) FILTER (WHERE %s)", late),
                       SQL("COALESCE(sum(v.balance) FILTER (WHERE %s), 0)", late)]),
                event(SQL("v.overdue_to"),
                      [zero, zero_amount, SQL("-count(*)"), zero_amount, zero_amount,
                       zero, zero_amount, zero, zero_amount]),
                event(SQL("apr.max_date"),
                      [zero, SQL("-sum(apr.amount)"), zero, zero_amount, zero_amount,
                       zero, zero_amount, zero, zero_amount], source=partial),
                event(SQL("GREATEST(apr.max_date, v.overdue_from)"),
                      [zero, zero_amount, zero, SQL("-sum(apr.amount)"), zero_amount,
                       zero, zero_amount, zero, zero_amount], source=partial),
            ]
        )  # fmt: skip
        return SQL(
            """
            WITH inst AS MATERIALIZED (
                SELECT id, company_id, partner_id, user_id, policy_id, date,
                       date_maturity, balance, paid_date,
                       GREATEST(date, date_maturity + 1) AS overdue_from,
                       -- (GREATEST ignores NULL: no end while it is open)
                       CASE WHEN paid_date IS NOT NULL
                            THEN GREATEST(paid_date, date, date_maturity + 1)
                       END AS overdue_to
                  FROM %(source)s
                 WHERE date <= %(day)s
            ),
            ev(company_id, partner_id, user_id, policy_id, month,
               rc, ra, oc, oa, sa, pc, pa, plc, pla) AS (%(events)s),
            grid AS (
                -- every month from the first event on, events or not
                SELECT %(keys)s, month, sum(rc) AS rc, sum(ra) AS ra,
                       sum(oc) AS oc, sum(oa) AS oa, sum(sa) AS sa,
                       sum(pc) AS pc, sum(pa) AS pa, sum(plc) AS plc,
                       sum(pla) AS pla
                  FROM (
                    SELECT * FROM ev
                    UNION ALL
                    SELECT %(keys)s, g.month::date, 0, 0, 0, 0, 0, 0, 0, 0, 0
                      FROM (SELECT %(keys)s, min(month) AS first
                              FROM ev GROUP BY %(keys)s) f
                     CROSS JOIN LATERAL generate_series(
                         f.first, date_trunc('month', %(day)s::date),
                         interval '1 month') AS g(month)
                  ) u
                 GROUP BY %(keys)s, month
            ),
            cum AS (
                SELECT %(keys)s,
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
                WINDOW w AS (PARTITION BY %(keys)s ORDER BY month)
            )
            SELECT g.*,
                   rc.currency_id,
                   %(collector)s AS collector_id,
                   p.dunning_customer_type AS customer_type,
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
              JOIN res_company rc ON rc.id = g.company_id
              JOIN res_partner p ON p.id = g.partner_id
             WHERE g.receivable_count <> 0 OR g.paid_count <> 0
                OR g.sales_amount <> 0
            """,
            source=SQL.identifier(self._dunning_source_view),
            events=events,
            collector=self._dunning_collector_sql(),
            keys=keys,
            day=day,
            dso_days=DSO_DAYS,
        )
