# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.phones import FIXED, MOBILE, br_mobile

from odoo import api, models


class DunningEngine(models.AbstractModel):
    _inherit = "dunning.engine"

    @api.model
    def _skip_reason(self, row, company, today, notices):
        """SMS go to mobiles only: a customer without one is skipped (reason
        ``sms_landline`` or
        ``no_mobile``). A legally required notice (extrajudicial notice, prior
        notice of listing) is never skipped for want of SMS: it goes by
        another channel (``dunning.communication._dunning_send_sms``)."""
        reason = super()._skip_reason(row, company, today, notices)
        if row.channel != "sms" or reason not in (False, "opt_out"):
            return reason
        legal = row.step_id._is_legal()
        if reason == "opt_out":
            return False if legal else reason
        partner = row.partner_id
        kind = br_mobile(partner.mobile, partner.phone)[1]
        if legal or kind == MOBILE:
            return False
        return "sms_landline" if kind == FIXED else "no_mobile"
