# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class SmsTemplate(models.Model):
    _inherit = "sms.template"

    @api.constrains("body")
    def _check_dunning_sms_segments(self):
        """A template used by a step of the régua must keep fitting its cap."""
        steps = self.env["dunning.policy.step"].search(
            [("sms_template_id", "in", self.ids), ("channel", "=", "sms")]
        )
        steps._check_sms_template()
