# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Static Pix: the Pix received are matched from the bank statement.

The matching rule (documented in the addon's README, *Usage*):

1. Candidates: unreconciled, posted statement lines of money received, in
   company currency, of a company whose Pix provider is in static mode, whose
   label (``payment_ref``) or notes contain a run of at least 25 letters and
   digits (a static txid is 25 base32 characters: Brazilian banks export Pix
   received as the txid or "Pix recebido ... <txid>").
2. The txid: every 25-character window of those runs, upper-cased, is looked
   up among the txids Odoo issued: the transactions of the provider (portal
   "pay now") first, then the installments (``static_txid(database uuid,
   installment id)``, as printed in the reminders) that are still open.
3. The amount: what the statement line says was received, settled against
   the open amount of the installment (for a transaction, the amount its BR
   Code asked, at most the open amount of its invoices) by the one
   settlement rule (``dunning.settlement``): equal, the installment is paid;
   below, it is partially paid and the rest stays open; above, the excess
   stays the customer's outstanding credit. Only the provider's rounding
   tolerance is written off; a difference schedules an activity for the
   collector.
4. The booking: the suspense item of the line's entry becomes the receivable
   of the customer, reconciled with the installment, as account's own tests
   reconcile a statement line without the enterprise reconciliation widget.
   A ``dunning.pix.payment`` records it (one per statement line and per
   end-to-end id when the label carries one: unique indexes) and the dunning
   history says "paid via Pix" once the installment is paid. A reconciled
   line is no candidate any more, so running the matching again matches
   nothing twice. A line whose end-to-end id was already booked (by the API
   Pix) is left for a person, the reason written on the line.
"""

import logging
import re

import psycopg2
from cobranca.pix import static_txid

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, html2plaintext, mute_logger

from .. import const

_logger = logging.getLogger(__name__)

_RUNS = re.compile(rf"[0-9A-Za-z]{{{const.STATIC_TXID_LENGTH},}}")
#: An end-to-end id of the SPI (E + ISPB + yyyyMMddHHmm + 11 characters).
_E2EID = re.compile(r"(?<![0-9A-Za-z])E[0-9]{8}[0-9]{12}[0-9A-Za-z]{11}(?![0-9A-Za-z])")


def _e2eid_in(*texts):
    for text in texts:
        found = _E2EID.search(text or "")
        if found:
            return found.group(0)
    return None


def _txid_windows(*texts):
    """Every 25-character window of the alphanumeric runs of ``texts``."""
    windows = set()
    size = const.STATIC_TXID_LENGTH
    for text in texts:
        for run in _RUNS.findall(text or ""):
            run = run.upper()
            windows.update(run[i : i + size] for i in range(len(run) - size + 1))
    return windows


class AccountBankStatementLine(models.Model):
    _inherit = "account.bank.statement.line"

    dunning_pix_match_note = fields.Char(
        string="Pix Matching",
        readonly=True,
        copy=False,
        help="Why the Pix of this line was not matched automatically, or which "
        "txid it was matched with.",
    )
    dunning_pix_payment_ids = fields.One2many(
        "dunning.pix.payment", "statement_line_id", string="Pix Received"
    )

    def action_dunning_pix_match(self):
        """Button *Match Pix Payments*: the selected lines (or, with none
        selected, every candidate line of the user's companies)."""
        # Statement lines are written by the technical group "Basic" only in
        # Community: the rule runs as superuser for the accounting managers,
        # on the lines they can read in the companies they work in.
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                self.env._("Only accounting managers may match Pix payments.")
            )
        lines = self or self.search(
            [
                ("company_id", "in", self.env.companies.ids),
                ("is_reconciled", "=", False),
            ]
        )
        lines.check_access("read")
        lines = lines.filtered(lambda line: line.company_id in self.env.companies)
        matched = lines.sudo()._dunning_pix_match()
        review = lines.filtered(
            lambda line: not line.is_reconciled and line.dunning_pix_match_note
        )
        message = self.env._(
            "%(matched)s Pix matched, %(review)s left for review.",
            matched=len(matched),
            review=len(review),
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if not review else "warning",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _cron_dunning_pix_match(self):
        """Scheduled action: match the Pix of every company in static mode."""
        self.sudo().search([("is_reconciled", "=", False)])._dunning_pix_match()

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    def _dunning_pix_candidates(self):
        """The lines of ``self`` the rule applies to (step 1), by id."""
        providers = self.env["payment.provider"]._dunning_pix_active(
            "static", self.company_id
        )
        if not self or not providers:
            return self.browse()
        pattern = f"[0-9A-Za-z]{{{const.STATIC_TXID_LENGTH}}}"
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.id
                  FROM account_bank_statement_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN res_company company ON company.id = line.company_id
                 WHERE line.id IN %(ids)s
                   AND line.company_id IN %(companies)s
                   AND NOT COALESCE(line.is_reconciled, FALSE)
                   AND line.amount > 0
                   AND line.foreign_currency_id IS NULL
                   AND move.state = 'posted'
                   AND move.currency_id = company.currency_id
                   AND (line.payment_ref ~ %(pattern)s
                        OR move.narration::text ~ %(pattern)s)
                 ORDER BY line.id
                """,
                ids=tuple(self.ids),
                companies=tuple(providers.company_id.ids),
                pattern=pattern,
            )
        )
        return self.browse([row[0] for row in rows])

    def _dunning_pix_match(self):
        """Apply the matching rule of this module's docstring to ``self``, by
        batches; each line in its own savepoint. Returns the lines matched."""
        candidates = self._dunning_pix_candidates()
        matched = self.browse()
        index = _InstallmentIndex(self.env)
        for start in range(0, len(candidates), const.STATEMENT_MATCH_BATCH):
            batch = candidates[start : start + const.STATEMENT_MATCH_BATCH]
            for line in batch:
                try:
                    with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                        if line._dunning_pix_match_one(index):
                            matched |= line
                except (psycopg2.IntegrityError, UserError, ValidationError) as error:
                    _logger.error("Statement line %s not matched: %s", line.id, error)
            self.env.flush_all()
            _logger.info(
                "Pix matching: %s of %s statement lines read, %s matched",
                min(start + const.STATEMENT_MATCH_BATCH, len(candidates)),
                len(candidates),
                len(matched),
            )
        return matched

    def _dunning_pix_match_one(self, index):
        self.ensure_one()
        provider = self.env["payment.provider"]._dunning_pix_for_company(
            self.company_id
        )
        if provider.dunning_pix_mode != "static":
            return False
        windows = _txid_windows(self.payment_ref, html2plaintext(self.narration or ""))
        target = self._dunning_pix_find_target(provider, windows, index)
        if not target:
            # A second Pix of a txid already paid is recorded to review; a
            # line without a txid of ours is left alone.
            return self._dunning_pix_second_payment(provider, windows)
        txid, lines, expected, tx = target
        narration = html2plaintext(self.narration or "")
        e2eid = _e2eid_in(self.payment_ref, narration)
        received_model = self.env["dunning.pix.payment"].sudo()
        if e2eid and received_model.search_count([("e2eid", "=", e2eid)]):
            return self._dunning_pix_leave(
                self.env._(
                    "Pix %(e2eid)s was already booked: not matched again. "
                    "Reconcile this line with its payment by hand.",
                    e2eid=e2eid,
                )
            )
        settlement_model = self.env["dunning.settlement"]
        settlement = settlement_model._dunning_explain(
            lines,
            self.amount,
            expected=expected,
            income_account=provider.dunning_pix_income_account_id,
            discount_account=provider.dunning_pix_discount_account_id,
            tolerance=provider.dunning_pix_tolerance,
        )
        partner = lines.partner_id.commercial_partner_id[:1]
        extra_vals = settlement_model._dunning_settlement_lines(
            settlement,
            partner,
            self.company_id.currency_id,
            provider.dunning_pix_income_account_id,
            provider.dunning_pix_discount_account_id,
        )
        self._dunning_pix_reconcile(lines, float(settlement.receivable), extra_vals)
        reason = settlement_model._dunning_settlement_followup(
            settlement,
            lines,
            self.env["dunning.engine"]
            ._in_company_lang(self.company_id)
            .env._("Pix %(txid)s on the bank statement", txid=txid),
        )
        received = received_model.create(
            {
                "e2eid": e2eid or False,
                "txid": txid,
                "provider_id": provider.id,
                "company_id": self.company_id.id,
                "statement_line_id": self.id,
                "move_line_id": lines[:1].id,
                "transaction_id": tx.id,
                "amount": self.amount,
                "date": fields.Datetime.to_datetime(self.date),
                "payer_info": self.payment_ref,
                "note": reason,
            }
        )
        received.flush_recordset()
        paid_lines = lines.filtered("reconciled")
        if paid_lines:
            self.env["dunning.history"]._dunning_pix_mark_paid(paid_lines, received)
        if tx:
            tx._dunning_pix_statement_matched(self)
        note = self.env._("Matched with Pix %(txid)s.", txid=txid)
        self.dunning_pix_match_note = f"{note} {reason}" if reason else note
        return True

    def _dunning_pix_find_target(self, provider, windows, index):
        """``(txid, installments, expected amount, transaction)`` of the first
        txid of ours in ``windows`` (step 2), or None."""
        if not windows:
            return None
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .search(
                [
                    ("provider_id", "=", provider.id),
                    ("dunning_pix_txid", "in", sorted(windows)),
                    ("operation", "!=", "refund"),
                    ("state", "in", ("draft", "pending")),
                ],
                limit=1,
            )
        )
        if tx:
            lines = tx.dunning_pix_move_line_id or tx.invoice_ids.line_ids
            lines = lines.filtered(
                lambda aml: (
                    aml.account_id.account_type == "asset_receivable"
                    and not aml.reconciled
                    and aml.company_id == self.company_id
                )
            ).sorted(lambda aml: (aml.date_maturity or aml.date, aml.id))
            open_amount = sum(lines.mapped("amount_residual"))
            if not lines or open_amount <= 0:
                return None
            return tx.dunning_pix_txid, lines, min(tx.amount, open_amount), tx
        installments = index.of_company(self.company_id)
        for txid in sorted(windows & installments.keys()):
            line = self.env["account.move.line"].browse(installments[txid])
            if not line.reconciled and line.amount_residual > 0:
                return txid, line, line.amount_residual, tx
        return None

    def _dunning_pix_reconcile(self, installments, receivable, extra_vals):
        """Turn the suspense item of the line's entry into the customer's
        receivable (plus ``extra_vals``: fine, interest, discount, rounding)
        and reconcile it with ``installments``; what it does not settle stays
        the customer's outstanding credit."""
        partner = installments.partner_id.commercial_partner_id[:1]
        if self.partner_id != partner:
            self.partner_id = partner  # the entry is rebuilt with its partner
        _liquidity, suspense, _other = self._seek_for_lines()
        account = installments[:1].account_id
        commands = [
            Command.update(
                suspense.id,
                {
                    "account_id": account.id,
                    "partner_id": partner.id,
                    "amount_currency": -receivable,
                    "balance": -receivable,
                },
            )
        ]
        commands += [Command.create(vals) for vals in extra_vals]
        self.move_id.with_context(skip_readonly_check=True).write(
            {"line_ids": commands}
        )
        self.env["dunning.settlement"]._dunning_settle_reconcile(suspense, installments)

    def _dunning_pix_second_payment(self, provider, windows):
        """Record the line to review when one of its txids was already paid
        by another Pix (a ``dunning.pix.payment`` booked); never matched."""
        if not windows or self.dunning_pix_payment_ids:
            return False
        received_model = self.env["dunning.pix.payment"].sudo()
        previous = received_model.search(
            [
                ("provider_id", "=", provider.id),
                ("txid", "in", sorted(windows)),
                ("state", "=", "booked"),
            ],
            limit=1,
        )
        if not previous:
            return False
        texts = self.env["dunning.engine"]._in_company_lang(self.company_id).env
        reason = texts._(
            "Pix %(txid)s of %(amount)s on the bank statement is a second payment "
            "of an installment already paid: refund it or book it by hand.",
            txid=previous.txid,
            amount=self.company_id.currency_id.with_env(texts).format(self.amount),
        )
        received = received_model.create(
            {
                "state": "to_review",
                "review_reason": reason,
                "txid": previous.txid,
                "provider_id": provider.id,
                "company_id": self.company_id.id,
                "statement_line_id": self.id,
                "move_line_id": previous.move_line_id.id,
                "amount": self.amount,
                "date": fields.Datetime.to_datetime(self.date),
                "payer_info": self.payment_ref,
            }
        )
        received._dunning_pix_ask_review()
        return self._dunning_pix_leave(reason)

    def _dunning_pix_leave(self, note):
        """Leave the line for a person, saying why (once per reason)."""
        if self.dunning_pix_match_note != note:
            self.dunning_pix_match_note = note
            self.move_id.message_post(body=note)
            _logger.info("Statement line %s: %s", self.id, note)
        return False


class _InstallmentIndex:
    """The static txids of the open installments, per company, computed once
    per matching run (the txid derives from the database uuid and the
    installment id, so nothing needs to be stored)."""

    def __init__(self, env):
        self.env = env
        self.uuid = env["ir.config_parameter"].sudo().get_param("database.uuid")
        self.by_company = {}

    def of_company(self, company):
        if company.id not in self.by_company:
            lines = (
                self.env["account.move.line"]
                .sudo()
                .search_fetch(
                    [
                        ("company_id", "=", company.id),
                        ("account_id.account_type", "=", "asset_receivable"),
                        ("parent_state", "=", "posted"),
                        ("reconciled", "=", False),
                        ("amount_residual", ">", 0),
                    ],
                    ["id"],
                )
            )
            self.by_company[company.id] = {
                static_txid(self.uuid, line_id): line_id for line_id in lines.ids
            }
        return self.by_company[company.id]
