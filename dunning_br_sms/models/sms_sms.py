# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from cobranca import sms_gateways

from odoo import api, fields, models

from .dunning_sms_gateway import REJECTION_FAILURE_TYPES

_logger = logging.getLogger(__name__)

#: Twilio error codes meaning "not a valid mobile number".
TWILIO_NUMBER_ERRORS = ("21211", "21614")


class SmsSms(models.Model):
    """SMS of a company with a gateway (``dunning.sms.gateway``) leave through
    it instead of Odoo IAP, still from core's queue (``_process_queue``) and
    with core's states and ``sms.tracker``:

    * accepted by the gateway → ``pending`` (core's "Sent"), the provider's
      message id stored;
    * refused (4xx) → ``error`` at once, with the provider's reason;
    * unavailable (5xx, timeout) → stays ``outgoing`` with the time of the
      next attempt (``cobranca.sms_gateways.retry_delay``), the queue's cron
      triggered then; after the last attempt → ``error`` with the reason;
    * delivery reports (controllers) → ``sent`` (core's "Delivered") or
      ``error`` with the provider's reason.
    """

    _inherit = "sms.sms"

    dunning_company_id = fields.Many2one(
        "res.company",
        string="Company",
        default=lambda self: self.env.company,
        help="Its SMS gateway sends this SMS (Odoo IAP when it has none).",
    )
    dunning_gateway_id = fields.Many2one(
        "dunning.sms.gateway", string="Gateway", readonly=True, index="btree_not_null"
    )
    dunning_provider_message_id = fields.Char(
        string="Provider Message Id", readonly=True, copy=False, index="btree_not_null"
    )
    dunning_attempts = fields.Integer(string="Attempts", readonly=True, copy=False)
    dunning_next_attempt = fields.Datetime(
        string="Next Attempt", readonly=True, copy=False
    )
    dunning_failure_reason = fields.Char(
        string="Failure Reason", readonly=True, copy=False
    )
    dunning_delivered_date = fields.Datetime(
        string="Delivered On", readonly=True, copy=False
    )

    @api.model_create_multi
    def create(self, vals_list):
        """The company of an SMS posted on a record is that record's."""
        for vals in vals_list:
            if vals.get("dunning_company_id") or not vals.get("mail_message_id"):
                continue
            message = self.env["mail.message"].sudo().browse(vals["mail_message_id"])
            if message.model and message.res_id and message.model in self.env:
                record = self.env[message.model].sudo().browse(message.res_id).exists()
                company = record._fields.get("company_id") and record.company_id
                if company:
                    vals["dunning_company_id"] = company.id
        return super().create(vals_list)

    # --- sending -------------------------------------------------------------------

    def resend_failed(self):
        """A resent SMS gets its gateway attempts afresh."""
        self.filtered(lambda sms: sms.state == "error").sudo().write(
            {"dunning_attempts": 0, "dunning_next_attempt": False}
        )
        return super().resend_failed()

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """SMS of a company with a gateway go through it, the others to IAP
        (core, untouched)."""
        gateways = self.env["dunning.sms.gateway"]._dunning_for_companies(
            self.dunning_company_id
        )
        through_gateway = self.filtered(
            lambda sms: sms.dunning_company_id.id in gateways
        )
        for sms in through_gateway:
            sms._dunning_send_through(gateways[sms.dunning_company_id.id])
        through_gateway.mail_message_id._notify_message_notification_update()
        iap = self - through_gateway
        if iap:
            return super(SmsSms, iap)._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
        return None

    def _dunning_send_through(self, gateway):
        self.ensure_one()
        sms = self.sudo().with_context(sms_skip_msg_notification=True)
        now = fields.Datetime.now()
        if sms.dunning_next_attempt and sms.dunning_next_attempt > now:
            return  # waits in the queue for its next attempt
        if not sms.number:
            sms._dunning_fail(
                gateway, "sms_number_missing", self.env._("The SMS has no number.")
            )
            return
        try:
            message_id = gateway._dunning_send(sms)
        except sms_gateways.GatewayRejected as error:
            sms._dunning_fail(
                gateway, self._dunning_rejection_type(error), error.reason
            )
        except sms_gateways.GatewayUnavailable as error:
            sms._dunning_retry_later(gateway, error.reason)
        except ValueError as error:  # the gateway is not configured
            sms._dunning_fail(gateway, "sms_acc", str(error))
        else:
            _logger.info(
                "SMS %s sent through %s as %s", sms.id, gateway.name, message_id
            )
            sms.write(
                {
                    "state": "pending",
                    "failure_type": False,
                    "dunning_gateway_id": gateway.id,
                    "dunning_provider_message_id": message_id,
                    "dunning_attempts": sms.dunning_attempts + 1,
                    "dunning_next_attempt": False,
                    "dunning_failure_reason": False,
                }
            )
            sms.sms_tracker_id._action_update_from_sms_state("pending")
            sms._dunning_sms_status_changed()

    @api.model
    def _dunning_rejection_type(self, error):
        if error.status in REJECTION_FAILURE_TYPES:
            return REJECTION_FAILURE_TYPES[error.status]
        if any(code in error.reason for code in TWILIO_NUMBER_ERRORS):
            return "sms_number_format"
        return "unknown"

    def _dunning_fail(self, gateway, failure_type, reason):
        _logger.info("SMS %s failed through %s: %s", self.id, gateway.name, reason)
        self.write(
            {
                "state": "error",
                "failure_type": failure_type,
                "dunning_gateway_id": gateway.id,
                "dunning_failure_reason": reason,
                "dunning_next_attempt": False,
            }
        )
        self.sms_tracker_id._action_update_from_sms_state(
            "error", failure_type=failure_type, failure_reason=reason
        )
        self._dunning_sms_status_changed()

    def _dunning_retry_later(self, gateway, reason):
        attempts = self.dunning_attempts + 1
        delay = sms_gateways.retry_delay(attempts)
        if delay is None:
            self.dunning_attempts = attempts
            self._dunning_fail(gateway, "sms_server", reason)
            return
        next_attempt = fields.Datetime.now() + delay
        _logger.info(
            "SMS %s: %s unavailable (%s), next attempt at %s",
            self.id,
            gateway.name,
            reason,
            next_attempt,
        )
        self.write(
            {
                "dunning_attempts": attempts,
                "dunning_next_attempt": next_attempt,
                "dunning_failure_reason": reason,
                "dunning_gateway_id": gateway.id,
            }
        )
        cron = self.env.ref(
            "sms.ir_cron_sms_scheduler_action", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger(at=next_attempt)

    # --- delivery reports -------------------------------------------------------

    def _dunning_apply_report(self, report):
        """Apply a provider's delivery report (``cobranca.sms_gateways.
        DeliveryReport``); a report older than the state (``sent`` after
        ``delivered``) changes nothing."""
        self.ensure_one()
        sms = self.sudo().with_context(sms_skip_msg_notification=True)
        if report.state == sms_gateways.DELIVERED:
            if sms.state == "sent":
                return False
            sms.write(
                {
                    "state": "sent",
                    "failure_type": False,
                    "dunning_failure_reason": False,
                    "dunning_delivered_date": fields.Datetime.now(),
                }
            )
            sms.sms_tracker_id._action_update_from_sms_state("sent")
        elif report.state == sms_gateways.FAILED:
            if sms.state == "error" and sms.dunning_failure_reason == report.reason:
                return False
            sms.write(
                {
                    "state": "error",
                    "failure_type": "unknown",
                    "dunning_failure_reason": report.reason,
                }
            )
            sms.sms_tracker_id._update_sms_notifications(
                "exception",
                failure_type="sms_not_delivered",
                failure_reason=report.reason,
            )
        else:  # accepted by the carrier: core's "Sent", unless already further
            if sms.state != "outgoing" and sms.state != "process":
                return False
            sms.write({"state": "pending"})
            sms.sms_tracker_id._action_update_from_sms_state("pending")
        sms.mail_message_id._notify_message_notification_update()
        sms._dunning_sms_status_changed()
        return True

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
