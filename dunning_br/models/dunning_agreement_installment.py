# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DunningAgreementInstallment(models.Model):
    """A new installment of an agreement (number 0 is the down payment);
    activation creates its receivable item."""

    _name = "dunning.agreement.installment"
    _description = "Agreement Installment"
    _order = "agreement_id, number, id"
    _check_company_auto = True

    agreement_id = fields.Many2one(
        "dunning.agreement", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="agreement_id.company_id", store=True)
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    number = fields.Integer(
        required=True, help="0 is the down payment (entrada), then 1, 2, …"
    )
    date_due = fields.Date(string="Due Date", required=True)
    amount = fields.Monetary(required=True)
    principal = fields.Monetary()
    interest = fields.Monetary(string="Agreement Interest")
    balance = fields.Monetary(string="Balance After")
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Receivable Item",
        readonly=True,
        copy=False,
        check_company=True,
        index="btree_not_null",
    )
    amount_residual = fields.Monetary(
        related="move_line_id.amount_residual", string="Open Amount"
    )
    reconciled = fields.Boolean(related="move_line_id.reconciled", string="Paid")
