# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DunningHistory(models.Model):
    _inherit = "dunning.history"

    paid_via = fields.Selection([("pix", "Paid via Pix")], readonly=True)
    pix_payment_id = fields.Many2one(
        "dunning.pix.payment", string="Pix Received", readonly=True
    )
