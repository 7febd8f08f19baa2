# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class DunningPolicy(models.Model):
    _inherit = "dunning.policy"

    sms_transliterate = fields.Boolean(
        string="SMS without Accents",
        default=True,
        help="Replace the Portuguese accents GSM-7 does not have (ã, ç, ó…) in "
        "the text messages, so that they stay in GSM-7: 160 characters a "
        "segment instead of 70.",
    )

    @api.constrains("sms_transliterate")
    def _check_sms_transliterate(self):
        self.step_ids._check_sms_template()
