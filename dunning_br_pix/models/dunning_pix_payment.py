# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
from decimal import Decimal

import psycopg2
from cobranca.settlement import pix_components

from odoo import api, fields, models
from odoo.tools import mute_logger

from .dunning_settlement import to_decimal

_logger = logging.getLogger(__name__)


class DunningPixPayment(models.Model):
    """A Pix received: as confirmed by the PSP, booked once per end-to-end id
    whether it came through the webhook or the polling; or, for a static BR
    Code, as found on a bank statement line, booked once per line."""

    _name = "dunning.pix.payment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Pix Received"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "e2eid"

    e2eid = fields.Char(string="End-to-End ID", readonly=True)
    txid = fields.Char(readonly=True, index=True)
    provider_id = fields.Many2one(
        "payment.provider", required=True, readonly=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    charge_id = fields.Many2one(
        "dunning.pix.charge", readonly=True, check_company=True, index="btree_not_null"
    )
    statement_line_id = fields.Many2one(
        "account.bank.statement.line",
        string="Bank Statement Line",
        readonly=True,
        check_company=True,
        index="btree_not_null",
        help="Static BR Code: the line of the bank statement the Pix was matched from.",
    )
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Installment",
        readonly=True,
        check_company=True,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        compute="_compute_move_id",
        store=True,
    )
    transaction_id = fields.Many2one("payment.transaction", readonly=True)
    payment_id = fields.Many2one("account.payment", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(readonly=True)
    date = fields.Datetime(readonly=True)
    payer_info = fields.Char(string="Message from the Payer", readonly=True)
    data = fields.Text(string="Data from the PSP", readonly=True)
    state = fields.Selection(
        [
            ("booked", "Booked"),
            ("to_review", "To Review"),
            ("reviewed", "Reviewed"),
        ],
        default="booked",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        help="To Review: money received that Odoo could not book (a txid that "
        "matches nothing, a second payment of a charge already paid): a "
        "person decides (refund it, or book it by hand), then marks it "
        "reviewed.",
    )
    review_reason = fields.Text(readonly=True)
    note = fields.Text(
        string="Settlement Note",
        readonly=True,
        help="Why the Pix did not settle its installment exactly (an amount "
        "below or above the amount due).",
    )

    _sql_constraints = [
        (
            "e2eid_uniq",
            "unique(e2eid)",
            "A Pix (end-to-end id) is booked only once.",
        ),
        (
            "statement_line_uniq",
            "unique(statement_line_id)",
            "A bank statement line is matched with one Pix only.",
        ),
    ]

    @api.depends("charge_id.move_id", "move_line_id.move_id")
    def _compute_move_id(self):
        for received in self:
            received.move_id = (
                received.charge_id.move_id or received.move_line_id.move_id
            )

    @api.depends("e2eid", "statement_line_id")
    def _compute_display_name(self):
        for received in self:
            received.display_name = (
                received.e2eid
                or received.txid
                or received.statement_line_id.display_name
                or str(received.id)
            )

    def action_dunning_pix_mark_reviewed(self):
        """A person decided what to do with the Pix to review."""
        to_review = self.filtered(lambda received: received.state == "to_review")
        to_review.write({"state": "reviewed"})
        to_review.activity_feedback(
            ["mail.mail_activity_data_todo"],
            feedback=self.env._("Reviewed by %(user)s.", user=self.env.user.name),
        )

    @api.model
    def _dunning_pix_book(self, provider, charge, pix, review_reason=None):
        """Record the Pix ``pix``; None if it is already recorded (by this or a
        concurrent transaction: the unique index serializes them). With
        ``review_reason``, it is recorded to review: not booked, the
        collector gets an activity."""
        horario = fields.Datetime.to_datetime(pix["horario"][:19].replace("T", " "))
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                record = self.sudo().create(
                    {
                        "state": "to_review" if review_reason else "booked",
                        "review_reason": review_reason,
                        "e2eid": pix["endToEndId"],
                        "txid": pix.get("txid"),
                        "provider_id": provider.id,
                        "company_id": provider.company_id.id,
                        "charge_id": charge.id,
                        "move_line_id": charge.move_line_id.id,
                        "amount": float(Decimal(pix["valor"])),
                        "date": horario,
                        "payer_info": pix.get("infoPagador"),
                        "data": json.dumps(pix, indent=1, sort_keys=True),
                    }
                )
                record.flush_recordset()
        except psycopg2.IntegrityError:
            _logger.info("Pix %s already booked", pix["endToEndId"])
            return None
        if review_reason:
            record._dunning_pix_ask_review()
        return record

    def _dunning_pix_ask_review(self):
        """An activity for the collector of a Pix to review."""
        settlement = self.env["dunning.settlement"]
        for received in self:
            # Recorded, with an activity: a business event, not a fault.
            _logger.info(
                "Pix %s to review: %s", received.display_name, received.review_reason
            )
            move = received.move_id
            collector = settlement._dunning_collector(
                received.company_id, move.partner_id, move
            )
            settlement._dunning_schedule_review(
                received,
                self.env._("Pix received to review"),
                received.review_reason,
                collector,
            )

    def _dunning_pix_components(self, installments):
        """``(components, note)``: the keyword arguments of
        ``cobranca.settlement.explain_payment`` the PSP reported in the Pix's
        ``componentesValor`` (empty when it reported none, or none that can
        be trusted: ``note`` then says why).

        The original amount of a charge made for an installment already
        overdue includes the fine and interest the régua computed that day
        (``dunning.pix.charge._dunning_pix_body``): while the installment's
        open amount is still the one the charge was made for, that part is
        explained as interest too."""
        if not self or not self.data:
            return {}, None
        pix = json.loads(self.data)
        try:
            components = pix_components(pix.get("componentesValor"), pix.get("valor"))
        except ValueError as error:
            return {}, self.env._(
                "The amounts the PSP reported for the Pix were not used: %(error)s",
                error=error,
            )
        if components.cash_out:
            return {}, self.env._(
                "The Pix includes cash handed to the payer (Pix Saque or Troco): "
                "the amounts the PSP reported were not used."
            )
        kwargs = components.as_kwargs()
        charge = self.charge_id
        if charge and components.original is not None and installments:
            open_amount = self.env["dunning.settlement"]._dunning_installments_open(
                installments
            )
            rebased = components.original - open_amount
            inputs = charge._dunning_pix_inputs(charge.provider_id, charge.move_line_id)
            if rebased > 0 and charge.body_digest == charge._digest(inputs):
                kwargs["interest"] += rebased
            elif components.original != to_decimal(charge.amount):
                return {}, self.env._(
                    "The Pix paid a charge of %(original)s, not the charge's "
                    "%(amount)s: the amounts the PSP reported were not used.",
                    original=components.original,
                    amount=to_decimal(charge.amount),
                )
        return kwargs, None
