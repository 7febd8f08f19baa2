# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DunningHoliday(models.Model):
    """A company-level bank holiday (municipal or state) on top of the
    national bank calendar of ``cobranca.calendar``."""

    _name = "dunning.holiday"
    _description = "Collection Holiday"
    _order = "date desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    date = fields.Date(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    _sql_constraints = [
        (
            "date_company_uniq",
            "unique(company_id, date)",
            "This date is already a holiday of the company.",
        )
    ]
