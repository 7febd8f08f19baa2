# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An installment agreement (acordo de parcelamento): a customer's open
installments settled by one journal entry into new installments, within the
negotiation rules of a collection policy (``cobranca.agreements``)."""

import logging
import time

from cobranca.agreements import breach_date, is_breached
from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import Command, api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

#: Active agreements checked (fulfilled or broken) per transaction.
AGREEMENTS_PER_BATCH = 50

AGREEMENT_STATES = [
    ("draft", "Draft"),
    ("proposed", "Proposed"),
    ("accepted", "Accepted"),
    ("active", "Active"),
    ("fulfilled", "Fulfilled"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]

#: Periodicity of the agreement installments (``cobranca.agreements.PERIODS``).
PERIODS = [
    ("monthly", "Monthly"),
    ("biweekly", "Every 15 days"),
    ("weekly", "Weekly"),
]

ACCEPTANCE_CHANNELS = [
    ("phone", "By phone"),
    ("email", "By e-mail"),
    ("in_person", "In person"),
    ("portal", "Customer portal"),
]


class DunningAgreement(models.Model):
    _name = "dunning.agreement"
    _description = "Installment Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/"
    )
    state = fields.Selection(
        AGREEMENT_STATES,
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        help="The commercial partner (company or individual) whose debt is negotiated.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        default=lambda self: self.env.user,
        tracking=True,
    )
    date = fields.Date(
        string="Agreement Date",
        required=True,
        default=fields.Date.context_today,
        help="The debt is computed as of this date (fine and interest as the "
        "reminders show them).",
    )
    policy_id = fields.Many2one(
        "dunning.policy",
        string="Negotiation Rules",
        required=True,
        check_company=True,
        help="The collection policy whose negotiation rules the agreement follows.",
    )
    installment_policy_id = fields.Many2one(
        "dunning.policy",
        string="Collection Policy of the Installments",
        check_company=True,
        help="The régua followed by the agreement installments; by default the "
        "one the negotiation rules' policy names for agreements, else that "
        "policy itself.",
    )
    line_ids = fields.One2many(
        "dunning.agreement.line", "agreement_id", string="Negotiated Installments"
    )
    installment_ids = fields.One2many(
        "dunning.agreement.installment", "agreement_id", string="New Installments"
    )

    # The debt as of the agreement date
    principal_amount = fields.Monetary(string="Principal", readonly=True)
    fine_amount = fields.Monetary(string="Late Fine", readonly=True)
    interest_amount = fields.Monetary(string="Late Interest", readonly=True)
    debt_amount = fields.Monetary(string="Updated Debt", readonly=True)

    # The terms
    fine_waiver_percent = fields.Float(string="Fine Waiver (%)", digits=(5, 2))
    interest_waiver_percent = fields.Float(string="Interest Waiver (%)", digits=(5, 2))
    discount_percent = fields.Float(
        string="Cash Discount (%)",
        digits=(5, 2),
        help="Discount on the principal, only for a payment in one go.",
    )
    down_payment = fields.Monetary()
    down_payment_due = fields.Date()
    installment_count = fields.Integer(string="Installments", default=1)
    period = fields.Selection(
        PERIODS, string="Periodicity", required=True, default="monthly"
    )
    first_due = fields.Date(string="First Due Date")
    monthly_interest_percent = fields.Float(
        string="Agreement Interest per Month (%)",
        digits=(5, 4),
        help="Interest on the financed amount, compounded monthly (Price table).",
    )
    fine_waived = fields.Monetary(readonly=True)
    interest_waived = fields.Monetary(readonly=True)
    discount_amount = fields.Monetary(string="Discount", readonly=True)
    negotiated_amount = fields.Monetary(readonly=True)
    financed_amount = fields.Monetary(readonly=True)
    agreement_interest_amount = fields.Monetary(
        string="Agreement Interest", readonly=True
    )
    total_amount = fields.Monetary(string="Total Payable", readonly=True)
    saved_amount = fields.Monetary(
        string="Saved by the Customer",
        readonly=True,
        help="Waived fine and interest and the discount.",
    )

    # Rules exceeded and who approved them
    rule_violations = fields.Text(
        string="Rules Exceeded",
        readonly=True,
        copy=False,
        help="The negotiation rules the terms go beyond; only a collection "
        "manager may approve them.",
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(string="Approved On", readonly=True, copy=False)

    # Acceptance by the customer
    acceptance_channel = fields.Selection(
        ACCEPTANCE_CHANNELS, string="Accepted", readonly=True, copy=False
    )
    accepted_date = fields.Datetime(string="Accepted On", readonly=True, copy=False)
    accepted_by_name = fields.Char(
        string="Accepted By (Customer)", readonly=True, copy=False
    )
    accepted_uid = fields.Many2one(
        "res.users",
        string="Acceptance Recorded By",
        readonly=True,
        copy=False,
    )
    accepted_ip = fields.Char(string="Accepted From (IP)", readonly=True, copy=False)
    acceptance_note = fields.Text(readonly=True, copy=False)
    signature = fields.Image(
        max_width=1024, max_height=1024, readonly=True, copy=False, attachment=True
    )

    # Accounting
    move_id = fields.Many2one(
        "account.move",
        string="Agreement Entry",
        readonly=True,
        copy=False,
        check_company=True,
    )
    reversal_move_id = fields.Many2one(
        "account.move",
        string="Cancellation Entry",
        readonly=True,
        copy=False,
        check_company=True,
    )
    reinstatement_move_id = fields.Many2one(
        "account.move",
        string="Reinstatement Entry",
        readonly=True,
        copy=False,
        check_company=True,
        help="Fine and interest waived in the agreement, charged again when it "
        "was broken.",
    )

    # Breach
    broken_date = fields.Date(string="Broken On", readonly=True, copy=False)
    breach_reason = fields.Char(readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Around an active agreement: fulfilled, broken (scheduled action)
    # ------------------------------------------------------------------
    def _dunning_texts(self):
        """An environment writing in the company's language (chatter notes,
        activities): not the one of whoever pays or runs the job."""
        return (
            self.env["dunning.engine"]._in_company_lang(self.company_id[:1]).env
        )

    def _dunning_check_fulfilled(self):
        """The active agreements of ``self`` whose receivable items are all
        paid become fulfilled (one query for the whole set); an agreement
        being cancelled (its entry reversed) is left alone. Return them."""
        active = self.filtered(
            lambda ag: ag.state == "active" and ag.move_id and not ag.move_id.reversal_move_ids
        )
        if not active:
            return self.browse()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT ag.id
                     FROM dunning_agreement ag
                    WHERE ag.id IN %(ids)s
                      AND EXISTS (SELECT 1 FROM account_move_line aml
                                   WHERE aml.dunning_agreement_id = ag.id
                                     AND aml.parent_state = 'posted')
                      AND NOT EXISTS (
                          SELECT 1 FROM account_move_line aml
                           WHERE aml.dunning_agreement_id = ag.id
                             AND aml.parent_state = 'posted'
                             AND NOT aml.reconciled
                             AND aml.amount_residual > 0)""",
                ids=tuple(active.ids),
            )
        )
        fulfilled = self.browse(row[0] for row in self.env.cr.fetchall())
        if not fulfilled:
            return fulfilled
        fulfilled.sudo().write({"state": "fulfilled"})
        for company in fulfilled.company_id:
            mine = fulfilled.filtered(lambda ag, c=company: ag.company_id == c)
            texts = mine._dunning_texts()
            body = Markup("%s") % texts._(
                "Every installment of the agreement is paid: the agreement is fulfilled."
            )
            mine.sudo()._message_log_batch(bodies=dict.fromkeys(mine.ids, body))
        return fulfilled

    @api.model
    def _cron_check_agreements(self, time_budget=None, batch_size=AGREEMENTS_PER_BATCH):
        """Scheduled action: the active agreements whose installments are all
        paid become fulfilled (a safety net: paying does it at once), and
        those with an installment unpaid for the breach days of their policy
        are broken. Batched and committed batch by batch; two runs at once
        skip each other's rows (``FOR UPDATE SKIP LOCKED``) and a run again
        finds nothing left to do."""
        engine = self.env["dunning.engine"]
        deadline = engine._deadline(time_budget)
        done = remaining = 0
        companies = self.env["res.company"].sudo().search([])
        for company in companies:
            today = engine._today(company)
            agreements = self.sudo().with_company(company)
            processed, left = agreements._dunning_check_company(
                company, today, deadline, batch_size
            )
            done += processed
            remaining += left
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    @api.model
    def _dunning_candidates_sql(self, company, today, after_id):
        """The active agreements of ``company`` that may have to change
        today: no open receivable item left, or one overdue by at least the
        breach days of their policy (the business-day rule of
        ``cobranca.agreements.breach_date`` is applied on them in Python)."""
        return SQL(
            """SELECT ag.id
                 FROM dunning_agreement ag
                 JOIN dunning_policy p ON p.id = ag.policy_id
                WHERE ag.company_id = %(company)s
                  AND ag.state = 'active'
                  AND ag.id > %(after)s
                  AND (NOT EXISTS (
                          SELECT 1 FROM account_move_line aml
                           WHERE aml.dunning_agreement_id = ag.id
                             AND aml.parent_state = 'posted'
                             AND NOT aml.reconciled
                             AND aml.amount_residual > 0)
                       OR EXISTS (
                          SELECT 1 FROM account_move_line aml
                           WHERE aml.dunning_agreement_id = ag.id
                             AND aml.parent_state = 'posted'
                             AND NOT aml.reconciled
                             AND aml.amount_residual > 0
                             AND aml.date_maturity
                                 + COALESCE(p.agreement_breach_days, 0)
                                 <= %(today)s))""",
            company=company.id,
            after=after_id,
            today=today,
        )

    @api.model
    def _dunning_check_company(self, company, today, deadline, batch_size):
        """Fulfil and break the agreements of ``company`` batch by batch."""
        engine = self.env["dunning.engine"]
        after = done = 0
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                self.env.cr.execute(
                    SQL("SELECT count(*) FROM (%s) c", self._dunning_candidates_sql(company, today, after))
                )
                return done, self.env.cr.fetchone()[0]
            engine._commit()  # a fresh snapshot for each batch
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "%s ORDER BY ag.id LIMIT %s",
                    self._dunning_candidates_sql(company, today, after),
                    batch_size,
                )
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                return done, 0
            after = ids[-1]
            try:
                with self.env.cr.savepoint():
                    # Rows a concurrent run holds are passed over; one it
                    # changed since this snapshot raises: it did them.
                    self.env.cr.execute(
                        SQL(
                            """SELECT id FROM dunning_agreement
                                WHERE id IN %s AND state = 'active'
                                  FOR UPDATE SKIP LOCKED""",
                            tuple(ids),
                        ),
                        log_exceptions=False,
                    )
                    locked = self.browse(row[0] for row in self.env.cr.fetchall())
                    fulfilled = locked._dunning_check_fulfilled()
                    broken = (locked - fulfilled)._dunning_check_breach(today)
                    done += len(fulfilled) + len(broken)
            except SerializationFailure:
                _logger.info("Agreements from %s checked by another run", ids[0])
                self.env.invalidate_all()
                continue
            engine._commit()

    def _dunning_breach_due(self, today):
        """``{agreement: (breach date, installment item)}`` of the active
        agreements of ``self`` broken as of ``today``: the first open item
        unpaid for the policy's breach days
        (``cobranca.agreements.is_breached``)."""
        result = {}
        if not self:
            return result
        calendar = self.env["dunning.engine"]._calendar(self.company_id[:1])
        items = self.env["account.move.line"].search(
            [
                ("dunning_agreement_id", "in", self.ids),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
            ],
            order="date_maturity, id",
        )
        for item in items:
            agreement = item.dunning_agreement_id
            if agreement in result or agreement.state != "active":
                continue
            grace = agreement.policy_id.agreement_breach_days
            if is_breached(item.date_maturity, today, grace, calendar):
                result[agreement] = (
                    breach_date(item.date_maturity, grace, calendar),
                    item,
                )
        return result

    def _dunning_check_breach(self, today):
        """Break the agreements of ``self`` that are broken as of ``today``
        (see :meth:`_dunning_break`); return them."""
        due = self._dunning_breach_due(today)
        broken = self.browse()
        for agreement, (when, item) in due.items():
            agreement._dunning_break(when, item, today)
            broken |= agreement
        return broken

    def _dunning_installment_label(self, item):
        """How a message names the receivable item ``item`` of the agreement:
        its number and "installment n/N" (or the down payment, or the
        charges reinstated by a breach)."""
        self.ensure_one()
        installment = self.installment_ids.filtered(lambda i: i.move_line_id == item)[:1]
        if not installment:
            return self.env._(
                "Agreement %(agreement)s, fine and interest reinstated",
                agreement=self.name,
            )
        if installment.number == 0:
            return self.env._(
                "Agreement %(agreement)s, down payment", agreement=self.name
            )
        return self.env._(
            "Agreement %(agreement)s, installment %(number)s",
            agreement=self.name,
            number=self._dunning_installment_number(item),
        )

    def _dunning_installment_number(self, item):
        """"n/N" of the receivable item ``item`` of the agreement (N: the
        installments after the down payment; "0/N" the down payment), or an
        empty string for an item that is no installment (reinstated charges)."""
        self.ensure_one()
        installment = self.installment_ids.filtered(lambda i: i.move_line_id == item)[:1]
        if not installment:
            return ""
        count = max(self.installment_ids.mapped("number") or [0])
        return f"{installment.number}/{count}"

    def _dunning_break(self, when, item, today):
        """The agreement is broken on ``when`` because ``item`` was not paid:
        the installments not yet due fall due on ``when`` (their receivable
        items; the installment records keep the agreed due dates), the fine
        and interest waived are charged again when the policy says so (a
        reinstatement entry), the collector gets an activity, and the
        chatters of the agreement and of the customer tell it."""
        self.ensure_one()
        texts = self._dunning_texts()
        money = self.currency_id.with_env(texts).format
        reason = texts._(
            "Installment due on %(due)s unpaid (%(residual)s open) %(days)s days "
            "after its due date.",
            due=fields.Date.to_string(item.date_maturity),
            residual=money(item.amount_residual),
            days=self.policy_id.agreement_breach_days,
        )
        self.write({"state": "broken", "broken_date": when, "breach_reason": reason})
        later = self.env["account.move.line"].search(
            [
                ("dunning_agreement_id", "=", self.id),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
                ("date_maturity", ">", when),
            ]
        )
        accelerated = sum(later.mapped("amount_residual"))
        if later:
            later.write({"date_maturity": when})
        reinstated = self._dunning_reinstate(when, today, texts)
        open_total = sum(
            self.env["account.move.line"]
            .search(
                [
                    ("dunning_agreement_id", "=", self.id),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                ]
            )
            .mapped("amount_residual")
        )
        lines = [
            texts._("Agreement broken on %(date)s: %(reason)s", date=fields.Date.to_string(when), reason=reason),
            texts._(
                "%(amount)s in installments not yet due fell due on %(date)s.",
                amount=money(accelerated),
                date=fields.Date.to_string(when),
            ),
        ]
        if reinstated:
            lines.append(
                texts._(
                    "Fine and interest waived in the agreement charged again: "
                    "%(amount)s (entry %(entry)s).",
                    amount=money(reinstated.amount_total),
                    entry=reinstated.name,
                )
            )
        elif self.policy_id.agreement_breach_reinstate and (
            self.fine_waived or self.interest_waived
        ):
            lines.append(
                texts._(
                    "The fine and interest waived could not be charged again: set "
                    "the agreements journal and the fine and interest income "
                    "account of the company."
                )
            )
        lines.append(
            texts._(
                "The collection goes on for the open balance of %(amount)s.",
                amount=money(open_total),
            )
        )
        body = Markup("<br/>").join(lines)
        author = self.company_id.dunning_collector_id.partner_id
        self._message_log(body=body, author_id=author.id or None)
        self.partner_id._message_log(
            body=Markup("%s<br/>%s") % (self._get_html_link(title=self.name), body),
            author_id=author.id or None,
        )
        collector = self.company_id._dunning_follow_up_user_for(self.partner_id)
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=texts._("Agreement %(agreement)s broken", agreement=self.name),
            note=body,
            user_id=(collector or self.user_id).id or self.env.uid,
        )

    def _dunning_reinstate(self, when, today, texts):
        """The entry charging again the fine and interest the agreement
        waived (policy ``agreement_breach_reinstate``): a receivable item of
        the agreement due on ``when`` against the income account, one line
        for the fine and one for the interest. None when there is nothing to
        charge or no journal/account to charge it with."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        fine = currency.round(self.fine_waived)
        interest = currency.round(self.interest_waived)
        journal = company.dunning_agreement_journal_id
        income = company.dunning_agreement_income_account_id
        if (
            not self.policy_id.agreement_breach_reinstate
            or currency.is_zero(fine + interest)
            or not journal
            or not income
            or self.reinstatement_move_id
        ):
            return None
        receivable = (
            self.installment_ids.move_line_id.account_id[:1]
            or self.partner_id.with_company(company).property_account_receivable_id
        )

        def line(name, account, balance, **extra):
            return Command.create(
                {
                    "name": name,
                    "account_id": account.id,
                    "partner_id": self.partner_id.id,
                    "balance": balance,
                    **extra,
                }
            )

        lines = [
            line(
                texts._(
                    "Agreement %(agreement)s broken: waived fine and interest due again",
                    agreement=self.name,
                ),
                receivable,
                fine + interest,
                date_maturity=when,
                dunning_agreement_id=self.id,
            )
        ]
        if not currency.is_zero(fine):
            lines.append(
                line(
                    texts._(
                        "Late fine waived in agreement %(agreement)s, reinstated",
                        agreement=self.name,
                    ),
                    income,
                    -fine,
                )
            )
        if not currency.is_zero(interest):
            lines.append(
                line(
                    texts._(
                        "Late interest waived in agreement %(agreement)s, reinstated",
                        agreement=self.name,
                    ),
                    income,
                    -interest,
                )
            )
        move = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": today,
                    "ref": texts._(
                        "Agreement %(agreement)s broken: fine and interest waived "
                        "charged again",
                        agreement=self.name,
                    ),
                    "partner_id": self.partner_id.id,
                    "dunning_policy_id": self._dunning_installment_policy().id,
                    "line_ids": lines,
                }
            )
        )
        move.action_post()
        self.reinstatement_move_id = move
        return move

    def _dunning_installment_policy(self):
        """The régua of the agreement installments: the one chosen, else the
        one the negotiation rules name for agreements, else those rules'."""
        self.ensure_one()
        return (
            self.installment_policy_id
            or self.policy_id.agreement_policy_id
            or self.policy_id
        )
