# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A boleto issued for one installment (receivable line)."""

import base64
from decimal import Decimal

from cobranca import boleto as boleto_lib
from cobranca import cnab240
from cobranca.charges import format_pct, round_cents
from reportlab.graphics.barcode import createBarcodeDrawing

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, consteq, format_amount
from odoo.tools.misc import hmac

from .dunning_settlement import to_decimal

#: The states of a boleto that can still be paid: one per installment and
#: agreement.
CURRENT_STATES = ("draft", "sent", "registered")


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
    linha_digitavel_formatted = fields.Char(
        string="Formatted Linha Digitável",
        compute="_compute_linha_digitavel_formatted",
        help="The linha digitável as printed on the slip, in its five fields.",
    )
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

    # ------------------------------------------------------------------
    # Creation (the régua's batch, "Issue Boleto" on the invoice)
    # ------------------------------------------------------------------
    def init(self):
        # One current boleto per installment and agreement, whoever creates
        # it, even two transactions at once.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS dunning_boleto_current_uniq "
                "ON dunning_boleto (move_line_id, account_id) "
                "WHERE state IN ('draft', 'sent', 'registered')"
            )
        )

    @api.model
    def _dunning_boleto_account_for(self, company):
        """The boleto agreement of ``company`` that issues its boletos (the
        first active one), as superuser."""
        return (
            self.env["dunning.boleto.account"]
            .sudo()
            .search([("company_id", "=", company.id)], limit=1)
        )

    @api.model
    def _dunning_boleto_current(self, move_line, account=None):
        """The current boleto of ``move_line`` (to register, sent or
        registered) with ``account`` (any agreement when not given)."""
        domain = [
            ("move_line_id", "=", move_line.id),
            ("state", "in", CURRENT_STATES),
        ]
        if account:
            domain.append(("account_id", "=", account.id))
        return self.sudo().search(domain, order="id desc", limit=1)

    @api.model
    def _dunning_boleto_lines(self, move_lines):
        """The open installments of ``move_lines`` a boleto can be issued
        for: posted customer installments in the company's currency (BRL)."""
        return move_lines.sudo().filtered(
            lambda line: (
                line.move_id.state == "posted"
                and line.account_id.account_type == "asset_receivable"
                and not line.reconciled
                and line.amount_residual > 0
                and line.currency_id == line.company_currency_id
                and line.currency_id.name == "BRL"
            )
        )

    @api.model
    def _dunning_boleto_ensure(self, move_lines, account=None):
        """The current boleto of each open installment of ``move_lines``:
        issued when it has none, for its open amount and its own due date
        (an overdue installment keeps it: the bank adds the fine and
        interest), numbered by the agreement's sequence through
        ``cobranca.boleto.make_boleto``. A boleto not sent to the bank yet
        whose installment changed (a partial payment, a new due date) is
        replaced. Idempotent; the installments are locked so that two runs
        at once issue one boleto. Returns the boletos."""
        boletos = self.sudo().browse()
        lines = self._dunning_boleto_lines(move_lines)
        if not lines:
            return boletos
        self.env.cr.execute(
            SQL(
                # NO KEY UPDATE: serializes the issuers, not the reconciliations
                # (which reference the line, FOR KEY SHARE).
                "SELECT id FROM account_move_line WHERE id IN %s FOR NO KEY UPDATE",
                tuple(lines.ids),
            )
        )
        accounts = {}
        for line in lines:
            company = line.company_id
            if account:
                line_account = account
            else:
                if company not in accounts:
                    accounts[company] = self._dunning_boleto_account_for(company)
                line_account = accounts[company]
            if not line_account or line_account.company_id != company:
                continue
            boleto = self._dunning_boleto_current(line, line_account)
            amount = line.company_currency_id.round(line.amount_residual)
            if (
                boleto
                and boleto.state == "draft"
                and (
                    boleto.currency_id.compare_amounts(boleto.amount, amount)
                    or boleto.due_date != line.date_maturity
                )
            ):
                boleto.state = "cancelled"
                boleto.flush_recordset(["state"])
                boleto = self.browse()
            if not boleto:
                # Created by the régua or by a user: the chatter needs no
                # "created" note (by OdooBot for the scheduled action).
                boleto = (
                    self.sudo()
                    .with_context(mail_create_nolog=True)
                    .create(line_account.sudo()._dunning_boleto_values(line, amount))
                )
            boletos |= boleto
        boletos._dunning_boleto_link_pix()
        return boletos

    def _dunning_boleto_link_pix(self):
        """Print on each boleto the Pix charge of its installment (bolepix)
        when its company has a Pix provider in dynamic mode."""
        providers = {}
        for boleto in self.sudo():
            company = boleto.company_id
            if company not in providers:
                provider = self.env["payment.provider"]._dunning_pix_for_company(
                    company
                )
                providers[company] = provider.filtered(
                    lambda p: p.dunning_pix_mode == "dynamic"
                )
            charge = self.env["dunning.pix.charge"]
            if providers[company]:
                charge = charge._dunning_pix_current(
                    boleto.move_line_id, providers[company]
                )
            if boleto.pix_charge_id != charge:
                boleto.pix_charge_id = charge

    def action_cancel(self):
        """Cancel boletos not sent to the bank (a registered boleto is
        written off at the bank by a remittance instruction)."""
        for boleto in self:
            if boleto.state not in ("draft", "rejected"):
                raise UserError(
                    self.env._(
                        "The boleto %(boleto)s is at the bank: ask for its "
                        "write-off (baixa) in a remittance file instead.",
                        boleto=boleto.display_name,
                    )
                )
        self.state = "cancelled"
        return True

    # ------------------------------------------------------------------
    # The slip (PDF) and the portal
    # ------------------------------------------------------------------
    def _dunning_portal_token(self):
        """A token that lets whoever has the boleto's link download it."""
        self.ensure_one()
        return hmac(self.env(su=True), "dunning-boleto-pdf", self.id)

    def _dunning_portal_check_token(self, token):
        self.ensure_one()
        return bool(token) and consteq(str(token), self._dunning_portal_token())

    def _dunning_portal_pdf_url(self):
        """The portal link of the boleto's PDF (signed: no sign-in needed)."""
        self.ensure_one()
        return f"/my/boleto/{self.id}/{self._dunning_portal_token()}"

    @api.depends("linha_digitavel")
    def _compute_linha_digitavel_formatted(self):
        for boleto in self:
            boleto.linha_digitavel_formatted = (
                boleto.linha_digitavel and boleto._dunning_formatted_linha()
            )

    def _dunning_formatted_linha(self):
        self.ensure_one()
        return boleto_lib.format_linha(self.linha_digitavel)

    def _dunning_portal_item(self):
        """What the portal shows of the boleto."""
        self.ensure_one()
        return {
            "boleto": self,
            "id": self.id,
            "linha": self._dunning_formatted_linha(),
            "due_date": self.due_date,
            "amount": self.amount,
            "currency": self.currency_id,
            "url": self._dunning_portal_pdf_url(),
        }

    def _dunning_pdf_filename(self):
        self.ensure_one()
        return f"boleto-{self.nosso_numero}.pdf".replace("/", "-")

    def _dunning_barcode_image(self):
        """The Interleaved 2 of 5 image of the 44 digits, as a PNG data URL.

        reportlab's I2of5 adds a check digit of its own by default (so
        does Odoo's barcode route, which cannot turn it off): it is drawn
        here without it, without bearer bars, wide bars three times the
        narrow ones (FEBRABAN)."""
        self.ensure_one()
        drawing = createBarcodeDrawing(
            "I2of5",
            value=self.barcode,
            format="png",
            checksum=0,
            bearers=0,
            ratio=3,
            quiet=0,
            barWidth=1,
            barHeight=50,
            humanReadable=False,
        )
        png = drawing.asString("png")
        return "data:image/png;base64," + base64.b64encode(png).decode()

    def _dunning_pix_payload(self):
        """The Pix copia e cola printed on the slip (bolepix), if any."""
        self.ensure_one()
        charge = self.sudo().pix_charge_id
        if charge.state != "active" or not charge.copia_e_cola:
            return False
        return charge.copia_e_cola

    def _dunning_instructions(self):
        """The lines of the slip's "Instruções" box: the fine and interest
        of the installment's collection policy, as the bank will charge
        them (``cobranca.cnab240.late_charge_terms``, what the remittance
        sends)."""
        self.ensure_one()
        move = self.move_id
        policy = move._dunning_policy()
        lines = []
        fmt = self._dunning_fmt
        if policy:
            terms = cnab240.late_charge_terms(
                Decimal(str(self.amount)).quantize(Decimal("0.01")),
                self.due_date,
                policy._late_charge_policy(),
                consumer=move.commercial_partner_id._dunning_is_consumer(),
            )
            if terms["fine_code"] != "0":
                lines.append(
                    self.env._(
                        "After the due date, charge a fine of %(pct)s%% (%(amount)s).",
                        pct=format_pct(terms["fine"]),
                        amount=fmt(
                            round_cents(Decimal(str(self.amount)) * terms["fine"] / 100)
                        ),
                    )
                )
            if terms["interest_code"] != "3":
                monthly = terms["interest"]
                try:
                    per_day = cnab240.late_charge_terms(
                        Decimal(str(self.amount)).quantize(Decimal("0.01")),
                        self.due_date,
                        policy._late_charge_policy(),
                        consumer=move.commercial_partner_id._dunning_is_consumer(),
                        interest_per="day",
                    )["interest"]
                except cnab240.CnabError:
                    per_day = None
                if per_day:
                    lines.append(
                        self.env._(
                            "After the due date, charge interest of %(pct)s%% "
                            "a month (%(amount)s a day).",
                            pct=format_pct(monthly),
                            amount=fmt(per_day),
                        )
                    )
                else:
                    lines.append(
                        self.env._(
                            "After the due date, charge interest of %(pct)s%% a month.",
                            pct=format_pct(monthly),
                        )
                    )
        lines.append(
            self.env._(
                "Payable at any bank until the due date; after it, at %(bank)s.",
                bank=self.account_id._dunning_bank_name(),
            )
        )
        return lines

    @staticmethod
    def _dunning_address(partner):
        """One line of a partner's address, as a slip prints it."""
        city = " - ".join(
            part for part in (partner.city, partner.state_id.code) if part
        )
        return ", ".join(
            part
            for part in (partner.street, partner.street2, partner.zip, city)
            if part
        )

    def _dunning_fmt(self, amount):
        return format_amount(self.env, float(amount), self.currency_id)

    def _dunning_slip_values(self):
        """What the slip prints (the report's template reads it)."""
        self.ensure_one()
        account = self.account_id
        company = self.company_id
        payer = self.partner_id.commercial_partner_id
        pix = self._dunning_pix_payload()
        return {
            "bank_name": account._dunning_bank_name(),
            "bank_code": account._dunning_bank_code_dv(),
            "linha": self._dunning_formatted_linha(),
            # FEBRABAN: dates as DD/MM/AAAA, whatever the language.
            "due_date": self.due_date.strftime("%d/%m/%Y"),
            "issue_date": self.issue_date.strftime("%d/%m/%Y"),
            "beneficiary": company.name,
            "beneficiary_doc": company.vat or "",
            "beneficiary_address": self._dunning_address(company.partner_id),
            "beneficiary_code": account._dunning_beneficiary_code(),
            "amount": self._dunning_fmt(self.amount),
            "document_number": self.move_id.name or "",
            "payer": payer.name,
            "payer_doc": payer.vat or "",
            "payer_address": self._dunning_address(payer),
            "instructions": self._dunning_instructions(),
            "barcode_image": self._dunning_barcode_image(),
            "pix": pix,
            "pix_image": pix
            and self.env["payment.provider"]._dunning_pix_qr_data_url(pix),
        }

    def _dunning_render_pdf(self):
        """The slips of ``self`` as one PDF: ``(content, kind)`` ("html" in
        tests, as Odoo renders reports there)."""
        report = self.env.ref("dunning_br_pix.action_report_dunning_boleto").sudo()
        return report._render_qweb_pdf(report, self.ids)

    # ------------------------------------------------------------------
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
