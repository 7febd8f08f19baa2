# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    dunning_policy_id = fields.Many2one(
        "dunning.policy",
        string="Default Collection Policy",
        check_company=True,
        help="Used for the invoices whose customer and invoice name no policy.",
    )
    dunning_holiday_ids = fields.One2many(
        "dunning.holiday",
        "company_id",
        string="Local Holidays",
        help="Municipal or state holidays on which the company's banks close, on "
        "top of the national bank calendar.",
    )
