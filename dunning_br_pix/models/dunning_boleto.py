# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A boleto issued for one installment (receivable line)."""

from odoo import fields, models


class DunningBoleto(models.Model):
    _name = "dunning.boleto"
    _description = "Boleto"
    _inherit = ["mail.thread"]
    _check_company_auto = True
    _order = "due_date desc, id desc"
    _rec_name = "nosso_numero"

    account_id = fields.Many2one(
        "dunning.boleto.account",
        string="Boleto Agreement",
        required=True,
        ondelete="restrict",
        check_company=True,
        index=True,
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    bank_code = fields.Selection(related="account_id.bank_code")
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Installment",
        required=True,
        ondelete="restrict",
        index=True,
    )
    move_id = fields.Many2one(
        related="move_line_id.move_id", string="Invoice", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Payer", required=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(required=True, currency_field="currency_id")
    issue_date = fields.Date(required=True, default=fields.Date.context_today)
    due_date = fields.Date(required=True)
    sequence_number = fields.Char(
        string="Sequential Number",
        required=True,
        copy=False,
        help="The nosso número's sequential part, without check digit.",
    )
    nosso_numero = fields.Char(
        string="Nosso Número", required=True, copy=False, index=True
    )
    barcode = fields.Char(required=True, copy=False)
    linha_digitavel = fields.Char(string="Linha Digitável", required=True, copy=False)
    state = fields.Selection(
        [
            ("draft", "To register"),
            ("sent", "Sent to the bank"),
            ("registered", "Registered"),
            ("rejected", "Rejected"),
            ("paid", "Paid"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    reject_reason = fields.Char(string="Rejection Reason", copy=False)
    pix_charge_id = fields.Many2one(
        "dunning.pix.charge",
        string="Pix Charge",
        copy=False,
        help="The installment's Pix charge whose QR code is printed on the "
        "slip (bolepix).",
    )
    paid_date = fields.Date(copy=False)
    paid_amount = fields.Monetary(currency_field="currency_id", copy=False)

    _sql_constraints = [
        (
            "sequence_uniq",
            "unique(account_id, sequence_number)",
            "A nosso número is used only once per boleto agreement.",
        )
    ]
