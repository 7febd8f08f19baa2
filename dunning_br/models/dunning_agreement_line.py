# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DunningAgreementLine(models.Model):
    """An original installment settled by an agreement, with its amounts as
    of the agreement date."""

    _name = "dunning.agreement.line"
    _description = "Installment Settled by an Agreement"
    _order = "agreement_id, date_maturity, id"
    _check_company_auto = True

    agreement_id = fields.Many2one(
        "dunning.agreement", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="agreement_id.company_id", store=True)
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Installment",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_late = fields.Integer(readonly=True)
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)
    fine_amount = fields.Monetary(string="Late Fine", readonly=True)
    interest_amount = fields.Monetary(string="Late Interest", readonly=True)
    total_amount = fields.Monetary(string="Updated Amount", readonly=True)
