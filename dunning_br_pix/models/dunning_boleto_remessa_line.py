# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One movement of a boleto in a CNAB 240 remittance file: its registration
or an instruction (baixa, new due date, protest), queued until the next
remittance of its agreement."""

from odoo import fields, models

MOVEMENTS = [
    ("01", "Registration"),
    ("02", "Write-off request (baixa)"),
    ("06", "Due date change"),
    ("09", "Protest"),
]


class DunningBoletoRemessaLine(models.Model):
    _name = "dunning.boleto.remessa.line"
    _description = "Boleto Remittance Line"
    _check_company_auto = True
    _order = "remessa_id desc, id"

    remessa_id = fields.Many2one(
        "dunning.boleto.remessa",
        string="Remittance File",
        ondelete="cascade",
        index="btree_not_null",
        readonly=True,
    )
    boleto_id = fields.Many2one(
        "dunning.boleto",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
        check_company=True,
    )
    account_id = fields.Many2one(related="boleto_id.account_id", store=True, index=True)
    company_id = fields.Many2one(related="boleto_id.company_id", store=True)
    partner_id = fields.Many2one(related="boleto_id.partner_id")
    nosso_numero = fields.Char(related="boleto_id.nosso_numero")
    currency_id = fields.Many2one(related="boleto_id.currency_id")
    amount = fields.Monetary(related="boleto_id.amount")
    movement = fields.Selection(MOVEMENTS, required=True, readonly=True)
    new_due_date = fields.Date(readonly=True)
    protest_days = fields.Integer(readonly=True)
    state = fields.Selection(
        [
            ("queued", "Waiting for the next remittance"),
            ("sent", "Sent"),
            ("not_sent", "Not sent"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    reason = fields.Char(
        readonly=True, help="Why the movement could not be written in the file."
    )
