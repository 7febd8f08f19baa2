# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.policy import ordered_sources

from odoo import api, fields, models, tools
from odoo.tools import SQL

CUSTOMER_TYPES = [("pj", "Company (PJ)"), ("pf", "Individual (PF)")]


class DunningReportMixin(models.AbstractModel):
    """What the collection reports share: a read-only SQL view created at
    install (``init``), ratios computed per group from summed columns (a
    pivot cannot divide sums) and the report date (today, or the context's
    ``dunning_report_date``)."""

    _name = "dunning.report.mixin"
    _description = "Collection Report (shared)"

    #: ``{ratio field: (numerator field, denominator field, factor)}``: the
    #: ratio of every group is ``factor × sum(numerator) / sum(denominator)``
    #: (the ratio fields are columns of the view too, each row's own ratio,
    #: with the ``avg`` aggregator that this replaces).
    _dunning_ratios = {}

    @api.model
    def _dunning_view_sql(self):
        """The SELECT of the report's view."""
        raise NotImplementedError

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._dunning_view_sql(),
            )
        )

    @api.model
    def _dunning_report_date(self):
        """The day the report is computed for: the context's
        ``dunning_report_date`` or the company's today (its time zone)."""
        day = self.env.context.get("dunning_report_date")
        if day:
            return fields.Date.to_date(day)
        return self.env["dunning.engine"]._today(self.env.company)

    @api.model
    def _dunning_paid_date_sql(self, aml="aml"):
        """The day an installment got fully paid (its last reconciliation,
        payment or credit note), NULL while it is open."""
        return SQL(
            """CASE WHEN %(aml)s.reconciled THEN (
                   SELECT max(apr.max_date)
                     FROM account_partial_reconcile apr
                    WHERE apr.debit_move_id = %(aml)s.id
                       OR apr.credit_move_id = %(aml)s.id) END""",
            aml=SQL.identifier(aml),
        )

    @api.model
    def _dunning_policy_sql(self):
        """The policy of an installment of the invoice ``am`` (company
        ``rc``, customer's policy joined as ``pp``): ``cobranca.policy``'s
        precedence, as the daily run's selection
        (``dunning.engine._policy_sql``) but for every company."""
        return SQL(
            "COALESCE(%s)",
            SQL(", ").join(
                ordered_sources(
                    {
                        "invoice": SQL("am.dunning_policy_id"),
                        "customer": SQL("pp.id"),
                        "company": SQL("rc.dunning_policy_id"),
                    }
                )
            ),
        )

    @api.model
    def _dunning_collector_sql(self, partner="p", company="rc"):
        """Who follows the customer up: its own collector, else the
        company's (``res.company._dunning_follow_up_user_for``)."""
        return SQL(
            "COALESCE(%(partner)s.dunning_collector_id,"
            " %(company)s.dunning_collector_id)",
            partner=SQL.identifier(partner),
            company=SQL.identifier(company),
        )

    @api.model
    def _dunning_same_currency_sql(self, aml="aml", company="rc"):
        """Installments in a foreign currency are left out of every report,
        as the régua leaves them out (skip reason "currency"). Compared with
        the joined company's currency (``company``), not with the line's
        own ``company_currency_id``: PostgreSQL estimates a comparison of two
        columns of one table at 0.5 % of its rows and then plans nested
        loops over every installment."""
        return SQL(
            "%(aml)s.currency_id = %(company)s.currency_id",
            aml=SQL.identifier(aml),
            company=SQL.identifier(company),
        )

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        ratios = {
            name: spec
            for name, spec in self._dunning_ratios.items()
            if any(f.split(":")[0] == name for f in fields)
        }
        if not ratios:
            return super().read_group(
                domain, fields, groupby, offset, limit, orderby, lazy
            )
        fields = [f for f in fields if f.split(":")[0] not in ratios]
        for numerator, denominator, _factor in ratios.values():
            for name in (numerator, denominator):
                if name not in fields and f"{name}:sum" not in fields:
                    fields.append(f"{name}:sum")
        rows = super().read_group(domain, fields, groupby, offset, limit, orderby, lazy)
        for row in rows:
            for name, (numerator, denominator, factor) in ratios.items():
                den = row.get(denominator) or 0
                row[name] = factor * (row.get(numerator) or 0) / den if den else 0.0
        return rows
