# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SmsSms(models.Model):
    _inherit = "sms.sms"

    # ------------------------------------------------------------------
    # Collection (régua) channel — dunning_br_sms's SMS channel part.
    # Gateways call ``_dunning_sms_status_changed()`` on the records whose
    # state changed (after writing ``state``, ``failure_type`` and, when the
    # provider gave one, ``dunning_failure_reason``).
    # ------------------------------------------------------------------
    state = fields.Selection(
        selection_add=[("dunning_scheduled", "Scheduled (contact hours)")],
        ondelete={"dunning_scheduled": lambda sms: sms.write({"state": "outgoing"})},
    )
    dunning_communication_id = fields.Many2one(
        "dunning.communication",
        string="Collection Message",
        index="btree_not_null",
        ondelete="set null",
    )
    dunning_scheduled_at = fields.Datetime(
        string="Send From",
        index="btree_not_null",
        help="A collection SMS due outside the company's contact hours waits "
        "until they open.",
    )
    dunning_failure_reason = fields.Char(
        string="Provider's Reason",
        help="Why the provider refused or could not deliver the message, in "
        "its own words.",
    )

    #: sms.sms state → state of the collection message.
    _DUNNING_SMS_STATES = {
        "dunning_scheduled": "scheduled",
        "outgoing": "queued",
        "process": "queued",
        "pending": "sent",
        "sent": "delivered",
        "error": "failed",
        "canceled": "failed",
    }

    def _dunning_sms_status_changed(self):
        """Follow the state of the collection SMS of ``self`` in their
        reminders, collection history and customers' chatter: queued → sent →
        delivered, or failed with the provider's reason."""
        failure_types = dict(
            self._fields["failure_type"]._description_selection(self.env)
        )
        for sms in self.sudo().filtered("dunning_communication_id"):
            state = self._DUNNING_SMS_STATES.get(sms.state)
            if not state:
                continue
            reason = False
            if state == "failed":
                notification = sms.sms_tracker_id.mail_notification_id[:1]
                reason = (
                    sms.dunning_failure_reason
                    or notification.failure_reason
                    or failure_types.get(sms.failure_type)
                    or (
                        self.env._("Cancelled")
                        if sms.state == "canceled"
                        else self.env._("Unknown error")
                    )
                )
            sms.dunning_communication_id._dunning_sms_set_state(state, reason)

    @api.model
    def _cron_dunning_release_scheduled(self):
        """Scheduled action: put the collection SMS whose contact hours opened
        in the queue of the SMS (and run it); those whose hours are still
        closed (a late run) wait for the next opening."""
        now = fields.Datetime.now()
        waiting = self.sudo().search(
            [("state", "=", "dunning_scheduled"), ("dunning_scheduled_at", "<=", now)]
        )
        released = self.browse()
        cron = self.env.ref("dunning_br_sms.ir_cron_dunning_sms_release").sudo()
        for company, batch in waiting.grouped(
            lambda s: s.dunning_communication_id.company_id
        ).items():
            opens = company._dunning_sms_next_contact_time(now) if company else now
            if opens > now:
                batch.dunning_scheduled_at = opens
                cron._trigger(opens)
                continue
            released |= batch
        if released:
            released.write({"state": "outgoing"})
            released._dunning_sms_status_changed()
            self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
        return released
