# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Credit-bureau listing (negativação) and protest of installments.

One record per installment and kind (listing or protest) while it is active,
with the evidence of its eligibility (``cobranca.negativacao``): the prior
notice of listing (its history line, date and channel), the amounts as of the
queue date, the policy. States::

    pending → approved → sent → listed → removal_requested → removed
       ↘ rejected (by a collection manager, with a reason, or paid before
         it was sent)

* the régua's steps that *flag for listing or protest* feed the queue (the
  daily run calls :meth:`_dunning_enqueue` for their installments; the
  scheduled action does it for every company as a safety net), only when the
  company's collection is switched on and never without the prior notice;
* a collection manager approves or rejects (wizard, reason required);
* approved items go to the company's bureau (``dunning.negativation.bureau``,
  adapters ``dunning.negativation.adapter.*``: a CSV file for upload or an
  HTTP API);
* any full payment of a listed installment (every reconciliation passes
  through ``account.move.line._reconcile_plan``) requests the removal at once,
  with a deadline activity for the collector on the fifth business day after
  the payment (STJ Súmula 548, ``cobranca.negativacao.removal_deadline``).
"""

import logging
from decimal import Decimal

from cobranca.negativacao import (
    NegativationRules,
    eligibility,
    removal_at_risk_date,
    removal_deadline,
    removal_status,
)
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

_logger = logging.getLogger(__name__)

STATES = [
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("sent", "Sent"),
    ("listed", "Listed"),
    ("removal_requested", "Removal Requested"),
    ("removed", "Removed"),
    ("rejected", "Rejected"),
]
#: While a record is in one of these states, its installment cannot get
#: another record of the same kind.
ACTIVE_STATES = ("pending", "approved", "sent", "listed", "removal_requested")
#: States in which the installment is (or may be) at the bureau: a payment
#: then requires a removal.
AT_BUREAU_STATES = ("sent", "listed")
KINDS = [("negativation", "Credit-bureau listing"), ("protest", "Protest")]
MANAGER_GROUP = "dunning_br.group_dunning_manager"
#: Installments examined per query by the queue.
ENQUEUE_BATCH = 1000


class DunningNegativation(models.Model):
    _name = "dunning.negativation"
    _description = "Credit-Bureau Listing or Protest"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "queue_date desc, id desc"
    _check_company_auto = True

    reference = fields.Char(
        readonly=True,
        copy=False,
        index=True,
        help="Sent to the bureau as the listing's reference (idempotency).",
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True)
    kind = fields.Selection(KINDS, required=True, default="negativation", index=True)
    state = fields.Selection(
        STATES, required=True, default="pending", tracking=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Installment",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    move_id = fields.Many2one(
        related="move_line_id.move_id", string="Document", store=True
    )
    date_maturity = fields.Date(string="Due Date", required=True)
    policy_id = fields.Many2one("dunning.policy", required=True, check_company=True)
    bureau_id = fields.Many2one(
        "dunning.negativation.bureau",
        check_company=True,
        tracking=True,
        domain="[('company_id', '=', company_id)]",
    )
    # Evidence, as of the queue date.
    queue_date = fields.Date(required=True, index=True)
    notice_history_id = fields.Many2one(
        "dunning.history",
        string="Prior Notice",
        required=True,
        ondelete="restrict",
        help="The collection history line of the prior notice of listing "
        "(CDC art. 43 §2).",
    )
    notice_date = fields.Date(string="Prior Notice Date", required=True)
    notice_channel = fields.Selection(
        selection=lambda self: (
            self.env["dunning.policy.step"]
            ._fields["channel"]
            ._description_selection(self.env)
        ),
        string="Prior Notice Channel",
        required=True,
    )
    consumer = fields.Boolean(
        help="The debtor is a consumer: the prior notice had to be written "
        "(letter or e-mail)."
    )
    days_late = fields.Integer()
    amount_residual = fields.Monetary(string="Open Amount", aggregator="sum")
    fine_amount = fields.Monetary(string="Fine", aggregator="sum")
    interest_amount = fields.Monetary(string="Interest", aggregator="sum")
    total_amount = fields.Monetary(string="Updated Total", aggregator="sum")
    # Decision.
    approved_uid = fields.Many2one("res.users", string="Approved By", readonly=True)
    approved_date = fields.Datetime(string="Approved On", readonly=True)
    rejection_reason = fields.Text(readonly=True, tracking=True)
    # At the bureau.
    sent_date = fields.Datetime(readonly=True)
    bureau_ref = fields.Char(string="Bureau Reference", readonly=True, copy=False)
    bureau_error = fields.Text(readonly=True, copy=False)
    attachment_id = fields.Many2one(
        "ir.attachment", string="Listing File", readonly=True, copy=False
    )
    listed_date = fields.Date(readonly=True)
    # Removal (STJ Súmula 548).
    payment_date = fields.Date(readonly=True, tracking=True)
    removal_deadline = fields.Date(readonly=True, tracking=True, index=True)
    removal_at_risk_date = fields.Date(
        readonly=True,
        index=True,
        help="Two business days before the removal deadline.",
    )
    removal_sent = fields.Boolean(
        string="Removal Sent to the Bureau", readonly=True, copy=False
    )
    removal_attachment_id = fields.Many2one(
        "ir.attachment", string="Removal File", readonly=True, copy=False
    )
    removed_date = fields.Date(readonly=True)
    removal_status = fields.Selection(
        [("on_time", "On time"), ("at_risk", "At risk"), ("late", "Late")],
        compute="_compute_removal_status",
    )

    def init(self):
        result = super().init()
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS dunning_negativation_active_uniq
                   ON dunning_negativation (move_line_id, kind)
                   WHERE state IN %s""",
                ACTIVE_STATES,
            )
        )
        return result

    @api.depends("move_id", "kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for record in self:
            record.display_name = (
                f"{kinds.get(record.kind)} {record.move_id.name or ''}"
            )

    @api.depends("state", "removal_deadline")
    def _compute_removal_status(self):
        days = {}  # company: (today, calendar), built once per company
        for record in self:
            if record.state != "removal_requested" or not record.removal_deadline:
                record.removal_status = False
                continue
            company = record.company_id
            if company not in days:
                days[company] = (self._today(company), self._calendar(company))
            record.removal_status = removal_status(
                record.removal_deadline, *days[company]
            )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for record in records:
            record.reference = f"DBR{record.company_id.id}N{record.id}"
        return records

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _today(self, company):
        return self.env["dunning.engine"]._today(company)

    @api.model
    def _calendar(self, company):
        return self.env["dunning.engine"]._calendar(company)

    def _log(self, body):
        """Note ``body`` in the chatter of every record, as the current user."""
        self._message_log_batch(bodies=dict.fromkeys(self.ids, body))

    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP) and not self.env.su:
            raise AccessError(
                self.env._(
                    "Only a collection manager may decide on credit-bureau "
                    "listings and protests."
                )
            )

    def _check_state(self, *states):
        wrong = self.filtered(lambda r: r.state not in states)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(record)s is %(state)s: this action is not possible.",
                    record=wrong[0].display_name,
                    state=labels[wrong[0].state],
                )
            )

    @api.model
    def _reason_labels(self):
        return {
            "not_open": self.env._("the installment is paid"),
            "no_notice": self.env._("no prior notice of listing was sent"),
            "notice_too_recent": self.env._("the prior notice period is not over yet"),
            "notice_not_written": self.env._(
                "a consumer's prior notice must be a letter or an e-mail"
            ),
            "below_minimum": self.env._("below the minimum amount"),
            "not_overdue_enough": self.env._("not overdue long enough"),
            "in_agreement": self.env._("in an installment agreement"),
            "promised": self.env._("a promise to pay is open"),
            "disputed": self.env._("the debt is disputed"),
            "prescribed": self.env._(
                "the debt is 5 years past due (CDC art. 43 §1, CC art. 206 §5 I)"
            ),
        }

    # ------------------------------------------------------------------
    # Eligibility (cobranca.negativacao) and the queue
    # ------------------------------------------------------------------
    @api.model
    def _facts(self, lines, today):
        """What the eligibility rule needs besides each installment's own
        values: ``(promised lines, lines in an agreement, disputed lines)``,
        one query each for ``lines``."""
        promised = self.env["dunning.promise"]._dunning_promised_lines(lines, today)
        in_agreement = (
            self.env["dunning.agreement.line"]
            .sudo()
            .search(
                [
                    ("move_line_id", "in", lines.ids),
                    ("agreement_id.state", "in", ("proposed", "accepted", "active")),
                ]
            )
            .move_line_id
        )
        disputed = lines.browse()
        for line in lines.sudo():
            for record in (line.move_id, line.move_id.commercial_partner_id):
                if record.dunning_pause_reason == "dispute" and (
                    not record.dunning_pause_until
                    or record.dunning_pause_until >= today
                ):
                    disputed |= line
        return promised, in_agreement, disputed

    @api.model
    def _eligibility(self, line, policy, step, evidence, today, kind, facts):
        """``cobranca.negativacao.eligibility`` of ``line`` under ``policy``
        and its flag ``step`` (minimum amount, days overdue), ``evidence``
        being ``(notice date, notice channel)`` and ``facts`` :meth:`_facts`."""
        promised, in_agreement, disputed = facts
        currency = line.company_id.currency_id
        amount = 0.0 if line.reconciled else line.amount_residual
        notice_date, notice_channel = evidence
        return eligibility(
            due_date=line.date_maturity,
            open_amount=Decimal(str(currency.round(amount))).quantize(Decimal("0.01")),
            today=today,
            rules=NegativationRules(
                notice_days=policy.negativation_notice_days,
                min_amount=Decimal(str(currency.round(step.min_amount))),
                min_days_overdue=max(step.offset_days, 0),
            ),
            notice_date=notice_date,
            notice_channel=notice_channel,
            consumer=line.move_id.commercial_partner_id._dunning_is_consumer(),
            in_agreement=line in in_agreement,
            promised=line in promised,
            disputed=line in disputed,
            kind=kind,
        )

    @api.model
    def _candidates_query(self, company, after=0, line_ids=None, limit=ENQUEUE_BATCH):
        """Installments (the régua's definition) of ``company`` whose step
        flagging for listing or protest was sent and that have no record of
        that kind yet: ``(line, policy, flag step, kind, notice history line,
        notice sent, notice channel)``, with the first prior notice sent."""
        return SQL(
            """
            SELECT DISTINCT ON (aml.id, s.negativation_kind)
                   aml.id, h.policy_id, s.id, s.negativation_kind,
                   notice.id, notice.sent_date, notice.channel
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN res_partner p ON p.id = am.commercial_partner_id
              JOIN dunning_history h
                ON h.move_line_id = aml.id AND h.state = 'sent'
              JOIN dunning_policy_step s
                ON s.id = h.step_id AND s.flag_negativation
              LEFT JOIN LATERAL (
                  SELECT nh.id, nh.sent_date, nh.channel
                    FROM dunning_history nh
                    JOIN dunning_policy_step ns ON ns.id = nh.step_id
                   WHERE nh.move_line_id = aml.id
                     AND nh.state = 'sent'
                     AND ns.tone = 'negativation'
                     AND NOT COALESCE(ns.flag_negativation, FALSE)
                   ORDER BY nh.sent_date, nh.id
                   LIMIT 1) notice ON TRUE
             WHERE aml.company_id = %(company)s
               AND aml.id > %(after)s
               AND %(installment)s
               AND NOT COALESCE(p.dunning_excluded, FALSE)
               AND NOT COALESCE(am.dunning_excluded, FALSE)
               AND %(lines)s
               AND NOT EXISTS (
                   SELECT 1 FROM dunning_negativation n
                    WHERE n.move_line_id = aml.id
                      AND n.kind = s.negativation_kind)
             ORDER BY aml.id, s.negativation_kind, s.offset_days DESC
             LIMIT %(limit)s
            """,
            company=company.id,
            after=after,
            installment=self.env["account.move.line"]._dunning_installment_sql(),
            lines=SQL("TRUE")
            if line_ids is None
            else SQL("aml.id IN %s", tuple(line_ids) or (0,)),
            limit=limit,
        )

    @api.model
    def _dunning_protested_by_bank(self, lines):
        """The installments of ``lines`` that their bank protests itself
        (a boleto's protest instruction goes in the bank's remittance file,
        with the policy's protest days): the queue never marks them for
        protest. None here; ``dunning_br_pix`` adds its boletos."""
        return lines.browse()

    @api.model
    def _dunning_enqueue(self, company, today=None, lines=None):
        """Queue the eligible installments of ``company`` (of ``lines`` if
        given): set-based, batched, idempotent (an installment that has a
        record of the kind is never queued again). Nothing before the
        company's collection is switched on. Return the records created."""
        today = today or self._today(company)
        created = self.browse()
        if not company._dunning_is_live(today):
            _logger.debug("Collection of %s not live on %s", company.name, today)
            return created
        return (
            self.sudo()
            .with_company(company)
            ._dunning_enqueue_as_system(company, today, lines)
        )

    @api.model
    def _dunning_enqueue_as_system(self, company, today, lines):
        created = self.browse()
        self.env.flush_all()
        engine = self.env["dunning.engine"]
        calendar = self._calendar(company)
        line_ids = None if lines is None else lines.ids
        after = 0
        while True:
            self.env.cr.execute(self._candidates_query(company, after, line_ids))
            rows = self.env.cr.fetchall()
            if not rows:
                break
            after = rows[-1][0]
            Line = self.env["account.move.line"]
            batch_lines = Line.browse([row[0] for row in rows])
            facts = self._facts(batch_lines, today)
            by_bank = self._dunning_protested_by_bank(batch_lines)
            values = []
            for line_id, policy_id, step_id, kind, notice_id, sent, channel in rows:
                line = Line.browse(line_id)
                if kind == "protest" and line in by_bank:
                    _logger.debug(
                        "Installment %s not queued for protest: the bank "
                        "protests it (boleto)",
                        line_id,
                    )
                    continue
                debtor = line.move_id.commercial_partner_id
                policy = self.env["dunning.policy"].browse(policy_id)
                step = self.env["dunning.policy.step"].browse(step_id)
                notice_date = fields.Date.to_date(sent) if sent else None
                result = self._eligibility(
                    line, policy, step, (notice_date, channel), today, kind, facts
                )
                if not result.eligible:
                    _logger.debug(
                        "Installment %s not queued for %s: %s",
                        line_id,
                        kind,
                        result.reasons,
                    )
                    continue
                charges = engine._late_charges(line, policy, today, calendar)
                values.append(
                    {
                        "company_id": company.id,
                        "currency_id": company.currency_id.id,
                        "kind": kind,
                        "partner_id": debtor.id,
                        "move_line_id": line.id,
                        "date_maturity": line.date_maturity,
                        "policy_id": policy.id,
                        "bureau_id": self.env["dunning.negativation.bureau"]
                        ._default_for(company, kind)
                        .id,
                        "queue_date": today,
                        "notice_history_id": notice_id,
                        "notice_date": notice_date,
                        "notice_channel": channel,
                        "consumer": debtor._dunning_is_consumer(),
                        "days_late": charges.days_late,
                        "amount_residual": charges.principal,
                        "fine_amount": charges.fine,
                        "interest_amount": charges.interest,
                        "total_amount": charges.total,
                    }
                )
            if values:
                batch = self.with_context(
                    mail_create_nolog=True, mail_create_nosubscribe=True
                ).create(values)
                for record in batch:
                    record._log(
                        Markup(
                            self.env._(
                                "Queued with the prior notice of %(date)s "
                                "(%(channel)s) as evidence; open amount %(amount)s, "
                                "updated total %(total)s."
                            )
                        )
                        % {
                            "date": format_date(self.env, record.notice_date),
                            "channel": dict(
                                record._fields["notice_channel"]._description_selection(
                                    self.env
                                )
                            ).get(record.notice_channel),
                            "amount": record._fmt(record.amount_residual),
                            "total": record._fmt(record.total_amount),
                        }
                    )
                created |= batch
            if len(rows) < ENQUEUE_BATCH:
                break
        return created

    def _fmt(self, amount):
        self.ensure_one()
        return self.env["ir.qweb.field.monetary"].value_to_html(
            amount, {"display_currency": self.currency_id}
        )

    def _check_eligible(self):
        """Raise when an item no longer meets the rules (paid, promised, in an
        agreement, disputed, prescribed…) on its company's today."""
        labels = self._reason_labels()
        for record in self:
            today = self._today(record.company_id)
            line = record.move_line_id.sudo()
            step = record.policy_id.step_ids.filtered(
                lambda s, kind=record.kind: (
                    s.flag_negativation and s.negativation_kind == kind
                )
            ).sorted("offset_days")[:1]
            if not step:
                step = self.env["dunning.policy.step"].new(
                    {"min_amount": 0.0, "offset_days": 0}
                )
            result = self._eligibility(
                line,
                record.policy_id,
                step,
                (record.notice_date, record.notice_channel),
                today,
                record.kind,
                self._facts(line, today),
            )
            if not result.eligible:
                raise UserError(
                    self.env._(
                        "%(record)s cannot go on: %(reasons)s.",
                        record=record.display_name,
                        reasons="; ".join(labels[code] for code in result.reasons),
                    )
                )

    # ------------------------------------------------------------------
    # Decision
    # ------------------------------------------------------------------
    def action_approve(self):
        self._check_manager()
        self._check_state("pending")
        self._check_eligible()
        self.write(
            {
                "state": "approved",
                "approved_uid": self.env.uid,
                "approved_date": fields.Datetime.now(),
            }
        )
        self._log(
            Markup(self.env._("Approved by %(user)s.")) % {"user": self.env.user.name}
        )
        return True

    def action_reject(self):
        self._check_manager()
        self._check_state("pending", "approved")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject"),
            "res_model": "dunning.negativation.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_negativation_ids": self.ids},
        }

    def _dunning_reject(self, reason):
        self._check_manager()
        self._check_state("pending", "approved")
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason of the rejection."))
        self.write({"state": "rejected", "rejection_reason": reason})
        self._log(
            Markup(self.env._("Rejected by %(user)s: %(reason)s"))
            % {"user": self.env.user.name, "reason": reason}
        )

    # ------------------------------------------------------------------
    # At the bureau
    # ------------------------------------------------------------------
    def _check_can_send(self):
        for company in self.company_id:
            if not company._dunning_is_live(self._today(company)):
                raise UserError(
                    self.env._(
                        "The collection of %(company)s is not switched on: nothing "
                        "goes to a bureau.",
                        company=company.name,
                    )
                )
        missing = self.filtered(lambda r: not r.bureau_id)
        if missing:
            raise UserError(
                self.env._(
                    "%(record)s has no bureau: choose one.",
                    record=missing[0].display_name,
                )
            )
        no_notice = self.filtered(lambda r: not (r.notice_history_id and r.notice_date))
        if no_notice:
            raise UserError(
                self.env._(
                    "%(record)s has no prior notice as evidence.",
                    record=no_notice[0].display_name,
                )
            )

    def action_send(self):
        """Send the approved items to their bureau; an item the bureau does
        not take stays approved with the error."""
        self._check_manager()
        self._check_state("approved")
        self._check_can_send()
        self._check_eligible()
        self._dunning_send()
        return True

    def _dunning_send_eligible(self):
        """The scheduled action's sending: the items still eligible are sent,
        the others keep the reason in their error."""
        ok = self.browse()
        for record in self:
            try:
                record._check_can_send()
                record._check_eligible()
            except UserError as error:
                record.bureau_error = str(error)
                continue
            ok |= record
        ok._dunning_send()

    def _dunning_send(self):
        for bureau in self.bureau_id:
            items = self.filtered(lambda r, b=bureau: r.bureau_id == b)
            results = bureau.sudo()._adapter()._send(bureau.sudo(), items.sudo())
            now = fields.Datetime.now()
            for item in items:
                result = results.get(item.id) or {"error": self.env._("No answer.")}
                if result.get("error"):
                    item.bureau_error = result["error"]
                    item._log(
                        Markup(self.env._("The bureau did not take it: %(error)s"))
                        % {"error": result["error"]}
                    )
                    continue
                item.write(
                    {
                        "state": "sent",
                        "sent_date": now,
                        "bureau_ref": result.get("reference") or item.bureau_ref,
                        "attachment_id": result.get("attachment_id")
                        or item.attachment_id.id,
                        "bureau_error": False,
                    }
                )
                item._log(
                    Markup(self.env._("Sent to %(bureau)s by %(user)s."))
                    % {"bureau": bureau.name, "user": self.env.user.name}
                )

    def action_confirm_listed(self):
        """The bureau confirmed the listing (a CSV upload checked by hand)."""
        self._check_manager()
        self._check_state("sent")
        self._dunning_mark_listed()
        return True

    def _dunning_mark_listed(self):
        for record in self:
            record.write(
                {"state": "listed", "listed_date": self._today(record.company_id)}
            )
        self._log(Markup(self.env._("Listing confirmed.")))

    def action_poll(self):
        """Ask the bureau how the items stand (HTTP bureaus)."""
        for bureau in self.bureau_id:
            items = self.filtered(
                lambda r, b=bureau: (
                    r.bureau_id == b
                    and r.state in ("sent", "removal_requested")
                    and r.bureau_ref
                )
            )
            if not items:
                continue
            statuses = bureau.sudo()._adapter()._poll(bureau.sudo(), items.sudo())
            for item in items:
                status = statuses.get(item.id)
                if status == "listed" and item.state == "sent":
                    item._dunning_mark_listed()
                elif status == "removed" and item.state == "removal_requested":
                    item._dunning_mark_removed()
        return True

    # ------------------------------------------------------------------
    # Removal after payment (STJ Súmula 548)
    # ------------------------------------------------------------------
    @api.model
    def _dunning_on_reconciled(self, lines):
        """Called for the lines of every reconciliation: the records of the
        installments now fully paid request their removal at once (listed or
        sent) or are withdrawn (not sent yet). One search for all lines."""
        paid = lines.filtered(lambda line: line.reconciled)
        if not paid:
            return
        records = self.sudo().search(
            [("move_line_id", "in", paid.ids), ("state", "in", ACTIVE_STATES)]
        )
        if not records:
            return
        withdrawn = records.filtered(lambda r: r.state in ("pending", "approved"))
        if withdrawn:
            withdrawn.write(
                {
                    "state": "rejected",
                    "rejection_reason": self.env._("Paid before it was sent."),
                }
            )
            withdrawn._log(Markup(self.env._("Paid before it was sent: withdrawn.")))
        to_remove = records.filtered(lambda r: r.state in AT_BUREAU_STATES)
        for record in to_remove:
            record._dunning_request_removal(record._payment_date())

    def _payment_date(self):
        """The date of the payment that settled the installment: the latest
        date of its reconciliations."""
        self.ensure_one()
        line = self.move_line_id
        partials = line.matched_credit_ids | line.matched_debit_ids
        dates = [d for d in partials.mapped("max_date") if d]
        return max(dates) if dates else self._today(self.company_id)

    def _dunning_request_removal(self, payment_date):
        self.ensure_one()
        calendar = self._calendar(self.company_id)
        deadline = removal_deadline(payment_date, calendar)
        self.write(
            {
                "state": "removal_requested",
                "payment_date": payment_date,
                "removal_deadline": deadline,
                "removal_at_risk_date": removal_at_risk_date(deadline, calendar),
            }
        )
        self._log(
            Markup(
                self.env._(
                    "Paid on %(paid)s: removal requested, to be done by %(deadline)s "
                    "(STJ Súmula 548: 5 business days)."
                )
            )
            % {
                "paid": format_date(self.env, payment_date),
                "deadline": format_date(self.env, deadline),
            }
        )
        self.with_context(mail_notify_force_send=False).activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=deadline,
            summary=self.env._("Remove the listing (Súmula 548)"),
            note=self.env._(
                "%(record)s was paid on %(paid)s: its removal must be done at the "
                "bureau by %(deadline)s.",
                record=self.display_name,
                paid=format_date(self.env, payment_date),
                deadline=format_date(self.env, deadline),
            ),
            user_id=self.company_id._dunning_follow_up_user_for(self.partner_id).id,
        )
        cron = self.env.ref(
            "dunning_br.ir_cron_dunning_negativation", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()

    def action_request_removal(self):
        """A manager requests the removal by hand (e.g. a payment outside
        Odoo, a court order)."""
        self._check_manager()
        self._check_state(*AT_BUREAU_STATES)
        for record in self:
            record._dunning_request_removal(self._today(record.company_id))
        return True

    def action_send_removal(self):
        """Send the removal requests to their bureau."""
        todo = self.filtered(
            lambda r: r.state == "removal_requested" and not r.removal_sent
        )
        for bureau in todo.bureau_id:
            items = todo.filtered(lambda r, b=bureau: r.bureau_id == b)
            results = (
                bureau.sudo()._adapter()._request_removal(bureau.sudo(), items.sudo())
            )
            for item in items:
                result = results.get(item.id) or {"error": self.env._("No answer.")}
                if result.get("error"):
                    item.bureau_error = result["error"]
                    item._log(
                        Markup(
                            self.env._("The bureau did not take the removal: %(error)s")
                        )
                        % {"error": result["error"]}
                    )
                    continue
                item.write(
                    {
                        "removal_sent": True,
                        "bureau_error": False,
                        "removal_attachment_id": result.get("attachment_id")
                        or item.removal_attachment_id.id,
                    }
                )
                item._log(
                    Markup(self.env._("Removal sent to %(bureau)s."))
                    % {"bureau": bureau.name}
                )
        return True

    def action_confirm_removed(self):
        """The bureau confirmed the removal (a CSV upload checked by hand)."""
        self._check_manager()
        self._check_state("removal_requested")
        self._dunning_mark_removed()
        return True

    def _dunning_mark_removed(self):
        for record in self:
            record.write(
                {"state": "removed", "removed_date": self._today(record.company_id)}
            )
        self.activity_feedback(
            ["mail.mail_activity_data_todo"],
            feedback=self.env._("Removal confirmed."),
        )
        self._log(Markup(self.env._("Removal confirmed.")))

    # ------------------------------------------------------------------
    # Scheduled action
    # ------------------------------------------------------------------
    @api.model
    def _cron_negativation(self):
        """Queue the eligible installments, send the removal requests, ask
        the HTTP bureaus how their items stand; company by company, each
        step committed (a bureau down delays only its own items)."""
        engine = self.env["dunning.engine"]
        companies = (
            self.env["res.company"].sudo().search([("dunning_active", "=", True)])
        )
        for company in companies:
            records = self.sudo().with_company(company)
            records._dunning_enqueue(company)
            engine._commit()
            approved = records.search(
                [("company_id", "=", company.id), ("state", "=", "approved")]
            )
            if approved and company._dunning_is_live(self._today(company)):
                approved.filtered("bureau_id")._dunning_send_eligible()
                engine._commit()
            records.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "removal_requested"),
                    ("removal_sent", "=", False),
                ]
            ).action_send_removal()
            engine._commit()
            records.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "in", ("sent", "removal_requested")),
                    ("bureau_id.adapter", "=", "http"),
                ]
            ).action_poll()
            engine._commit()
