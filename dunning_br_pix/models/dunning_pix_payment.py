# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
from decimal import Decimal

import psycopg2

from odoo import api, fields, models
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)


class DunningPixPayment(models.Model):
    """A Pix received: as confirmed by the PSP, booked once per end-to-end id
    whether it came through the webhook or the polling; or, for a static BR
    Code, as found on a bank statement line, booked once per line."""

    _name = "dunning.pix.payment"
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

    @api.model
    def _dunning_pix_book(self, provider, charge, pix):
        """Record the Pix ``pix``; None if it is already recorded (by this or a
        concurrent transaction: the unique index serializes them)."""
        horario = fields.Datetime.to_datetime(pix["horario"][:19].replace("T", " "))
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                record = self.sudo().create(
                    {
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
        return record
