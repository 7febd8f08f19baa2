# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One title event of a bank return file and what Odoo did with it."""

from cobranca import cnab240

from odoo import Command, fields, models


class DunningBoletoRetornoLine(models.Model):
    _name = "dunning.boleto.retorno.line"
    _description = "Boleto Bank Return Line"
    _check_company_auto = True
    _order = "retorno_id desc, sequence, id"

    retorno_id = fields.Many2one(
        "dunning.boleto.retorno",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="retorno_id.company_id", store=True)
    sequence = fields.Integer(string="File Line", readonly=True)
    boleto_id = fields.Many2one(
        "dunning.boleto", readonly=True, index="btree_not_null", check_company=True
    )
    movement = fields.Char(string="Movement Code", readonly=True)
    movement_name = fields.Char(string="Movement", readonly=True)
    nosso_numero = fields.Char(string="Nosso Número", readonly=True)
    document_number = fields.Char(readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Title Amount", readonly=True)
    paid = fields.Monetary(string="Amount Paid", readonly=True)
    interest_fine = fields.Monetary(string="Fine and Interest", readonly=True)
    discount = fields.Monetary(readonly=True)
    rebate = fields.Monetary(string="Abatement", readonly=True)
    tariff = fields.Monetary(readonly=True)
    credited = fields.Monetary(string="Amount Credited", readonly=True)
    occurrence_date = fields.Date(readonly=True)
    credit_date = fields.Date(readonly=True)
    reasons = fields.Char(string="Bank Reasons", readonly=True)
    payment_id = fields.Many2one("account.payment", readonly=True)
    state = fields.Selection(
        [
            ("done", "Processed"),
            ("booked", "Booked"),
            ("rejected", "Rejected"),
            ("pix", "Already settled by Pix"),
            ("review", "To review"),
        ],
        required=True,
        readonly=True,
        default="done",
    )
    note = fields.Text(readonly=True)

    def _dunning_values(self, retorno, title):
        boleto = self.env["dunning.boleto"]._dunning_find_by_cnab(
            retorno.account_id, title.nosso_numero
        )
        return {
            "retorno_id": retorno.id,
            "sequence": title.line,
            "boleto_id": boleto.id,
            "movement": title.movement,
            "movement_name": title.description,
            "nosso_numero": title.nosso_numero,
            "document_number": title.document_number,
            "amount": float(title.amount),
            "paid": float(title.paid),
            "interest_fine": float(title.interest_fine),
            "discount": float(title.discount),
            "rebate": float(title.rebate),
            "tariff": float(title.tariff),
            "credited": float(title.credited),
            "occurrence_date": title.occurrence_date,
            "credit_date": title.credit_date,
            "reasons": "; ".join(cnab240.reason_texts(title)),
        }

    def _dunning_texts(self):
        return self.env["dunning.engine"]._in_company_lang(self.company_id).env

    def _dunning_apply(self, title):
        """What the bank says of the boleto, applied once (the file is
        imported once)."""
        self.ensure_one()
        boleto = self.boleto_id
        texts = self._dunning_texts()
        if not boleto:
            self.write(
                {
                    "state": "review",
                    "note": texts._(
                        "No boleto of this agreement has this nosso número: "
                        "nothing was booked."
                    ),
                }
            )
            return
        kind = title.kind
        if kind == "entrada_confirmada":
            if boleto.state in ("draft", "sent", "rejected"):
                boleto.write({"state": "registered", "reject_reason": False})
        elif kind == "entrada_rejeitada":
            if boleto.state in ("draft", "sent"):
                boleto.write(
                    {
                        "state": "rejected",
                        "reject_reason": self.reasons
                        or texts._("The bank gave no reason."),
                    }
                )
            self.state = "rejected"
        elif kind == "instrucao_rejeitada":
            self.state = "rejected"
            boleto.message_post(
                body=texts._(
                    "The bank rejected an instruction: %(reasons)s",
                    reasons=self.reasons or "-",
                )
            )
        elif kind == "baixa":
            if boleto.state != "paid":
                boleto.state = "cancelled"
        elif kind == "liquidacao":
            self._dunning_liquidate(title)
        elif title.tariff:
            self.note = texts._(
                "Tariff not booked from the return file: book it from the bank "
                "statement."
            )

    def _dunning_liquidate(self, title):
        """A liquidation: booked by the one settlement rule
        (``dunning.settlement``), unless the same money was already booked
        from the boleto's Pix (bolepix)."""
        boleto = self.boleto_id
        texts = self._dunning_texts()
        paid = title.paid
        if boleto.state == "paid" or boleto.payment_id:
            self.write(
                {
                    "state": "review",
                    "note": texts._(
                        "The boleto was already paid: a second liquidation is "
                        "not booked. Refund it or book it by hand."
                    ),
                }
            )
            return
        if paid <= 0 or title.tariff >= paid:
            self.write(
                {
                    "state": "review",
                    "note": texts._(
                        "A liquidation without an amount paid above the tariff: "
                        "nothing was booked."
                    ),
                }
            )
            return
        paid_date = (
            title.credit_date or title.occurrence_date or self.retorno_id.file_date
        )
        pix = boleto._dunning_pix_settlement(paid)
        if pix:
            boleto.write(
                {
                    "state": "paid",
                    "paid_date": paid_date,
                    "paid_amount": float(paid),
                    "payment_id": pix.payment_id.id,
                }
            )
            self.write(
                {
                    "state": "pix",
                    "payment_id": pix.payment_id.id,
                    "note": texts._(
                        "Already settled by the Pix %(pix)s of the boleto's QR "
                        "code: not booked again.",
                        pix=pix.display_name,
                    ),
                }
            )
            return
        payment, reason = self._dunning_book(title, paid_date)
        boleto.write(
            {
                "state": "paid",
                "paid_date": paid_date,
                "paid_amount": float(paid),
                "payment_id": payment.id,
            }
        )
        self.write({"state": "booked", "payment_id": payment.id, "note": reason})

    def _dunning_book(self, title, paid_date):
        """The payment of a liquidation on the agreement's bank journal: the
        amount credited (paid less the tariff), the principal reconciled with
        the installment, fine and interest to income, discount and abatement
        to the discount account, the tariff to its expense account. Returns
        ``(payment, follow-up reason or None)``."""
        boleto = self.boleto_id
        account = boleto.account_id
        income, discount, tariff_account = account._dunning_settlement_accounts()
        installment = boleto.move_line_id
        installments = installment.filtered(
            lambda aml: (
                not aml.reconciled
                and aml.amount_residual > 0
                and aml.parent_state == "posted"
            )
        )
        settlement_model = self.env["dunning.settlement"]
        settlement = settlement_model._dunning_explain(
            installments,
            title.paid,
            components={
                "interest": title.interest_fine,
                "discount": title.discount,
                "abatement": title.rebate,
            },
            income_account=income,
            discount_account=discount,
        )
        partner = boleto.partner_id.commercial_partner_id
        currency = account.company_id.currency_id
        write_off = settlement_model._dunning_settlement_lines(
            settlement, partner, currency, income, discount
        )
        amount = settlement.paid
        texts = self._dunning_texts()
        notes = []
        if title.tariff and tariff_account:
            amount -= title.tariff
            write_off.append(
                {
                    "name": texts._("Bank tariff"),
                    "account_id": tariff_account.id,
                    "partner_id": partner.id,
                    "currency_id": currency.id,
                    "amount_currency": float(title.tariff),
                    "balance": float(title.tariff),
                }
            )
        elif title.tariff:
            notes.append(
                texts._(
                    "Tariff of %(tariff)s not booked (no tariff account on the "
                    "agreement): book it from the bank statement.",
                    tariff=currency.with_env(texts).format(float(title.tariff)),
                )
            )
        journal = account.journal_id
        method_line = journal.inbound_payment_method_line_ids[:1]
        payment = (
            self.env["account.payment"]
            .with_company(account.company_id)
            .create(
                {
                    "amount": float(amount),
                    "date": paid_date,
                    "payment_type": "inbound",
                    "currency_id": currency.id,
                    "partner_id": partner.id,
                    "partner_type": "customer",
                    "journal_id": journal.id,
                    "company_id": account.company_id.id,
                    "payment_method_line_id": method_line.id,
                    "memo": texts._(
                        "Boleto %(boleto)s (bank return %(file)s)",
                        boleto=boleto.nosso_numero,
                        file=self.retorno_id.file_number,
                    ),
                    "write_off_line_vals": write_off,
                    "invoice_ids": [Command.set(installment.move_id.ids)],
                }
            )
        )
        payment.action_post()
        settlement_model._dunning_settle_reconcile(
            payment.move_id.line_ids, installments
        )
        reason = settlement_model._dunning_settlement_followup(
            settlement,
            installment,
            texts._("Boleto %(boleto)s", boleto=boleto.nosso_numero),
        )
        if reason:
            notes.append(reason)
        return payment, "\n".join(notes) or False
