# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.phones import MOBILE, br_mobile
from cobranca.sms import SmsError, check_sms, transliterate_pt
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

#: What happened to the text message of a reminder.
SMS_STATES = [
    ("scheduled", "Waiting for the contact hours"),
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("failed", "Failed"),
    ("fallback", "Sent by another channel"),
]
#: Order of the states: a late report never moves a message back.
SMS_STATE_RANK = {
    "scheduled": 0,
    "queued": 1,
    "sent": 2,
    "delivered": 3,
    "failed": 3,
    "fallback": 3,
}


class DunningCommunication(models.Model):
    _inherit = "dunning.communication"

    sms_state = fields.Selection(SMS_STATES, string="SMS Status", copy=False)
    sms_number = fields.Char(string="SMS Number", copy=False)
    sms_uuid = fields.Char(string="SMS UUID", copy=False, index="btree_not_null")
    sms_body = fields.Text(string="SMS Text", copy=False)
    sms_segments = fields.Integer(string="SMS Segments", copy=False)
    sms_encoding = fields.Char(string="SMS Encoding", copy=False)
    sms_scheduled_at = fields.Datetime(
        string="SMS Sent From",
        copy=False,
        help="Outside the company's contact hours a text message waits in the "
        "queue until they open.",
    )
    sms_failure_reason = fields.Text(string="SMS Failure", copy=False)
    sms_fallback_channel = fields.Selection(
        [("email", "E-mail"), ("letter", "Letter (PDF)")],
        string="Sent Instead By",
        copy=False,
        help="A legally required notice of an SMS step goes by e-mail, or else "
        "by letter, to a customer who refused text messages or has no mobile.",
    )

    # ------------------------------------------------------------------
    # Values for the SMS templates
    # ------------------------------------------------------------------
    def _dunning_sms_amount(self):
        """The updated total, with a plain space (a no-break space is not
        GSM-7)."""
        self.ensure_one()
        return format_amount(self.env, self.amount_total, self.currency_id).replace(
            "\N{NO-BREAK SPACE}", " "
        )

    def _dunning_sms_due_date(self):
        """The earliest due date of the message's installments."""
        self.ensure_one()
        dates = self.history_ids.mapped("date_maturity")
        return format_date(self.env, min(dates)) if dates else ""

    # ------------------------------------------------------------------
    # The SMS channel (contract: see dunning_br's ``_dunning_send_<channel>``)
    # ------------------------------------------------------------------
    def _dunning_send_sms(self):
        """Queue the text messages (core ``sms.sms``, sent by its queue), or,
        outside the company's contact hours, keep them scheduled for when they
        open. A legally required notice to a customer who refused SMS, or has
        no mobile, goes by e-mail or letter instead."""
        failures = {}
        fallback = self.filtered(lambda c: c._dunning_sms_needs_fallback())
        if fallback:
            failures.update(fallback._dunning_sms_fallback())
        todo = self - fallback
        todo._dunning_note_lang_fallback()
        now = fields.Datetime.now()
        for company in todo.company_id:
            release_at = company._dunning_sms_next_contact_time(now)
            batch = todo.filtered(lambda c, co=company: c.company_id == co)
            failures.update(
                batch._dunning_each(
                    lambda message, at=release_at: message._dunning_queue_sms(
                        None if at <= now else at
                    )
                )
            )
            scheduled = batch.filtered(lambda c: c.sms_state == "scheduled")
            if scheduled:
                self.env.ref(
                    "dunning_br_sms.ir_cron_dunning_sms_release"
                ).sudo()._trigger(release_at)
        if todo.filtered(lambda c: c.sms_state == "queued"):
            self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
        return failures

    def _dunning_sms_needs_fallback(self):
        self.ensure_one()
        if not self.step_id._is_legal():
            return False
        partner = self.partner_id
        return partner._dunning_opted_out("sms") or (
            br_mobile(partner.mobile, partner.phone)[1] != MOBILE
        )

    def _dunning_sms_fallback(self):
        """Send the legal notices of ``self`` by e-mail (the step's e-mail
        template, to a customer with an e-mail who did not refuse them), the
        others by letter, and say so in their chatter."""
        by_email = self.filtered(
            lambda c: (
                c.step_id.mail_template_id
                and c.partner_id.email
                and not c.partner_id._dunning_opted_out("email")
            )
        )
        by_letter = self - by_email
        failures = {}
        if by_email:
            failures.update(by_email._dunning_send_email())
        if by_letter:
            failures.update(by_letter._dunning_send_letter())
        for channel, messages in (("email", by_email), ("letter", by_letter)):
            done = messages.filtered(lambda c: c.id not in failures)
            done.write({"sms_fallback_channel": channel, "sms_state": "fallback"})
        notes = {}
        channels = dict(
            self._fields["sms_fallback_channel"]._description_selection(self.env)
        )
        for message in self.filtered(lambda c: c.id not in failures):
            partner = message.partner_id
            why = (
                self.env._("the customer refused text messages")
                if partner._dunning_opted_out("sms")
                else self.env._("the customer has no mobile number")
            )
            how = channels[message.sms_fallback_channel]
            notes[message.id] = self.env._(
                "Legally required notice sent by %(channel)s instead of SMS: %(why)s.",
                channel=how,
                why=why,
            )
        if notes:
            self.browse(notes)._message_log_batch(bodies=notes)
        return failures

    def _dunning_queue_sms(self, release_at=None):
        """Render, check and queue the text message of this reminder; kept
        scheduled (not sent) until ``release_at`` (UTC) when given."""
        self.ensure_one()
        step = self.step_id
        template = step.sms_template_id
        if not template:
            raise UserError(self.env._("The step has no SMS template."))
        partner = self.partner_id
        number, kind = br_mobile(partner.mobile, partner.phone)
        if kind != MOBILE:
            raise UserError(
                self.env._("%(customer)s has no mobile number.", customer=partner.name)
            )
        body = template._render_field("body", self.ids, compute_lang=True)[self.id]
        if self.policy_id.sms_transliterate:
            body = transliterate_pt(body)
        try:
            segments = check_sms(body, step.sms_max_segments)
        except SmsError as error:
            raise UserError(step._dunning_sms_error_message(error)) from error
        collector = self._dunning_collector()
        message = self.with_context(mail_notify_force_send=False)._message_sms(
            body,
            partner_ids=partner.ids,
            sms_pid_to_number={partner.id: number},
            put_in_queue=True,
            author_id=collector.partner_id.id or None,
        )
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])
        values = {"dunning_communication_id": self.id}
        if release_at:
            values.update(state="dunning_scheduled", dunning_scheduled_at=release_at)
        sms.write(values)
        self.write(
            {
                "mail_message_id": message.id,
                "sms_state": "scheduled" if release_at else "queued",
                "sms_number": number,
                "sms_uuid": sms[:1].uuid,
                "sms_body": body,
                "sms_segments": segments.count,
                "sms_encoding": segments.encoding,
                "sms_scheduled_at": release_at or False,
            }
        )

    def _dunning_sms_set_state(self, state, reason=False):
        """Record what the gateway said about the text message of each reminder
        of ``self``: in the message, its collection history and the chatter of
        its customer. A late report never moves a message back (a "sent"
        after "delivered" changes nothing)."""
        labels = dict(SMS_STATES)
        notes = {}
        for message in self:
            current = message.sms_state
            if current == state or (
                current and SMS_STATE_RANK[current] > SMS_STATE_RANK[state]
            ):
                continue
            if current in ("delivered", "failed", "fallback"):
                continue
            values = {"sms_state": state}
            if state == "failed":
                values["sms_failure_reason"] = reason or False
                message.history_ids.write({"state": "failed", "failure_reason": reason})
            message.write(values)
            if state in ("delivered", "failed"):
                text = self.env._(
                    "Collection SMS %(name)s to %(number)s: %(state)s.",
                    name=message.name,
                    number=message.sms_number,
                    state=labels[state],
                )
                if reason:
                    text += " " + self.env._("Reason: %(reason)s", reason=reason)
                notes.setdefault(message.partner_id.id, []).append(text)
        if notes:
            author = self.company_id[:1].sudo().dunning_collector_id.partner_id
            self.env["res.partner"].browse(notes)._message_log_batch(
                bodies={
                    pid: Markup("<br/>").join(texts) for pid, texts in notes.items()
                },
                author_id=author.id or None,
            )
