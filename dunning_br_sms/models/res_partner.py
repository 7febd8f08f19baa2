# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _dunning_sms_opt_out(self, source):
        """The customers of ``self`` refuse collection SMS (a "SAIR"/"PARE"
        reply through a gateway, ``source`` naming where it came from): their
        flag is set on the commercial partner (the régua's customer), the
        collection SMS still waiting for the contact hours are cancelled, and
        their chatter says so. Legally required notices then go by e-mail or
        letter."""
        customers = self.sudo().commercial_partner_id
        todo = customers.filtered(lambda p: not p.dunning_opt_out_sms)
        todo.write({"dunning_opt_out_sms": True})
        waiting = (
            self.env["sms.sms"]
            .sudo()
            .search(
                [
                    ("state", "=", "dunning_scheduled"),
                    ("dunning_communication_id.partner_id", "in", customers.ids),
                ]
            )
        )
        if waiting:
            waiting.write(
                {
                    "state": "canceled",
                    "dunning_failure_reason": self.env._(
                        "The customer refused text messages before it was sent."
                    ),
                }
            )
            waiting._dunning_sms_status_changed()
        for partner in todo:
            # In the customer's language, whoever reports the refusal (the
            # gateway's webhook runs as the public user).
            partner = partner.with_context(lang=partner.lang or self.env.lang)
            partner._message_log(
                body=partner.env._(
                    "The customer refused collection text messages (%(origin)s).",
                    origin=source,
                )
            )
        return todo
