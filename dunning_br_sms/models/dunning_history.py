# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DunningHistory(models.Model):
    _inherit = "dunning.history"

    skip_reason = fields.Selection(
        selection_add=[
            ("sms_landline", "Not a mobile number (landline)"),
            ("no_mobile", "No valid mobile number"),
        ],
        ondelete={"sms_landline": "set null", "no_mobile": "set null"},
    )
    sms_state = fields.Selection(
        string="SMS Status", related="communication_id.sms_state", store=True
    )
