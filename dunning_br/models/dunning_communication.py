# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ast
import io
import logging
import time
from collections import defaultdict
from decimal import Decimal

import lxml.html
from cobranca.words import amount_in_words
from markupsafe import escape

from odoo import Command, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round, format_amount, format_date
from odoo.tools.misc import get_lang
from odoo.tools.pdf import PdfFileReader, PdfFileWriter, merge_pdf
from odoo.tools.safe_eval import safe_eval
from odoo.tools.safe_eval import time as safe_time

from odoo.addons.base.models.res_lang import intersperse

_logger = logging.getLogger(__name__)

LETTERS_PER_BATCH = 200
#: Letters rendered by one wkhtmltopdf run (one HTML document, split after).
LETTERS_PER_PDF = 100
#: The first-page marker of a letter: a transparent PNG of 7 x 3 pixels,
#: printed 1 pixel wide at the top of each letter. wkhtmltopdf lists the
#: image among the resources of the pages that show it, so a batch's PDF is
#: split where it appears (no text extraction: too slow, and web fonts are
#: embedded without their text).
LETTER_MARKER_SIZE = (7, 3)
PAGE_BREAK = '<div style="page-break-before: always;"></div>'
LETTER_MARKER_SRC = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAcAAAADCAYAAABfwxXFAAAAFUlEQVR42m"
    "P8//8/Ay7AxIAH4JUEAP9dAwO0hR9lAAAAAElFTkSuQmCC"
)


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
    dunning_table_html = fields.Html(
        string="Installments", compute="_compute_dunning_table_html", sanitize=False
    )
    letter_attachment_id = fields.Many2one("ir.attachment", string="Letter")
    letter_state = fields.Selection(
        [
            ("to_render", "To Generate"),
            ("ready", "Ready to Print"),
            ("printed", "Printed"),
        ],
        index="btree_not_null",
        copy=False,
        help="Letters are issued by the daily run and their PDF is generated "
        "right after by the scheduled action 'Generate the collection letters', "
        "so that rendering PDFs never holds up the reminders.",
    )
    letter_printed_date = fields.Datetime(string="Printed On", copy=False)
    mail_message_id = fields.Many2one(
        "mail.message", string="Message Sent", ondelete="set null"
    )

    @api.depends("partner_id", "date", "step_id")
    def _compute_name(self):
        # Stored once: in the company's language, whatever the language of the
        # environment that happens to compute it.
        for message in self:
            lang = get_lang(self.env, message.company_id.partner_id.lang).code
            step = message.step_id.with_context(lang=lang)
            message.name = f"{step.name} — {message.partner_id.name}"

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
        lang = self._dunning_lang()
        rows = self.history_ids.sorted(lambda h: (h.date_maturity, h.move_id.name))
        instructions = self._dunning_payment_instructions(rows)
        money = self._dunning_money_formatter()
        dates = {}
        portal_url = self._dunning_portal_url()
        # An agreement installment is named by its agreement and number, not
        # by the agreement's journal entry.
        agreement_labels = {
            item: item.dunning_agreement_id._dunning_item_label(item)
            for item in rows.move_line_id.sudo().filtered("dunning_agreement_id")
        }
        lines = []
        for row in rows:
            move = row.move_id
            if row.date_maturity not in dates:
                dates[row.date_maturity] = format_date(
                    self.env, row.date_maturity, lang_code=lang
                )
            label = agreement_labels.get(row.move_line_id.sudo())
            amounts = {
                "residual": money(row.amount_residual),
                "fine": money(row.fine_amount),
                "interest": money(row.interest_amount),
                "total": money(row.total_amount),
            }
            lines.append(
                {
                    "history": row,
                    "invoice": move,
                    "invoice_name": label or move.name,
                    "agreement": row.move_line_id.sudo().dunning_agreement_id,
                    "due_date": dates[row.date_maturity],
                    "days_late": row.days_late,
                    **amounts,
                    "how": self._dunning_charge_explanation(row, amounts),
                    "portal_url": portal_url,
                    "payment": instructions.get(row.id, []),
                }
            )
        return lines

    def _dunning_lang(self):
        """The language of the message: its customer's, or, when that one is
        not installed (or not set), the company's (see
        :meth:`_dunning_note_lang_fallback`)."""
        self.ensure_one()
        lang = self.partner_id.lang
        if lang and self.env["res.lang"]._get_data(code=lang):
            return lang
        return get_lang(self.env, self.company_id.partner_id.lang).code

    def _dunning_note_lang_fallback(self):
        """Say in the chatter of each message whose customer's language is not
        installed which language it is written in instead."""
        notes = {}
        langs = self.env["res.lang"].with_context(active_test=False)
        for message in self:
            wanted, used = message.partner_id.lang, message._dunning_lang()
            if wanted and wanted != used:
                names = {
                    lang.code: lang.name
                    for lang in langs.search([("code", "in", (wanted, used))])
                }
                notes[message.id] = self.env._(
                    "The customer's language, %(wanted)s, is not installed in "
                    "this database: the message is written in %(used)s instead.",
                    wanted=names.get(wanted, wanted),
                    used=names.get(used, used),
                )
        if notes:
            self.browse(notes)._message_log_batch(bodies=notes)

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        """The e-mail layout of a message is rendered in each recipient's
        language: a customer whose language is not installed gets it in the
        message's (see :meth:`_dunning_lang`)."""
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        langs = self.env["res.lang"]
        for data in recipients:
            if data.get("lang") and not langs._get_data(code=data["lang"]):
                data["lang"] = self[:1]._dunning_lang() if self else False
        return recipients

    def _dunning_money_formatter(self, currency=None):
        """A function formatting amounts in the message's currency (or in
        ``currency``) exactly as ``odoo.tools.format_amount`` does (in the
        environment's language), with the language looked up once: a message
        formats dozens of them, the portal page hundreds."""
        currency = currency or self.currency_id
        # ``res.lang.format(fmt, value, grouping=True)`` with the language's
        # data read once (it reads and parses them on every call).
        lang = get_lang(self.env)
        counts = ast.literal_eval(lang.grouping)
        thousands_sep = lang.thousands_sep or ""
        decimal_point = lang.decimal_point
        fmt = f"%.{currency.decimal_places}f"
        rounding = currency.rounding
        symbol = currency.symbol or ""
        position = currency.position
        nbsp = "\N{NO-BREAK SPACE}"

        def lang_format(value):
            parts = (fmt % value).split(".")
            parts[0] = intersperse(parts[0], counts, thousands_sep)[0]
            return decimal_point.join(parts)

        def money(amount):
            text = (
                lang_format(float_round(amount, precision_rounding=rounding))
                .replace(" ", nbsp)
                .replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
            )
            if position == "before":
                return f"{symbol}{nbsp}{text}"
            return f"{text}{nbsp}{symbol}"

        return money

    @api.depends(
        "history_ids.total_amount",
        "history_ids.fine_amount",
        "history_ids.interest_amount",
        "history_ids.days_late",
    )
    @api.depends_context("lang")
    def _compute_dunning_table_html(self):
        # Not stored, but cached: a template may use it several times (and
        # the mail composer renders the body more than once).
        for message in self:
            message.dunning_table_html = self.env["ir.qweb"]._render(
                "dunning_br.dunning_installment_table",
                {
                    "lines": message._dunning_lines(),
                    "portal_url": message._dunning_portal_url(),
                },
            )

    def _dunning_table_html(self):
        """The installments table shared by every template."""
        self.ensure_one()
        return self.dunning_table_html

    def _dunning_portal_url(self):
        """The customer's page "Minhas pendências", with a signed token that
        opens it without signing in for the company's number of days."""
        self.ensure_one()
        return self.partner_id._dunning_portal_url(self.company_id)

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

    def _dunning_charge_explanation(self, row, amounts):
        """How the fine and interest of ``row`` were computed, in the user's
        language; ``amounts`` are its amounts formatted (``_dunning_lines``)."""
        if not row.days_late:
            return self.env._("Not overdue: no fine or interest.")
        text = self.env._(
            "%(days)s days late: fine of %(fine_pct)s%% on %(residual)s = %(fine)s; "
            "interest of %(interest_pct)s%% a month pro rata die = %(interest)s.",
            days=row.days_late,
            fine_pct=_pct(row.fine_percent_applied),
            residual=amounts["residual"],
            fine=amounts["fine"],
            interest_pct=_pct(row.policy_id.interest_monthly_percent),
            interest=amounts["interest"],
        )
        if row.fine_capped:
            text += " " + self.env._(
                "The fine is limited to 2%% for consumers (CDC art. 52 §1)."
            )
        return text

    def _dunning_prepare_batch(self):
        """Hook called by the engine on a batch of messages before any of them
        is rendered: payment addons create or revise here, at their PSP, what
        :meth:`_dunning_payment_instructions` shows, so that rendering only
        reads stored records. It runs in a savepoint of its own and must not
        delay the reminders: what cannot be prepared now is left out."""

    def _dunning_payment_instructions(self, rows):
        """How to pay each installment: ``{history id: [instruction, ...]}``.

        An instruction is a dict with ``label`` and ``value`` (text to copy,
        e.g. a Pix copia-e-cola or a linha digitável) and optionally ``image``
        (a data URL, e.g. a QR code), or, when the code is not ready yet, a
        ``label`` and a ``note`` saying so. Payment addons extend this hook;
        it only reads what :meth:`_dunning_prepare_batch` stored (rendering
        never calls a PSP).
        """
        return {}

    def _dunning_collector(self):
        """The person the customer can talk to about this message (CDC art.
        42-A), its e-mail's author and reply-to: the customer's collector when
        it is a complete contact, else the company's default collector; never
        the user running the job."""
        self.ensure_one()
        return self.company_id._dunning_collector_for(self.partner_id)

    def _notify_get_reply_to(self, default=None):
        """Replies to a collection e-mail go to its collector."""
        result = super()._notify_get_reply_to(default=default)
        for message in self:
            collector = message._dunning_collector()
            if collector.email:
                result[message.id] = collector.email_formatted
        return result

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
        crash cannot send one twice) and keep them in the chatter.

        The messages of a template go through one mail composer, which renders
        them in batch; if that fails, each message is posted alone so that
        only the bad ones fail."""
        self._dunning_note_lang_fallback()
        failures = {}
        for template in self.step_id.mail_template_id:
            batch = self.filtered(lambda c, t=template: c.step_id.mail_template_id == t)
            try:
                with self.env.cr.savepoint():
                    batch._dunning_post_template(template)
            except Exception:  # noqa: BLE001 - isolated message by message below
                _logger.info("Batch posting of %s e-mails failed", len(batch))
                failures.update(
                    batch._dunning_each(
                        lambda message, t=template: message._dunning_post_template(t)
                    )
                )
        without = self.filtered(lambda c: not c.step_id.mail_template_id)
        failures.update(
            dict.fromkeys(without.ids, self.env._("The step has no e-mail template."))
        )
        return failures

    def _dunning_post_template(self, template):
        """Post ``template`` on each message of ``self`` as an e-mail to its
        customer (comment mode of the mail composer: in the chatter, and
        queued for sending)."""
        by_collector = defaultdict(lambda: self.browse())
        for communication in self:
            by_collector[communication._dunning_collector()] |= communication
        by_record = {}
        for collector, communications in by_collector.items():
            composer = (
                self.env["mail.compose.message"]
                .with_context(
                    default_composition_mode="comment",
                    default_model=self._name,
                    default_res_ids=communications.ids,
                    default_template_id=template.id,
                    mail_notify_force_send=False,
                )
                .create(
                    {
                        "message_type": "notification",
                        "subtype_id": self.env.ref("mail.mt_comment").id,
                    }
                )
            )
            if collector:
                # The collector writes, not the user running the job. Set
                # after the creation: the sender (the template's) and the
                # author come from one compute.
                composer.author_id = collector.partner_id
            # The recipients come from the template, rendered per message.
            _mails, messages = composer._action_send_mail()
            by_record.update((message.res_id, message) for message in messages)
        for communication in self:
            message = by_record[communication.id]
            if communication.partner_id not in message.partner_ids:
                raise UserError(
                    self.env._(
                        "The e-mail template %(template)s does not address the "
                        "customer: set its recipients to the customer of the "
                        "message (object.partner_id).",
                        template=template.display_name,
                    )
                )
            communication.mail_message_id = message

    def _dunning_send_letter(self):
        """Issue the letters: each one is recorded, with its amounts, and queued
        for the PDF rendering of the scheduled action 'Generate the collection
        letters', triggered now. The PDF is then kept attached to its message,
        ready to print or to send by post."""
        self._dunning_note_lang_fallback()
        self.letter_state = "to_render"
        body = self.env._("Collection letter issued; its PDF is being generated.")
        author = self.company_id[:1].sudo().dunning_collector_id.partner_id
        notes = self._message_log_batch(
            bodies=dict.fromkeys(self.ids, body), author_id=author.id or None
        )
        by_record = {note.res_id: note for note in notes}
        for letter in self:
            letter.mail_message_id = by_record[letter.id]
        self.env.ref("dunning_br.ir_cron_dunning_letters").sudo()._trigger()
        return {}

    # ------------------------------------------------------------------
    # Letters: PDF rendering queue and bulk printing
    # ------------------------------------------------------------------
    @api.model
    def _cron_render_letters(self, time_budget=None, batch_size=LETTERS_PER_BATCH):
        """Scheduled action: render the queued letters in batches, each batch
        committed, until none is left or the time budget is spent. Letters
        taken by a concurrent run are passed over (``SKIP LOCKED``)."""
        engine = self.env["dunning.engine"]
        deadline = engine._deadline(time_budget)
        done = after = 0
        while time.monotonic() < deadline:
            self.env.flush_all()
            # In id order, after the last batch: a letter that failed to
            # render is tried again on the next run, not in a loop now.
            self.env.cr.execute(
                SQL(
                    """SELECT id FROM dunning_communication
                        WHERE letter_state = 'to_render' AND id > %s
                        ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                    after,
                    batch_size,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                break
            after = ids[-1]
            letters = self.sudo().browse(ids)
            for company in letters.company_id:
                done += len(
                    letters.filtered(lambda c, co=company: c.company_id == co)
                    .with_company(company)
                    ._dunning_render_letters()
                )
            engine._commit()
        remaining = self.search_count([("letter_state", "=", "to_render")])
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    def _dunning_render_letters(self):
        """Render the PDF of each letter of ``self`` that has none yet, attach
        it to the letter and to its chatter. A letter that cannot be rendered
        stays queued, with the error in the log, and does not stop the others.
        Return the letters rendered.

        Letters are rendered in batches of :data:`LETTERS_PER_PDF`, each batch
        one wkhtmltopdf run over one HTML document (the letters' layout has
        no ``--header-html``, which Debian's wkhtmltopdf ignores), then split
        per letter (:func:`_split_letters`). A batch that cannot be rendered
        or split falls back to one wkhtmltopdf run per letter, with the same
        content."""
        report = self.env.ref("dunning_br.action_report_dunning_letter")
        todo = self.filtered(lambda c: c.letter_state == "to_render")
        rendered = self.browse()
        if len(todo) > 1 and _renders_pdf(self.env):
            for start in range(0, len(todo), LETTERS_PER_PDF):
                batch = todo[start : start + LETTERS_PER_PDF]
                try:
                    with self.env.cr.savepoint():
                        batch._dunning_render_letter_batch(report)
                    rendered |= batch
                except Exception:
                    _logger.info(
                        "Batch rendering of %s letters failed; rendering them "
                        "one by one",
                        len(batch),
                        exc_info=True,
                    )
        for letter in todo - rendered:
            try:
                with self.env.cr.savepoint():
                    letter._dunning_attach_letter(report)
                rendered |= letter
            except Exception:
                _logger.exception(
                    "Collection letter %s could not be rendered", letter.id
                )
        return rendered

    def _dunning_letter_reference(self):
        """The letter's reference, printed under the creditor's header."""
        self.ensure_one()
        return f"CT-{self.id:08d}"

    def _dunning_letter_marker_src(self):
        """The first-page marker of the letters (:data:`LETTER_MARKER_SRC`)."""
        return LETTER_MARKER_SRC

    def _dunning_letters_pdf(self, report):
        """One PDF of the letters of ``self``, from one wkhtmltopdf run over
        one HTML document (a page break between letters)."""
        html = report._render_qweb_html(report, self.ids)[0]
        bodies, res_ids, _header, _footer, paper_args = report._prepare_html(
            html, report_model=self._name
        )
        if res_ids != self.ids:
            raise ValueError("the letters' document has not one part per letter")
        return report._run_wkhtmltopdf(
            [_merge_bodies(bodies)],
            report_ref=report,
            specific_paperformat_args=paper_args,
        )

    def _dunning_render_letter_batch(self, report):
        """Render the letters of ``self`` with ONE wkhtmltopdf run and attach
        each letter's pages to it.

        :raises ValueError: when the PDF cannot be split per letter."""
        pdf = self._dunning_letters_pdf(report)
        parts = _split_letters(pdf, len(self))
        if parts is None:
            raise ValueError("the letters' PDF cannot be split per letter")
        self._dunning_attach_letters(report, dict(zip(self.ids, parts, strict=True)))

    def _dunning_attach_letter(self, report):
        """Render the letter alone with Odoo's report (one wkhtmltopdf run)
        and attach its PDF, unless it has one already."""
        self.ensure_one()
        contents, kind = {}, "pdf"
        if not self._dunning_letter_attachments(report):
            # Odoo's report stores the PDF it renders as the letter's report
            # attachment; when running tests it renders HTML and stores nothing.
            content, kind = report._render_qweb_pdf(report, self.ids)
            contents[self.id] = content
        self._dunning_attach_letters(report, contents, kind)

    def _dunning_letter_attachments(self, report):
        """The stored PDF of each letter of ``self`` (``{letter id:
        ir.attachment}``), found as ``report.retrieve_attachment`` finds it
        (the report's attachment name, the latest one), in one query."""
        if not report.attachment:
            return {}
        names = {
            letter.id: safe_eval(
                report.attachment, {"object": letter, "time": safe_time}
            )
            for letter in self
        }
        found = {}
        for attachment in self.env["ir.attachment"].search(
            [
                ("res_model", "=", report.model),
                ("res_id", "in", self.ids),
                ("name", "in", list(set(names.values()))),
            ]
        ):
            if names[attachment.res_id] == attachment.name:
                found.setdefault(attachment.res_id, attachment)
        return found

    def _dunning_attach_letters(self, report, contents, kind="pdf"):
        """Keep each letter's PDF (``contents``: ``{letter id: bytes}``, for
        the letters without a stored one) as the letter's attachment, mark
        the letters ready to print and say so in their chatters, the PDF
        attached to the note. Batched: one query per step, not per letter."""
        attachments = self._dunning_letter_attachments(report)
        missing = self.filtered(lambda letter: letter.id not in attachments)
        created = self.env["ir.attachment"].create(
            [
                {
                    "name": f"{letter.name}.{kind}",
                    "raw": contents[letter.id],
                    "res_model": self._name,
                    "res_id": letter.id,
                    "mimetype": "application/pdf" if kind == "pdf" else "text/html",
                }
                for letter in missing
            ]
        )
        attachments.update(zip(missing.ids, created, strict=True))
        self.write({"letter_state": "ready"})
        for letter in self:
            letter.letter_attachment_id = attachments[letter.id]
        self._dunning_log_letters_ready(attachments)

    def _dunning_log_letters_ready(self, attachments):
        """Note "ready to print" in each letter's chatter, its PDF
        (``attachments``: ``{letter id: ir.attachment}``) attached: the
        message ``message_post`` would log (subtype, thread and reply-to),
        all created at once, signed by whoever prints the letters or, for
        the scheduled action, by the company's collector (as the note of
        the letter's issue), not OdooBot. Nobody is notified of a note, as
        with ``message_post`` on a document without followers of notes."""
        body = self.env._("Collection letter ready to print.")
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        companies = self._mail_get_companies(default=self.env.company)
        alias_domains = self.sudo()._mail_get_alias_domains(
            default_company=self.env.company
        )
        # A flat thread: each note answers the letter's first message.
        parents = {}
        for message in (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("message_type", "!=", "user_notification"),
                ],
                order="id",
            )
        ):
            parents.setdefault(message.res_id, message.id)
        values = []
        for company in self.company_id:
            letters = self.filtered(lambda letter, co=company: letter.company_id == co)
            collector = (
                company.sudo().dunning_collector_id.partner_id
                if self.env.user._is_superuser()
                else None
            )
            author_id, email_from = letters._message_compute_author(
                author_id=collector.id if collector else None, raise_on_email=False
            )
            reply_to = letters._notify_get_reply_to(default=email_from)
            values += [
                {
                    "author_id": author_id,
                    "email_from": email_from,
                    "model": self._name,
                    "res_id": letter.id,
                    "body": escape(body),
                    "message_type": "notification",
                    "parent_id": parents.get(letter.id, False),
                    "subtype_id": subtype_id,
                    "record_name": letter.display_name,
                    "record_company_id": companies[letter.id].id,
                    "record_alias_domain_id": alias_domains[letter.id].id,
                    "reply_to": reply_to[letter.id],
                    "attachment_ids": [Command.link(attachments[letter.id].id)],
                }
                for letter in letters
            ]
        self._message_create(values)

    def action_print_letters(self):
        """Print the selected letters as one PDF (those still queued are
        rendered now) and mark them printed."""
        # Letters: those of letter steps and the legal notices another
        # channel's step sent by letter (e.g. to a customer who refused SMS).
        letters = self.filtered("letter_state")
        if not letters:
            raise UserError(self.env._("Select at least one collection letter."))
        letters.check_access("read")
        letters = letters.sudo()
        letters.with_context(force_report_rendering=True)._dunning_render_letters()
        missing = letters.filtered(lambda c: not c.letter_attachment_id)
        if missing:
            raise UserError(
                self.env._(
                    "These letters could not be generated (see the server log): "
                    "%(names)s",
                    names=", ".join(missing.mapped("name")),
                )
            )
        merged = self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Collection letters %(date)s.pdf",
                    date=format_date(self.env, fields.Date.context_today(self)),
                ),
                "raw": merge_pdf(
                    [letter.letter_attachment_id.raw for letter in letters]
                ),
                "mimetype": "application/pdf",
            }
        )
        letters.write(
            {"letter_state": "printed", "letter_printed_date": fields.Datetime.now()}
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{merged.id}?download=true",
            "target": "self",
        }

    def _dunning_send_activity(self):
        """Schedule a call for each customer's collector, all in one batch;
        one by one if the batch fails, so that only the bad ones fail."""
        try:
            with self.env.cr.savepoint():
                self._dunning_schedule_activity()
        except Exception:  # noqa: BLE001 - isolated message by message below
            _logger.info("Batch scheduling of %s activities failed", len(self))
            return self._dunning_each(
                lambda communication: communication._dunning_schedule_activity()
            )
        return {}

    def _dunning_schedule_activity(self):
        """One activity per message for its customer's collector (the
        customer's own, even when the company's collector is the contact
        named in the messages), created in one batch. The collectors find
        them in their activities: no e-mail per activity
        (``mail_activity_quick_update``), which a morning's run would send
        by the hundred."""
        call = self.env.ref("mail.mail_activity_data_call")
        partner_model = self.env["ir.model"]._get("res.partner").id
        today = fields.Date.context_today(self)
        values = []
        for communication in self:
            activity_type = communication.step_id.activity_type_id or call
            company = communication.company_id
            values.append(
                {
                    "activity_type_id": activity_type.id,
                    "summary": communication.name,
                    "automated": True,
                    "note": self.env._(
                        "Open amount %(residual)s, updated total %(total)s.",
                        residual=communication._fmt(communication.amount_residual),
                        total=communication._fmt(communication.amount_total),
                    ),
                    "date_deadline": today,
                    "res_model_id": partner_model,
                    "res_id": communication.partner_id.id,
                    "user_id": company._dunning_follow_up_user_for(
                        communication.partner_id
                    ).id
                    or activity_type.default_user_id.id
                    or self.env.uid,
                }
            )
        return (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(values)
        )


def _renders_pdf(env):
    """Whether reports render PDFs here: Odoo renders HTML instead when
    running tests (unless asked with ``force_report_rendering``) and when
    wkhtmltopdf is missing."""
    if (
        tools.config["test_enable"] or tools.config["test_file"]
    ) and not env.context.get("force_report_rendering"):
        return False
    return env["ir.actions.report"].get_wkhtmltopdf_state() == "ok"


def _merge_bodies(bodies):
    """One HTML document holding the given report bodies (full documents of
    ``web.minimal_layout``), each on a new page."""
    documents = [lxml.html.document_fromstring(body) for body in bodies]
    merged = documents[0]
    target = merged.body
    for document in documents[1:]:
        target.append(
            lxml.html.fragment_fromstring(
                '<div style="page-break-before: always;"></div>'
            )
        )
        for node in list(document.body):
            target.append(node)
    return lxml.html.tostring(merged, encoding="unicode", doctype="<!DOCTYPE html>")


def _is_letter_start(page):
    """Whether ``page`` shows the letters' first-page marker."""
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources else None
    for xobject in (xobjects.get_object() if xobjects else {}).values():
        xobject = xobject.get_object()
        if (xobject.get("/Width"), xobject.get("/Height")) == LETTER_MARKER_SIZE:
            return True
    return False


def _split_letters(pdf, count):
    """Split ``pdf`` (bytes), ``count`` letters in order, into one PDF per
    letter: a letter starts on each page showing the first-page marker.
    Returns the PDFs in order, or None when the first page is not a letter's
    or the markers found are not ``count``."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    starts = [
        number for number, page in enumerate(reader.pages) if _is_letter_start(page)
    ]
    if len(starts) != count or not starts or starts[0] != 0:
        return None
    ranges = list(zip(starts, [*starts[1:], len(reader.pages)], strict=True))
    parts = []
    for start, end in ranges:
        writer = PdfFileWriter()
        for number in range(start, end):
            writer.addPage(reader.getPage(number))
        stream = io.BytesIO()
        writer.write(stream)
        parts.append(stream.getvalue())
    return parts


def _pct(value):
    return f"{Decimal(str(value)).normalize():f}".replace(".", ",")
