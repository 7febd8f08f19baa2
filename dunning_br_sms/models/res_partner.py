# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _dunning_sms_opt_out(self, source):
        """The customer refused collection SMS (e.g. replied "SAIR"):
        set the flag of their commercial partner and say so in its chatter.
        ``source`` tells where the refusal came from (shown in the note)."""
        partners = self.commercial_partner_id.filtered(
            lambda p: not p.dunning_opt_out_sms
        )
        partners.write({"dunning_opt_out_sms": True})
        for partner in partners:
            # in the customer's language, whoever reports the refusal
            partner = partner.with_context(lang=partner.lang or self.env.lang)
            partner.message_post(
                body=partner.env._(
                    "The customer refused collection SMS (%(origin)s).", origin=source
                ),
                subtype_xmlid="mail.mt_note",
            )
        return partners
