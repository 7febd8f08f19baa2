# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from decimal import Decimal

from cobranca.words import amount_in_words

from odoo import api, fields, models
from odoo.tools import format_amount, format_date

_logger = logging.getLogger(__name__)


class DunningCommunication(models.Model):
    """One message of the régua to one customer: it lists every installment
    the customer is reminded of that day (or those of one invoice)."""

    _name = "dunning.communication"
    _description = "Collection Message"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    policy_id = fields.Many2one("dunning.policy", required=True, check_company=True)
    step_id = fields.Many2one(
        "dunning.policy.step", required=True, check_company=True, ondelete="cascade"
    )
    tone = fields.Selection(related="step_id.tone")
    channel = fields.Selection(related="step_id.channel")
    date = fields.Date(required=True)
    history_ids = fields.One2many("dunning.history", "communication_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_residual = fields.Monetary(
        string="Open Amount", compute="_compute_amounts", store=True
    )
    amount_charges = fields.Monetary(
        string="Fine and Interest", compute="_compute_amounts", store=True
    )
    amount_total = fields.Monetary(
        string="Updated Total", compute="_compute_amounts", store=True
    )
    letter_attachment_id = fields.Many2one("ir.attachment", string="Letter")
    mail_message_id = fields.Many2one(
        "mail.message", string="Message Sent", ondelete="set null"
    )

    @api.depends("partner_id", "date", "step_id")
    def _compute_name(self):
        for message in self:
            message.name = f"{message.step_id.name} — {message.partner_id.name}"

    @api.depends(
        "history_ids.amount_residual",
        "history_ids.fine_amount",
        "history_ids.interest_amount",
    )
    def _compute_amounts(self):
        for message in self:
            rows = message.history_ids
            message.amount_residual = sum(rows.mapped("amount_residual"))
            message.amount_charges = sum(rows.mapped("fine_amount")) + sum(
                rows.mapped("interest_amount")
            )
            message.amount_total = sum(rows.mapped("total_amount"))

    # ------------------------------------------------------------------
    # Values for the templates (e-mail, letter, SMS)
    # ------------------------------------------------------------------
    def _dunning_lines(self):
        """One dict per installment, in due-date order, for the templates."""
        self.ensure_one()
        lang = self.partner_id.lang or self.env.lang
        rows = self.history_ids.sorted(lambda h: (h.date_maturity, h.move_id.name))
        instructions = self._dunning_payment_instructions(rows)
        lines = []
        for row in rows:
            lines.append(
                {
                    "history": row,
                    "invoice": row.move_id,
                    "invoice_name": row.move_id.name,
                    "due_date": format_date(
                        self.env, row.date_maturity, lang_code=lang
                    ),
                    "days_late": row.days_late,
                    "residual": self._fmt(row.amount_residual),
                    "fine": self._fmt(row.fine_amount),
                    "interest": self._fmt(row.interest_amount),
                    "total": self._fmt(row.total_amount),
                    "how": self._dunning_charge_explanation(row),
                    "portal_url": row.move_id.get_base_url()
                    + row.move_id.get_portal_url(),
                    "payment": instructions.get(row.id, []),
                }
            )
        return lines

    def _dunning_table_html(self):
        """The installments table shared by every template."""
        self.ensure_one()
        return self.env["ir.qweb"]._render(
            "dunning_br.dunning_installment_table", {"lines": self._dunning_lines()}
        )

    def _dunning_footer_html(self):
        """Creditor identification and contact (CDC art. 42-A)."""
        self.ensure_one()
        return self.env["ir.qweb"]._render(
            "dunning_br.dunning_creditor_footer",
            {"company": self.company_id, "collector": self._dunning_collector()},
        )

    def _dunning_due_phrase(self):
        """When the installments fall due, relative to the message's date."""
        self.ensure_one()
        offset = self.step_id.offset_days
        if offset < -1:
            return self.env._("falls due in %(days)s days", days=-offset)
        if offset == -1:
            return self.env._("falls due tomorrow")
        if offset == 0:
            return self.env._("falls due today")
        return self.env._("is overdue")

    def _dunning_charge_explanation(self, row):
        """How the fine and interest of ``row`` were computed, in the user's
        language."""
        if not row.days_late:
            return self.env._("Not overdue: no fine or interest.")
        text = self.env._(
            "%(days)s days late: fine of %(fine_pct)s%% on %(residual)s = %(fine)s; "
            "interest of %(interest_pct)s%% a month pro rata die = %(interest)s.",
            days=row.days_late,
            fine_pct=_pct(row.fine_percent_applied),
            residual=self._fmt(row.amount_residual),
            fine=self._fmt(row.fine_amount),
            interest_pct=_pct(row.policy_id.interest_monthly_percent),
            interest=self._fmt(row.interest_amount),
        )
        if row.fine_capped:
            text += " " + self.env._(
                "The fine is limited to 2%% for consumers (CDC art. 52 §1)."
            )
        return text

    def _dunning_payment_instructions(self, rows):
        """How to pay each installment: ``{history id: [instruction, ...]}``.

        An instruction is a dict with ``label`` and ``value`` (text to copy,
        e.g. a Pix copia-e-cola or a linha digitável) and optionally ``image``
        (a data URL, e.g. a QR code). Payment addons extend this hook.
        """
        return {}

    def _dunning_collector(self):
        """The person the customer can talk to about this message."""
        self.ensure_one()
        return self.partner_id.dunning_collector_id or self.env.user

    def _fmt(self, amount):
        return format_amount(self.env, amount, self.currency_id)

    def _amount_in_words(self):
        """The updated total written out (pt_BR), for formal letters."""
        self.ensure_one()
        return amount_in_words(
            Decimal(str(self.amount_total)).quantize(Decimal("0.01"))
        )

    # ------------------------------------------------------------------
    # Channels: ``_dunning_send_<channel>`` sends a batch of messages of that
    # channel, sets ``mail_message_id`` and returns ``{id: error}`` of those
    # that failed. Other addons add channels with the same contract.
    # ------------------------------------------------------------------
    def _dunning_each(self, send_one):
        """Run ``send_one`` per message, each in a savepoint: one failure does
        not stop the others."""
        failures = {}
        for communication in self:
            try:
                with self.env.cr.savepoint():
                    send_one(communication)
            except Exception as error:  # noqa: BLE001 - reported per message
                failures[communication.id] = str(error) or type(error).__name__
        return failures

    def _dunning_send_email(self):
        """Queue the e-mails (never sent inside the run's transaction, so a
        crash cannot send one twice) and keep them in the chatter."""

        def send_one(communication):
            communication.mail_message_id = communication.with_context(
                mail_notify_force_send=False
            ).message_post_with_source(
                communication.step_id.mail_template_id,
                subtype_xmlid="mail.mt_comment",
                partner_ids=communication.partner_id.ids,
            )

        return self._dunning_each(send_one)

    def _dunning_send_letter(self):
        """Render the letters (PDF) of the whole batch with one rendering, keep
        each one attached to its message (the report stores it) and in the
        chatter, ready to print or to send by post. If the batch rendering
        fails, each letter is tried alone so that only the bad ones fail."""
        report = self.env.ref("dunning_br.action_report_dunning_letter")
        try:
            with self.env.cr.savepoint():
                report._render_qweb_pdf(report, self.ids)
        except Exception:  # noqa: BLE001 - isolated letter by letter below
            _logger.info("Batch rendering of %s letters failed", len(self))

        def send_one(communication):
            attachment = report.retrieve_attachment(communication)
            if not attachment:
                content, kind = report._render_qweb_pdf(report, communication.ids)
                # Odoo renders HTML, and stores nothing, when running tests.
                attachment = report.retrieve_attachment(communication) or self.env[
                    "ir.attachment"
                ].create(
                    {
                        "name": f"{communication.name}.{kind}",
                        "raw": content,
                        "res_model": communication._name,
                        "res_id": communication.id,
                        "mimetype": f"application/{kind}"
                        if kind == "pdf"
                        else "text/html",
                    }
                )
            communication.letter_attachment_id = attachment
            communication.mail_message_id = communication.message_post(
                body=self.env._("Collection letter ready to print."),
                attachment_ids=attachment.ids,
                subtype_xmlid="mail.mt_note",
            )

        return self._dunning_each(send_one)

    def _dunning_send_activity(self):
        """Schedule a call for the customer's collector."""
        return self._dunning_each(
            lambda communication: communication._dunning_schedule_activity()
        )

    def _dunning_schedule_activity(self):
        self.ensure_one()
        activity_type = self.step_id.activity_type_id or self.env.ref(
            "mail.mail_activity_data_call"
        )
        self.partner_id.activity_schedule(
            activity_type_id=activity_type.id,
            summary=self.name,
            note=self.env._(
                "Open amount %(residual)s, updated total %(total)s.",
                residual=self._fmt(self.amount_residual),
                total=self._fmt(self.amount_total),
            ),
            user_id=self._dunning_collector().id,
        )


def _pct(value):
    return f"{Decimal(str(value)).normalize():f}".replace(".", ",")
