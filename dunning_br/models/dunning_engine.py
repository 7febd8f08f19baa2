# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The daily run of the régua de cobrança.

0. Only the companies whose collection a collection manager activated
   (``res.company.dunning_active``, from their go-live date) are run.
1. **Select** (one read-only query per company): the customers that have
   (installment, step) pairs due today. The due dates of each step come from
   ``cobranca.schedule.catch_up_windows``, so an installment gets only its
   latest due step (catch-up), within the company's catch-up limits (a step
   too old, or a legal step for an installment that received no earlier
   step, is left out). Failed rows that may be retried are put back to
   pending.
2. **Process** the customers in batches. A batch takes an advisory lock per
   customer, inserts their due pairs as ``pending`` history rows (the unique
   constraint on (installment, step) and the anti-join on later steps make
   it idempotent), turns them into ``sent``/``skipped``/``failed`` and queues
   the messages, all in one transaction, committed (in tests: a savepoint) as
   a whole: a crash loses nothing and sends nothing twice, two runs at once
   never process the same customer, and what a run stopped by its time
   budget did not reach is simply still due on the next run.
"""

import logging
import threading
import time
from collections import defaultdict
from decimal import Decimal

from cobranca.calendar import BankCalendar
from cobranca.charges import compute_late_charges
from cobranca.policy import ordered_sources
from cobranca.schedule import (
    BEYOND_CATCH_UP,
    LEGAL_WITHOUT_EARLIER,
    catch_up_windows,
    step_send_date,
)
from markupsafe import Markup
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import get_lang

_logger = logging.getLogger(__name__)

# First key of the advisory locks taken per customer while processing.
LOCK_NAMESPACE = 471180
PARTNERS_PER_BATCH = 100


class DunningEngine(models.AbstractModel):
    _name = "dunning.engine"
    _description = "Collection Engine"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _cron_run(self, time_budget=None):
        """Scheduled action: run the régua of every company, in batches, and
        report progress (in customers) so that ``ir.cron`` calls again while
        work remains."""
        deadline = self._deadline(time_budget)
        done = remaining = 0
        companies = (
            self.env["res.company"].sudo().search([("dunning_active", "=", True)])
        )
        for company in companies:
            today = self._today(company)
            if not company._dunning_is_live(today):
                continue
            engine = self.sudo().with_company(company)._in_company_lang(company)
            partner_ids = engine._select_due(company, today)
            self._commit()
            processed, left = engine._process_pending(
                company, today, deadline, partner_ids
            )
            done += processed
            remaining += left
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    @api.model
    def _run_for(self, company, today=None):
        """Select and process everything due for ``company`` (button, tests).
        The engine acts as the system, like the scheduled action. Return
        (customers processed, customers left)."""
        today = today or self._today(company)
        engine = self.sudo().with_company(company)._in_company_lang(company)
        partner_ids = engine._select_due(company, today)
        return engine._process_pending(company, today, None, partner_ids)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _in_company_lang(self, company):
        """The engine working in the company's language: what it writes for
        the company's users (message names, chatter notes, activities) is in
        that language, not in the one of whoever runs it (none for the
        scheduled action). Messages to customers use their own language."""
        return self.with_context(lang=get_lang(self.env, company.partner_id.lang).code)

    @api.model
    def _today(self, company):
        tz = company.partner_id.tz or "America/Sao_Paulo"
        return fields.Date.context_today(self.with_context(tz=tz))

    @api.model
    def _deadline(self, time_budget=None):
        """When a scheduled action stops (``time.monotonic()``): after
        ``time_budget`` seconds, by default the system parameter
        ``dunning_br.cron_time_budget`` (600)."""
        budget = time_budget or float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("dunning_br.cron_time_budget", 600)
        )
        return time.monotonic() + budget

    @api.model
    def _calendar(self, company):
        return BankCalendar(extra_holidays=company.dunning_holiday_ids.mapped("date"))

    @api.model
    def _auto_commit(self):
        return not getattr(threading.current_thread(), "testing", False)

    @api.model
    def _commit(self):
        if self._auto_commit():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    # ------------------------------------------------------------------
    # 1. Selection
    # ------------------------------------------------------------------
    @api.model
    def _windows(self, company, today, catch_up):
        """``[(policy, step, CatchUpWindow)]`` of the steps due today."""
        calendar = self._calendar(company)
        result = []
        policies = self.env["dunning.policy"].search(
            [("company_id", "=", company.id), ("step_ids", "!=", False)]
        )
        for policy in policies:
            steps = {step._schedule_step(): step for step in policy.step_ids}
            for schedule_step, window in catch_up_windows(
                steps, today, calendar, catch_up
            ).items():
                result.append((policy, steps[schedule_step], window))
        return result

    @api.model
    def _policy_sql(self, company):
        """The policy of an invoice (``am``) whose customer's policy is joined
        as ``pp``: ``cobranca.policy``'s precedence as a COALESCE."""
        return SQL(
            "COALESCE(%s)",
            SQL(", ").join(
                ordered_sources(
                    {
                        "invoice": SQL("am.dunning_policy_id"),
                        "customer": SQL("pp.id"),
                        "company": SQL("%s::int", company.dunning_policy_id.id or None),
                    }
                )
            ),
        )

    @api.model
    def _due_pairs_query(
        self, company, today, select, partner_ids=None, catch_up=None, left_out=False
    ):
        """The (installment, step) pairs due today and not yet executed (of
        the customers ``partner_ids`` if given), with ``select`` as the SELECT
        list; ``None`` when nothing can be due.

        ``catch_up`` (``cobranca.schedule.CatchUp``) defaults to the company's
        and then requires its collection to be live today; a preview passes
        its own. ``v.reason`` says why catch-up leaves a pair out (NULL: it is
        due); the pairs left out are selected instead of the due ones when
        ``left_out``."""
        if not self._calendar(company).is_business_day(today):
            return None  # reminders are never sent on non-business days
        if catch_up is None:
            if not company._dunning_is_live(today):
                return None  # nothing is sent before the collection is activated
            catch_up = company._dunning_catch_up()
        self.env.flush_all()  # the query reads invoices, partners, history
        windows = self._windows(company, today, catch_up)
        if not windows:
            return None
        values = SQL(", ").join(
            SQL(
                "(%s::int, %s::int, %s::varchar, %s::int, %s::date, %s::date,"
                " %s::date, %s::date, %s::bool)",
                policy.id,
                step.id,
                step.channel,
                step.offset_days,
                window.window.start,
                window.window.end,
                window.on_time_from,
                window.catch_up_from,
                step._schedule_step().legal,
            )
            for policy, step, window in windows
        )
        return SQL(
            """
            SELECT %(select)s
              FROM account_move_line aml
              JOIN account_move am ON am.id = aml.move_id
              JOIN res_partner p ON p.id = am.commercial_partner_id
              LEFT JOIN dunning_policy pp
                     ON pp.id = p.dunning_policy_id
                    AND pp.company_id = aml.company_id
                    AND pp.active
              JOIN (VALUES %(values)s)
                   AS w(policy_id, step_id, channel, offset_days, due_from, due_to,
                        on_time_from, catch_up_from, legal)
                ON w.policy_id = %(policy)s
               AND aml.date_maturity < w.due_to
               AND (w.due_from IS NULL OR aml.date_maturity >= w.due_from)
             CROSS JOIN LATERAL (
                 SELECT CASE
                   WHEN aml.date_maturity >= w.on_time_from THEN NULL
                   WHEN aml.date_maturity < w.catch_up_from THEN %(beyond)s
                   WHEN w.legal AND NOT %(legal_ok)s AND NOT EXISTS (
                       SELECT 1
                         FROM dunning_history eh
                         JOIN dunning_policy_step es ON es.id = eh.step_id
                        WHERE eh.move_line_id = aml.id
                          AND eh.state = 'sent'
                          AND es.policy_id = w.policy_id
                          AND es.offset_days < w.offset_days)
                   THEN %(legal)s
                 END AS reason) v
             WHERE aml.company_id = %(company)s
               AND v.reason IS %(left_out)s
               AND %(partners)s
               AND %(installment)s
               AND NOT EXISTS (
                   SELECT 1
                     FROM dunning_promise pr
                    WHERE pr.move_line_id = aml.id
                      AND pr.state = 'open'
                      AND pr.date >= %(today)s)
               AND NOT EXISTS (
                   SELECT 1
                     FROM dunning_history h
                     JOIN dunning_policy_step s ON s.id = h.step_id
                    WHERE h.move_line_id = aml.id
                      AND s.policy_id = w.policy_id
                      AND s.offset_days >= w.offset_days)
            """,
            select=select,
            values=values,
            policy=self._policy_sql(company),
            beyond=BEYOND_CATCH_UP,
            legal=LEGAL_WITHOUT_EARLIER,
            legal_ok=catch_up.legal_without_earlier,
            installment=self.env["account.move.line"]._dunning_installment_sql(),
            left_out=SQL("NOT NULL" if left_out else "NULL"),
            today=today,
            company=company.id,
            partners=SQL("TRUE")
            if partner_ids is None
            else SQL("am.commercial_partner_id IN %s", tuple(partner_ids) or (0,)),
        )

    @api.model
    def _select_due(self, company, today):
        """The customers to process today, in id order: those with pairs due
        today (one read-only query) and those with rows to retry (failed rows
        that may be retried are put back to pending here)."""
        if not self._calendar(company).is_business_day(today):
            return []  # nothing is sent, nor retried, on non-business days
        if not company._dunning_is_live(today):
            _logger.info(
                "Collection of %s not active on %s: nothing sent", company.name, today
            )
            return []
        self._retry_failed(company, today)
        self.env["dunning.promise"]._dunning_check_promises(company, today)
        partner_ids = set()
        query = self._due_pairs_query(
            company, today, SQL("DISTINCT am.commercial_partner_id")
        )
        if query is not None:
            self.env.cr.execute(query)
            partner_ids.update(partner for (partner,) in self.env.cr.fetchall())
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT partner_id FROM dunning_history
                    WHERE company_id = %s AND state = 'pending'""",
                company.id,
            )
        )
        partner_ids.update(partner for (partner,) in self.env.cr.fetchall())
        _logger.info(
            "Collection run of %s on %s: %s customers to process",
            company.name,
            today,
            len(partner_ids),
        )
        return sorted(partner_ids)

    @api.model
    def _insert_due(self, company, today, partner_ids):
        """Insert the pairs due today of ``partner_ids`` (customers locked by
        this run) as pending rows; return how many."""
        query = self._due_pairs_query(
            company,
            today,
            SQL(
                """aml.company_id, w.policy_id, w.step_id, aml.id, aml.move_id,
                   am.commercial_partner_id, w.channel, 'pending', %(today)s, 0,
                   %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                   NOW() AT TIME ZONE 'UTC'""",
                today=today,
                uid=self.env.uid,
            ),
            partner_ids=partner_ids,
        )
        if query is None:
            return 0
        # A pair a concurrent run committed after this transaction's snapshot
        # raises a serialization failure: the batch then ran elsewhere.
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO dunning_history (
                    company_id, policy_id, step_id, move_line_id, move_id,
                    partner_id, channel, state, run_date, attempt_count,
                    create_uid, write_uid, create_date, write_date)
                %s
                ON CONFLICT (move_line_id, step_id) DO NOTHING
                """,
                query,
            ),
            log_exceptions=False,
        )
        return self.env.cr.rowcount

    @api.model
    def _retry_failed(self, company, today):
        """Failed rows are retried (up to the policy's limit), and flags for
        listing waiting for their prior notice period are tried again, unless
        a later step of their installment exists, which supersedes them."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE dunning_history h
                   SET state = CASE WHEN EXISTS (
                           SELECT 1 FROM dunning_history later
                             JOIN dunning_policy_step ls ON ls.id = later.step_id
                            WHERE later.move_line_id = h.move_line_id
                              AND ls.offset_days > s.offset_days)
                       THEN 'skipped' ELSE 'pending' END,
                       skip_reason = CASE WHEN EXISTS (
                           SELECT 1 FROM dunning_history later
                             JOIN dunning_policy_step ls ON ls.id = later.step_id
                            WHERE later.move_line_id = h.move_line_id
                              AND ls.offset_days > s.offset_days)
                       THEN 'superseded' END,
                       run_date = %(today)s
                  FROM dunning_policy_step s, dunning_policy p
                 WHERE s.id = h.step_id AND p.id = h.policy_id
                   AND h.company_id = %(company)s
                   AND ((h.state = 'failed'
                         AND h.attempt_count < p.max_send_attempts)
                        OR (h.state = 'skipped'
                            AND h.skip_reason = 'awaiting_notice'))
                """,
                today=today,
                company=company.id,
            )
        )

    @api.model
    def _preview(self, company, today, catch_up=None):
        """What a run would do today, without doing it: ``[(step, count)]``
        (``catch_up``: see :meth:`_due_pairs_query`)."""
        query = self._due_pairs_query(
            company, today, SQL("w.step_id, count(*)"), catch_up=catch_up
        )
        counts = {}
        if query is not None:
            self.env.cr.execute(SQL("%s GROUP BY w.step_id", query))
            counts = dict(self.env.cr.fetchall())
        self.env.cr.execute(
            SQL(
                """SELECT step_id, count(*) FROM dunning_history
                    WHERE company_id = %s AND state IN ('pending', 'failed')
                    GROUP BY step_id""",
                company.id,
            )
        )
        for step_id, count in self.env.cr.fetchall():
            counts[step_id] = counts.get(step_id, 0) + count
        steps = self.env["dunning.policy.step"].browse(counts)
        return [(step, counts[step.id]) for step in steps.sorted("offset_days")]

    @api.model
    def _preview_left_out(self, company, today, catch_up):
        """The pairs that catch-up leaves out today (one aggregate query):
        ``[(step, reason, count, days_from, days_to)]``, ``days_*`` the range
        of how many days ago the step fell due for them."""
        query = self._due_pairs_query(
            company,
            today,
            SQL(
                "w.step_id, v.reason, count(*), min(aml.date_maturity),"
                " max(aml.date_maturity)"
            ),
            catch_up=catch_up,
            left_out=True,
        )
        if query is None:
            return []
        self.env.cr.execute(SQL("%s GROUP BY w.step_id, v.reason", query))
        calendar = self._calendar(company)
        Step = self.env["dunning.policy.step"]
        result = []
        for step_id, reason, count, oldest, newest in self.env.cr.fetchall():
            step = Step.browse(step_id)
            schedule_step = step._schedule_step()
            # The send date grows with the due date: the oldest due date fell
            # due the longest ago.
            days = [
                (today - step_send_date(due, schedule_step, calendar)).days
                for due in (newest, oldest)
            ]
            result.append((step, reason, count, *days))
        return sorted(result, key=lambda r: (r[0].offset_days, r[1]))

    # ------------------------------------------------------------------
    # 2. Processing
    # ------------------------------------------------------------------
    @api.model
    def _lock_partners(self, partner_ids):
        """Lock ``partner_ids`` for this transaction; return those locked
        (customers a concurrent run is processing are passed over)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT partner_id FROM unnest(%(ids)s::int[]) AS partner_id
                    WHERE pg_try_advisory_xact_lock(%(ns)s, partner_id)
                    ORDER BY partner_id""",
                ids=list(partner_ids),
                ns=LOCK_NAMESPACE,
            )
        )
        return [partner for (partner,) in self.env.cr.fetchall()]

    @api.model
    def _process_pending(self, company, today, deadline, partner_ids):
        """Process the customers ``partner_ids`` (from :meth:`_select_due`)
        batch by batch until done or past ``deadline``: lock them, insert
        their pairs due today, process their pending rows, commit. Return
        (customers that had something processed, customers left)."""
        if not self._calendar(company).is_business_day(today):
            return 0, len(partner_ids)
        done = 0
        todo = list(partner_ids)
        while todo and (deadline is None or time.monotonic() < deadline):
            batch, todo = todo[:PARTNERS_PER_BATCH], todo[PARTNERS_PER_BATCH:]
            self._commit()  # a fresh snapshot for each batch
            try:
                with self.env.cr.savepoint():
                    locked = self._lock_partners(batch)
                    if not locked:
                        continue
                    self._insert_due(company, today, locked)
                    rows = self.env["dunning.history"].search(
                        [
                            ("company_id", "=", company.id),
                            ("state", "=", "pending"),
                            ("partner_id", "in", locked),
                        ]
                    )
                    # Locks the rows; raises if a concurrent run changed them.
                    self.env.cr.execute(
                        SQL(
                            "SELECT id FROM dunning_history WHERE id IN %s FOR UPDATE",
                            tuple(rows.ids) or (0,),
                        ),
                        log_exceptions=False,
                    )
                    self._process_rows(rows, company, today)
                    done += len(rows.partner_id)
            except SerializationFailure:
                # A concurrent run processed these customers first.
                _logger.info(
                    "Collection batch from customer %s ran elsewhere", batch[0]
                )
                self.env.invalidate_all()
                continue
            self._commit()
        return done, len(todo)

    @api.model
    def _process_rows(self, rows, company, today):
        """Skip what must be skipped, compute the amounts, group, send."""
        calendar = self._calendar(company)
        notices = self._prior_notice_dates(rows)
        rows |= self._add_missing_prior_notices(rows, notices, today)
        to_send = self.env["dunning.history"]
        skipped = defaultdict(lambda: self.env["dunning.history"])
        # Rows pending from before a promise to pay (retries) wait for it too.
        promised = self.env["dunning.promise"]._dunning_promised_lines(
            rows.move_line_id, today
        )
        for row in rows:
            if row.move_line_id in promised:
                skipped["paused"] |= row
                continue
            reason = self._skip_reason(row, company, today, notices)
            if reason:
                skipped[reason] |= row
            else:
                to_send |= row
        for reason, skipped_rows in skipped.items():
            skipped_rows.write({"state": "skipped", "skip_reason": reason})
        self._set_amounts(to_send, company, today, calendar)
        groups = defaultdict(lambda: self.env["dunning.history"])
        for row in to_send:
            key = (row.partner_id, row.channel, row.policy_id)
            if row.policy_id.grouping == "invoice":
                key += (row.move_id,)
            groups[key] |= row
        communications = self._prepare_communications(list(groups.values()), today)
        if communications:
            self._send(communications, today)

    @api.model
    def _prepare_communications(self, groups, today):
        """The messages, not sent yet, one per group of rows (one customer,
        one channel); the step of a message is the most advanced of its rows
        (it chooses the template). Created in one go for the whole batch."""
        if not groups:
            return self.env["dunning.communication"]
        rows = self.env["dunning.history"].concat(*groups)
        self.env.cr.execute(
            SQL(
                "UPDATE dunning_history SET attempt_count = attempt_count + 1"
                " WHERE id IN %s",
                tuple(rows.ids),
            )
        )
        rows.invalidate_recordset(["attempt_count"])
        # No "created" note nor follower: the message itself is the record.
        communications = (
            self.env["dunning.communication"]
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create(
                [
                    {
                        "company_id": group.company_id.id,
                        "partner_id": group.partner_id.id,
                        "policy_id": group.policy_id.id,
                        "step_id": group.step_id.sorted("offset_days")[-1].id,
                        "date": today,
                    }
                    for group in groups
                ]
            )
        )
        for communication, group in zip(communications, groups, strict=True):
            group.write({"communication_id": communication.id})
        return communications

    @api.model
    def _send(self, communications, today):
        """Send the messages channel by channel (a channel may work on the whole
        batch at once, e.g. one PDF rendering for all letters). A message that
        fails marks its rows failed and never stops the run."""
        self._prepare_batch(communications)
        failures = {}
        for channel in set(communications.mapped("channel")):
            batch = communications.filtered(lambda c, ch=channel: c.channel == ch)
            failures.update(getattr(batch, f"_dunning_send_{channel}")())
        now = fields.Datetime.now()
        sent = self.env["dunning.communication"]
        follow_ups = self.env["dunning.communication"]
        for communication in communications:
            rows = communication.history_ids
            error = failures.get(communication.id)
            if error:
                _logger.warning(
                    "Collection message to %s (step %s) failed: %s",
                    communication.partner_id.display_name,
                    communication.step_id.display_name,
                    error,
                )
                rows.write({"state": "failed", "failure_reason": error})
                continue
            step = communication.step_id
            if step.create_activity and step.channel != "activity":
                follow_ups |= communication
            if step.flag_negativation:
                communication.partner_id.write(
                    {
                        "dunning_negativation_flag": True,
                        "dunning_negativation_date": today,
                    }
                )
            rows.write(
                {
                    "state": "sent",
                    "sent_date": now,
                    "mail_message_id": communication.mail_message_id.id,
                    "failure_reason": False,
                }
            )
            sent |= communication
        follow_ups._dunning_schedule_activity()
        self._log_in_chatters(sent)
        # The installments flagged for listing or protest are queued for the
        # collection manager (dunning.negativation), with their evidence.
        flagged = sent.history_ids.filtered("step_id.flag_negativation").move_line_id
        if flagged:
            self.env["dunning.negativation"]._dunning_enqueue(
                sent.company_id[:1], today, flagged
            )

    @api.model
    def _prepare_batch(self, communications):
        """Before any message of the batch is rendered, let the addons prepare
        what the messages show (``dunning.communication._dunning_prepare_batch``,
        e.g. payment codes created at a PSP), in a savepoint of its own: what
        cannot be prepared now is shown later, the reminders go anyway."""
        try:
            with self.env.cr.savepoint():
                communications._dunning_prepare_batch()
        except Exception:
            _logger.exception(
                "Preparing %s collection messages failed; they are sent without it",
                len(communications),
            )

    @api.model
    def _skip_reason(self, row, company, today, notices):
        """Why ``row`` must not be sent today, or ``False``. ``notices`` is
        :meth:`_prior_notice_dates` of the batch."""
        line = row.move_line_id
        move = row.move_id
        partner = row.partner_id
        if line.reconciled or line.amount_residual <= 0:
            return "paid"
        if partner.dunning_excluded or move.dunning_excluded:
            return "excluded"
        if (partner.dunning_pause_until and partner.dunning_pause_until >= today) or (
            move.dunning_pause_until and move.dunning_pause_until >= today
        ):
            return "paused"
        if move.currency_id != company.currency_id:
            return "currency"
        if (
            company.currency_id.compare_amounts(
                line.amount_residual, row.step_id.min_amount
            )
            < 0
        ):
            return "below_minimum"
        if partner._dunning_opted_out(row.channel):
            return "opt_out"
        if row.channel == "email" and not partner.email:
            return "no_email"
        if row.step_id.flag_negativation:
            notice = notices.get(line.id)
            notice_days = row.policy_id.negativation_notice_days
            if not notice or (today - notice).days < notice_days:
                # Tried again on every run until the notice period is over.
                if row.policy_id._prior_notice_step(row.step_id):
                    return "awaiting_notice"
                return "no_prior_notice"
        return False

    @api.model
    def _add_missing_prior_notices(self, rows, notices, today):
        """A flag for listing may only follow a prior notice (CDC art. 43 §2):
        when a flag step is due for an installment that never got its notice
        (a first run catching up, a policy changed), the notice step is added
        as a pending row of this batch, to be sent now; the flag waits for
        the notice period. Return the rows added."""
        History = self.env["dunning.history"]
        flags = rows.filtered(
            lambda r: r.step_id.flag_negativation and r.move_line_id.id not in notices
        )
        wanted = {}
        for row in flags:
            step = row.policy_id._prior_notice_step(row.step_id)
            if step:
                wanted[row.move_line_id.id, step.id] = (row, step)
        if not wanted:
            return History
        existing = History.search_read(
            [("move_line_id", "in", [line for line, _step in wanted])],
            ["move_line_id", "step_id"],
        )
        for values in existing:
            wanted.pop((values["move_line_id"][0], values["step_id"][0]), None)
        return History.create(
            [
                {
                    "company_id": row.company_id.id,
                    "policy_id": row.policy_id.id,
                    "step_id": step.id,
                    "move_line_id": row.move_line_id.id,
                    "move_id": row.move_id.id,
                    "partner_id": row.partner_id.id,
                    "channel": step.channel,
                    "state": "pending",
                    "run_date": today,
                }
                for row, step in wanted.values()
            ]
        )

    @api.model
    def _prior_notice_dates(self, rows):
        """``{installment id: date of its first prior notice of listing sent}``
        for the rows of steps that flag for listing (one query per batch)."""
        lines = rows.filtered("step_id.flag_negativation").move_line_id
        if not lines:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT h.move_line_id, min(h.sent_date)
                  FROM dunning_history h
                  JOIN dunning_policy_step s ON s.id = h.step_id
                 WHERE h.move_line_id IN %s
                   AND h.state = 'sent'
                   AND s.tone = 'negativation'
                 GROUP BY h.move_line_id
                """,
                tuple(lines.ids),
            )
        )
        return {
            line_id: fields.Date.to_date(sent)
            for line_id, sent in self.env.cr.fetchall()
        }

    @api.model
    def _late_charges(self, line, policy, today, calendar=None):
        """Open amount, fine and interest of the installment ``line`` as of
        ``today`` under ``policy`` (``cobranca.charges.LateCharges``)."""
        return compute_late_charges(
            Decimal(str(line.amount_residual)).quantize(Decimal("0.01")),
            line.date_maturity,
            today,
            policy._late_charge_policy(),
            consumer=line.move_id.commercial_partner_id._dunning_is_consumer(),
            calendar=calendar or self._calendar(line.company_id),
        )

    @api.model
    def _set_amounts(self, rows, company, today, calendar):
        """Open amount, fine and interest as of today, by ``cobranca.charges``.

        Stored with one UPDATE for the whole batch (every row has different
        amounts: one ORM write each would cost a query each); nothing in the
        ORM depends on these columns before the rows get their message."""
        if not rows:
            return
        values = []
        for row in rows:
            charges = self._late_charges(
                row.move_line_id, row.policy_id, today, calendar
            )
            values.append(
                SQL(
                    "(%s, %s::numeric, %s::numeric, %s::numeric, %s::numeric,"
                    " %s::int, %s::numeric, %s::bool)",
                    row.id,
                    charges.principal,
                    charges.fine,
                    charges.interest,
                    charges.total,
                    charges.days_late,
                    charges.fine_pct_applied,
                    charges.capped,
                )
            )
        rows.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE dunning_history h
                   SET currency_id = %(currency)s,
                       amount_residual = v.principal,
                       fine_amount = v.fine,
                       interest_amount = v.interest,
                       total_amount = v.total,
                       days_late = v.days_late,
                       fine_percent_applied = v.fine_pct,
                       fine_capped = v.capped,
                       write_uid = %(uid)s,
                       write_date = NOW() AT TIME ZONE 'UTC'
                  FROM (VALUES %(values)s) AS v(id, principal, fine, interest,
                                               total, days_late, fine_pct, capped)
                 WHERE h.id = v.id
                """,
                currency=company.currency_id.id,
                uid=self.env.uid,
                values=SQL(", ").join(values),
            )
        )
        rows.invalidate_recordset(
            [
                "currency_id",
                "amount_residual",
                "fine_amount",
                "interest_amount",
                "total_amount",
                "days_late",
                "fine_percent_applied",
                "fine_capped",
                "write_uid",
                "write_date",
            ]
        )

    @api.model
    def _log_in_chatters(self, communications):
        """Keep the reminders in the chatters of their invoices (of their
        agreements, for agreement installments) and customers: one note per
        record, naming every message of the batch about it, logged in one
        batch per model."""
        links = defaultdict(list)
        for communication in communications:
            link = communication._get_html_link(title=communication.name)
            items = communication.history_ids.move_line_id
            of_agreements = items.filtered("dunning_agreement_id")
            for record in (
                *(items - of_agreements).move_id,
                *of_agreements.dunning_agreement_id,
                communication.partner_id,
            ):
                links[record._name, record.id].append(link)
        template = Markup(self.env._("Collection reminder sent: %(link)s"))
        bodies = defaultdict(dict)
        for (model, record_id), record_links in links.items():
            bodies[model][record_id] = template % {
                "link": Markup(", ").join(record_links)
            }
        # Written as the company's collector, the messages' author, not as
        # whoever runs the job (OdooBot for the scheduled action).
        author = communications.company_id[:1].sudo().dunning_collector_id.partner_id
        for model, by_id in bodies.items():
            self.env[model].browse(by_id)._message_log_batch(
                bodies=by_id, author_id=author.id or None
            )
