# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        """A collection e-mail the mail server refused marks its installments
        failed, so that the next run tries again (within the policy's limit)."""
        if failure_type:
            failed_messages = self.filtered(
                lambda mail: mail.model == "dunning.communication"
            ).mail_message_id
            if failed_messages:
                self.env["dunning.history"].sudo().search(
                    [
                        ("mail_message_id", "in", failed_messages.ids),
                        ("state", "=", "sent"),
                    ]
                ).write(
                    {
                        "state": "failed",
                        "failure_reason": failure_reason or failure_type,
                    }
                )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
