# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    dunning_agreement_id = fields.Many2one(
        "dunning.agreement",
        string="Installment Agreement",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="Set on the receivable items an installment agreement created: "
        "they are collected like the installments of an invoice.",
    )

    # ------------------------------------------------------------------
    # What an installment is: the one definition every query uses
    # ------------------------------------------------------------------
    @api.model
    def _dunning_installment_domain(self):
        """The open installments the régua collects: the receivable items
        of posted customer invoices (one per due date of the payment terms)
        and those of installment agreements, not yet fully paid."""
        return [
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
            "|",
            "&",
            ("move_id.move_type", "=", "out_invoice"),
            ("display_type", "=", "payment_term"),
            ("dunning_agreement_id", "!=", False),
        ]

    @api.model
    def _dunning_installment_sql(self, aml="aml", am="am"):
        """:meth:`_dunning_installment_domain` as an SQL condition on the
        move line aliased ``aml`` joined with its move aliased ``am``."""
        return SQL(
            """%(kind)s
               AND NOT %(aml)s.reconciled
               AND %(aml)s.amount_residual > 0""",
            kind=self._dunning_installment_kind_sql(aml, am),
            aml=SQL.identifier(aml),
        )

    @api.model
    def _dunning_installment_kind_sql(self, aml="aml", am="am"):
        """The installments, open or paid: :meth:`_dunning_installment_sql`
        without its "not fully paid" part, for the reports that look back
        (delinquency at past month ends, payment delays)."""
        aml, am = SQL.identifier(aml), SQL.identifier(am)
        return SQL(
            """%(aml)s.parent_state = 'posted'
               AND ((%(am)s.move_type = 'out_invoice'
                     AND %(aml)s.display_type = 'payment_term')
                    OR %(aml)s.dunning_agreement_id IS NOT NULL)""",
            aml=aml,
            am=am,
        )

    # ------------------------------------------------------------------
    # An agreement whose installments are all paid is fulfilled
    # ------------------------------------------------------------------
    def _reconcile_plan(self, reconciliation_plan):
        """Every reconciliation (a payment, a bank statement, a credit note)
        goes through here: the active agreements whose receivable items got
        paid are checked at once (one query), see
        ``dunning.agreement._dunning_check_fulfilled``."""
        result = super()._reconcile_plan(reconciliation_plan)
        lines = self.browse()
        todo = list(reconciliation_plan)
        while todo:
            item = todo.pop()
            if isinstance(item, models.BaseModel):
                lines |= item
            else:
                todo.extend(item)
        agreements = lines.sudo().dunning_agreement_id
        if agreements:
            agreements._dunning_check_fulfilled()
        # A listed installment now paid: its removal is requested at once
        # (STJ Súmula 548).
        self.env["dunning.negativation"]._dunning_on_reconciled(lines)
        return result
