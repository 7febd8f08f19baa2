# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A boleto issued for one installment (receivable line)."""

from decimal import Decimal

from cobranca import boleto as boleto_lib
from cobranca import cnab240

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .dunning_settlement import to_decimal


class DunningBoleto(models.Model):
    _name = "dunning.boleto"
    _description = "Boleto"
    _inherit = ["mail.thread"]
    _check_company_auto = True
    _order = "due_date desc, id desc"
    _rec_name = "nosso_numero"

    account_id = fields.Many2one(
        "dunning.boleto.account",
        string="Boleto Agreement",
        required=True,
        ondelete="restrict",
        check_company=True,
        index=True,
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    bank_code = fields.Selection(related="account_id.bank_code")
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Installment",
        required=True,
        ondelete="restrict",
        index=True,
    )
    move_id = fields.Many2one(
        related="move_line_id.move_id", string="Invoice", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Payer", required=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(required=True, currency_field="currency_id")
    issue_date = fields.Date(required=True, default=fields.Date.context_today)
    due_date = fields.Date(required=True)
    sequence_number = fields.Char(
        string="Sequential Number",
        required=True,
        copy=False,
        help="The nosso número's sequential part, without check digit.",
    )
    nosso_numero = fields.Char(
        string="Nosso Número", required=True, copy=False, index=True
    )
    barcode = fields.Char(required=True, copy=False)
    linha_digitavel = fields.Char(string="Linha Digitável", required=True, copy=False)
    state = fields.Selection(
        [
            ("draft", "To register"),
            ("sent", "Sent to the bank"),
            ("registered", "Registered"),
            ("rejected", "Rejected"),
            ("paid", "Paid"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    reject_reason = fields.Char(string="Rejection Reason", copy=False)
    pix_charge_id = fields.Many2one(
        "dunning.pix.charge",
        copy=False,
        help="The installment's Pix charge whose QR code is printed on the "
        "slip (bolepix).",
    )
    paid_date = fields.Date(copy=False)
    paid_amount = fields.Monetary(currency_field="currency_id", copy=False)

    _sql_constraints = [
        (
            "sequence_uniq",
            "unique(account_id, sequence_number)",
            "A nosso número is used only once per boleto agreement.",
        )
    ]

    # Registration and settlement
    remessa_line_ids = fields.One2many(
        "dunning.boleto.remessa.line", "boleto_id", string="Remittance Lines"
    )
    retorno_line_ids = fields.One2many(
        "dunning.boleto.retorno.line", "boleto_id", string="Bank Return Lines"
    )
    payment_id = fields.Many2one(
        "account.payment",
        copy=False,
        readonly=True,
        help="The payment that settled the boleto (booked from the bank's "
        "return file, or the Pix of its QR code).",
    )

    def _dunning_cnab_nosso_numero(self):
        """The nosso número as the CNAB file carries it (no dash)."""
        self.ensure_one()
        return "".join(ch for ch in self.nosso_numero if ch.isalnum())

    def _dunning_cnab_payer(self):
        """The payer of segment Q: the commercial partner, its CPF/CNPJ and
        address.

        :raises UserError: for a payer without a CPF/CNPJ or a bad CEP."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        doc = "".join(ch for ch in partner.vat or "" if ch.isdigit())
        if len(doc) not in (11, 14):
            raise UserError(
                self.env._(
                    "The payer %(partner)s has no CPF/CNPJ: the bank does not "
                    "register a boleto without it.",
                    partner=partner.display_name,
                )
            )
        try:
            return cnab240.Payer(
                doc=doc,
                name=partner.name or "",
                street=", ".join(
                    part for part in (partner.street, partner.street2) if part
                ),
                district="",
                zip="".join(ch for ch in partner.zip or "" if ch.isdigit()) or "0",
                city=partner.city or "",
                state=partner.state_id.code or "",
            )
        except cnab240.CnabError as error:
            raise UserError(
                self.env._(
                    "The address of the payer %(partner)s cannot be sent to the "
                    "bank: %(error)s",
                    partner=partner.display_name,
                    error=error,
                )
            ) from error

    def _dunning_cnab_title(self, line):
        """The :class:`cobranca.cnab240.Title` of the remittance line
        ``line`` of this boleto: fine, interest and protest from the
        installment's dunning policy.

        :raises UserError: for a payer without CPF/CNPJ.
        :raises cobranca.cnab240.CnabError: for a value the layout refuses."""
        self.ensure_one()
        due = line.new_due_date or self.due_date
        amount = to_decimal(self.amount)
        partner = self.partner_id.commercial_partner_id
        policy = self.move_line_id.move_id._dunning_policy()
        terms = {}
        if policy:
            terms.update(
                cnab240.late_charge_terms(
                    amount,
                    due,
                    policy._late_charge_policy(),
                    consumer=partner._dunning_is_consumer(),
                )
            )
            terms.update(cnab240.protest_terms(policy.boleto_protest_days))
        if line.movement == "09":
            terms.update(cnab240.protest_terms(line.protest_days))
        document = self.move_id.name or ""
        return cnab240.Title(
            nosso_numero=self._dunning_cnab_nosso_numero(),
            document_number=document[-15:],
            due=due,
            amount=amount,
            issue_date=self.issue_date,
            payer=self._dunning_cnab_payer(),
            movement=line.movement,
            company_reference=str(self.id),
            **terms,
        )

    def _dunning_remessa_sent(self, line):
        """The remittance line ``line`` of this boleto was written in a file."""
        self.ensure_one()
        if line.movement == "01" and self.state == "draft":
            self.state = "sent"
        elif line.movement == "06":
            boleto = boleto_lib.make_boleto(
                self.bank_code,
                self.account_id._dunning_agreement(),
                self.sequence_number,
                line.new_due_date,
                to_decimal(self.amount),
            )
            self.write(
                {
                    "due_date": line.new_due_date,
                    "barcode": boleto.barcode,
                    "linha_digitavel": boleto.linha,
                }
            )

    def _dunning_queue_instruction(self, movement, new_due_date=False, days=0):
        """Queue an instruction for the next remittance file of each boleto.

        :raises UserError: for a boleto the bank has not registered."""
        labels = dict(
            self.env["dunning.boleto.remessa.line"]
            ._fields["movement"]
            ._description_selection(self.env)
        )
        for boleto in self:
            if boleto.state not in ("sent", "registered"):
                raise UserError(
                    self.env._(
                        "The boleto %(boleto)s is not registered at the bank: "
                        "no instruction can be sent for it.",
                        boleto=boleto.display_name,
                    )
                )
            line = self.env["dunning.boleto.remessa.line"].create(
                {
                    "boleto_id": boleto.id,
                    "movement": movement,
                    "new_due_date": new_due_date,
                    "protest_days": days,
                }
            )
            try:
                boleto._dunning_cnab_title(line)
            except cnab240.CnabError as error:
                raise UserError(
                    self.env._(
                        "The instruction cannot be sent for %(boleto)s: %(error)s",
                        boleto=boleto.display_name,
                        error=error,
                    )
                ) from error
            boleto.message_post(
                body=self.env._(
                    "Instruction queued for the next remittance file: %(movement)s.",
                    movement=labels[movement],
                )
            )

    def action_dunning_request_writeoff(self):
        """Button *Request Write-off*: the bank is asked to cancel the boleto
        (baixa) in the next remittance file; a boleto never sent is cancelled
        at once."""
        never_sent = self.filtered(lambda boleto: boleto.state in ("draft", "rejected"))
        never_sent.write({"state": "cancelled"})
        (self - never_sent)._dunning_queue_instruction("02")

    def _dunning_instruction_wizard(self, instruction):
        return {
            "type": "ir.actions.act_window",
            "res_model": "dunning.boleto.instruction.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": self._name,
                "active_ids": self.ids,
                "default_instruction": instruction,
            },
        }

    def action_dunning_change_due_date(self):
        return self._dunning_instruction_wizard("06")

    def action_dunning_protest(self):
        return self._dunning_instruction_wizard("09")

    def _dunning_find_by_cnab(self, account, nosso_numero):
        """The boleto of ``account`` whose nosso número the bank's file
        carries (leading zeros, the dash and dots do not count)."""
        wanted = nosso_numero.lstrip("0")
        self.flush_model(["account_id", "nosso_numero"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM dunning_boleto
                 WHERE account_id = %(account)s
                   AND ltrim(regexp_replace(nosso_numero, '[^0-9A-Za-z]', '', 'g'),
                             '0') = %(wanted)s
                 ORDER BY id
                 LIMIT 1
                """,
                account=account.id,
                wanted=wanted,
            )
        )
        return self.browse([row[0] for row in rows])

    def _dunning_pix_settlement(self, paid):
        """The Pix received that already paid this boleto's installment with
        ``paid`` (bolepix: the QR code of its charge, or the installment
        reconciled by a Pix of the same amount), or an empty recordset."""
        self.ensure_one()
        received = (
            self.env["dunning.pix.payment"]
            .sudo()
            .search(
                [
                    ("state", "=", "booked"),
                    ("payment_id", "!=", False),
                    ("move_line_id", "=", self.move_line_id.id),
                ],
                order="id",
            )
        )
        return received.filtered(
            lambda pix: (
                to_decimal(pix.amount) == paid
                and (
                    (self.pix_charge_id and pix.charge_id == self.pix_charge_id)
                    or self.move_line_id.reconciled
                )
            )
        )[:1]

    @api.model
    def _dunning_boleto_pix_already_settled(self, provider, charge, pix):
        """Bolepix, the Pix arriving after the bank's return file: when the
        boleto of ``charge``'s installment was already liquidated by the same
        money (its paid amount), the Pix is recorded with the boleto's
        payment and nothing is booked again. Returns that
        ``dunning.pix.payment``, or an empty recordset when the Pix must be
        booked as usual."""
        received = self.env["dunning.pix.payment"].sudo()
        amount = Decimal(str(pix.get("valor") or 0)).quantize(Decimal("0.01"))
        boleto = (
            self.sudo()
            .search(
                [
                    ("state", "=", "paid"),
                    ("payment_id", "!=", False),
                    "|",
                    ("pix_charge_id", "=", charge.id),
                    ("move_line_id", "=", charge.move_line_id.id),
                ]
            )
            .filtered(
                lambda boleto: (
                    to_decimal(boleto.paid_amount) == amount
                    and (
                        boleto.pix_charge_id == charge or boleto.move_line_id.reconciled
                    )
                    and not received.search_count(
                        [("payment_id", "=", boleto.payment_id.id)]
                    )
                )
            )[:1]
        )
        if not boleto:
            return received
        booked = received._dunning_pix_book(provider, charge, pix)
        if not booked:
            return received.search([("e2eid", "=", pix.get("endToEndId"))])
        texts = self.env["dunning.engine"]._in_company_lang(boleto.company_id).env
        note = texts._(
            "Already settled by the bank's return of the boleto %(boleto)s: "
            "not booked again.",
            boleto=boleto.nosso_numero,
        )
        booked.write({"payment_id": boleto.payment_id.id, "note": note})
        charge._dunning_pix_mark_paid(booked)
        boleto.message_post(body=note)
        return booked
