# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import re
from decimal import Decimal

from cobranca.pix import (
    PixError,
    charge_txid,
    cob_body,
    devolucao_id_from,
    fit_devedor_nome,
    parse_brcode,
    static_txid,
)

from odoo import Command, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import const

_logger = logging.getLogger(__name__)


def _decimal(amount):
    return Decimal(str(amount)).quantize(Decimal("0.01"))


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    dunning_pix_txid = fields.Char(string="Pix txid", readonly=True, index=True)
    dunning_pix_copia_e_cola = fields.Text(string="Pix Copia e Cola", readonly=True)
    dunning_pix_charge_id = fields.Many2one(
        "dunning.pix.charge", string="Pix Charge", readonly=True, index="btree_not_null"
    )
    dunning_pix_move_line_id = fields.Many2one(
        "account.move.line", string="Installment", readonly=True
    )
    dunning_pix_refund_id = fields.Char(string="Pix Refund ID", readonly=True)

    def _dunning_pix_qr_image(self):
        self.ensure_one()
        if not self.dunning_pix_copia_e_cola:
            return False
        return self.env["payment.provider"]._dunning_pix_qr_data_url(
            self.dunning_pix_copia_e_cola
        )

    # ------------------------------------------------------------------
    # Rendering (payment form, portal "pay now")
    # ------------------------------------------------------------------
    def _get_specific_rendering_values(self, processing_values):
        res = super()._get_specific_rendering_values(processing_values)
        if self.provider_code != const.PROVIDER_CODE:
            return res
        if self.payment_method_code == const.BOLETO_METHOD_CODE:
            self._dunning_boleto_prepare()
            return {"api_url": const.PROCESS_ROUTE, "reference": self.reference}
        self._dunning_pix_prepare_code()
        return {
            "api_url": const.PROCESS_ROUTE,
            "reference": self.reference,
            "copia_e_cola": self.dunning_pix_copia_e_cola,
            "qr_image": self._dunning_pix_qr_image(),
        }

    def _dunning_boleto_prepare(self):
        """Paying by boleto: the boletos of the open installments of the
        transaction's invoices (the current ones, or issued now), shown on
        the status page; they are paid at the bank and settled from its
        retorno file.

        :raises ValidationError: without invoices to pay or without the
            company's boleto agreement."""
        self.ensure_one()
        boletos = self.env["dunning.boleto"].sudo()
        lines = boletos._dunning_boleto_lines(self.sudo().invoice_ids.line_ids)
        if not lines or not boletos._dunning_boleto_account_for(
            self.provider_id.company_id
        ):
            raise ValidationError(
                self.env._(
                    "A boleto can only be issued for open invoices of a company "
                    "with a boleto agreement: choose another payment method."
                )
            )
        return boletos._dunning_boleto_ensure(lines)

    def _dunning_boleto_items(self):
        """The current boletos of the transaction's invoices, for the status
        page."""
        self.ensure_one()
        items = []
        for move in self.sudo().invoice_ids:
            items += move._dunning_boleto_portal_items()
        return items

    def _dunning_pix_prepare_code(self):
        """Give the transaction its BR Code: static (company key, amount, txid)
        or an immediate charge ``PUT /cob/{txid}`` at the PSP."""
        self.ensure_one()
        if self.dunning_pix_copia_e_cola:
            return
        provider = self.provider_id
        if self.currency_id.name not in const.SUPPORTED_CURRENCIES:
            raise ValidationError(self.env._("Pix only carries amounts in BRL."))
        amount = _decimal(self.amount)
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        try:
            if provider.dunning_pix_mode == "static":
                txid = static_txid(uuid, self.reference)
                payload = provider._dunning_pix_static_brcode(amount, txid)
            else:
                txid = charge_txid(const.TXID_NAMESPACE_COB, uuid, self.reference)
                payload = self._dunning_pix_put_cob(txid, amount)
            parse_brcode(payload)
        except (PixError, ValueError) as error:
            raise ValidationError(
                self.env._(
                    "The Pix charge could not be created: %(error)s", error=error
                )
            ) from error
        self.write({"dunning_pix_txid": txid, "dunning_pix_copia_e_cola": payload})

    def _dunning_pix_put_cob(self, txid, amount):
        """``PUT /cob/{txid}``: an immediate charge of ``amount``."""
        partner = self.partner_id.commercial_partner_id
        document = re.sub(r"[^0-9A-Za-z]", "", partner.vat or "")
        body = cob_body(
            valor_original=amount,
            chave=self.provider_id.dunning_pix_key,
            expiracao=const.COB_EXPIRATION,
            devedor_cpf_or_cnpj=document or None,
            devedor_nome=fit_devedor_nome(partner.name) if document else None,
            solicitacao_pagador=self.reference,
        )
        cob = self.provider_id._dunning_pix_client().put_cob(txid, body)
        return cob["pixCopiaECola"]

    # ------------------------------------------------------------------
    # Notifications
    # ------------------------------------------------------------------
    def _get_tx_from_notification_data(self, provider_code, notification_data):
        tx = super()._get_tx_from_notification_data(provider_code, notification_data)
        if provider_code != const.PROVIDER_CODE or len(tx) == 1:
            return tx
        reference = notification_data.get("reference")
        txid = notification_data.get("txid")
        domain = [("provider_code", "=", const.PROVIDER_CODE)]
        if reference:
            tx = self.search(domain + [("reference", "=", reference)])
        elif txid:
            tx = self.search(
                domain
                + [
                    ("dunning_pix_txid", "=", txid),
                    ("state", "in", ("draft", "pending")),
                    ("operation", "!=", "refund"),
                ],
                limit=1,
            )
        if not tx:
            raise ValidationError(
                self.env._(
                    "Pix: no transaction found matching reference %(reference)s.",
                    reference=reference or txid,
                )
            )
        return tx

    def _process_notification_data(self, notification_data):
        super()._process_notification_data(notification_data)
        if self.provider_code != const.PROVIDER_CODE:
            return
        pix = notification_data.get("pix")
        devolucao = notification_data.get("devolucao")
        if devolucao:
            if devolucao.get("status") == "DEVOLVIDO":
                self._set_done()
            elif devolucao.get("status") == "NAO_REALIZADO":
                self._set_error(
                    self.env._(
                        "The PSP could not refund the Pix: %(reason)s",
                        reason=devolucao.get("motivo") or "-",
                    )
                )
            return
        if not pix:
            # The customer saw the code: the Pix is awaited.
            self._set_pending()
            return
        # What was paid is booked by the settlement rule (``_create_payment``):
        # an amount other than the one asked is never refused nor written off.
        self.provider_reference = pix["endToEndId"]
        if self.dunning_pix_charge_id:
            # A charge with due date: the PSP computed fine, interest and discount.
            self.amount = float(_decimal(pix["valor"]))
        self._set_done()

    def _dunning_pix_statement_matched(self, statement_line):
        """A static BR Code paid, found on ``statement_line``: the transaction
        is done and its payment is that bank statement line (no
        ``account.payment`` of its own, so it is never post-processed into a
        second booking)."""
        self.ensure_one()
        self._set_done(
            state_message=self.env._(
                "Paid: matched with the bank statement line %(line)s.",
                line=statement_line.display_name,
            )
        )
        self.is_post_processed = True

    # ------------------------------------------------------------------
    # Accounting
    # ------------------------------------------------------------------
    def _create_payment(self, **extra_create_values):
        """Book a Pix by the one settlement rule (``dunning.settlement``): the
        principal is reconciled with the installment(s), the fine and interest
        the PSP reported go to the income account, a discount it reported to
        the discount account; an underpayment stays open, an overpayment stays
        the customer's outstanding credit, and the collector gets an
        activity."""
        self.ensure_one()
        if self.provider_code != const.PROVIDER_CODE or self.operation == "refund":
            return super()._create_payment(**extra_create_values)
        provider = self.provider_id
        currency = self.currency_id
        settlement_model = self.env["dunning.settlement"]
        installments = self._dunning_pix_installments()
        received = (
            self.env["dunning.pix.payment"]
            .sudo()
            .search([("transaction_id", "=", self.id)], limit=1)
        )
        paid = received.amount if received else self.amount
        components, note = received._dunning_pix_components(installments)
        settlement = settlement_model._dunning_explain(
            installments,
            paid,
            components=components,
            expected=None if self.dunning_pix_charge_id else self.amount,
            income_account=provider.dunning_pix_income_account_id,
            discount_account=provider.dunning_pix_discount_account_id,
            tolerance=provider.dunning_pix_tolerance,
        )
        partner = self.partner_id.commercial_partner_id
        write_off = settlement_model._dunning_settlement_lines(
            settlement,
            partner,
            currency,
            provider.dunning_pix_income_account_id,
            provider.dunning_pix_discount_account_id,
        )
        payment_method_line = (
            provider.journal_id.inbound_payment_method_line_ids.filtered(
                lambda method_line: method_line.payment_provider_id == provider
            )
        )
        payment = self.env["account.payment"].create(
            {
                "amount": float(settlement.paid),
                "payment_type": "inbound",
                "currency_id": currency.id,
                "partner_id": partner.id,
                "partner_type": "customer",
                "journal_id": provider.journal_id.id,
                "company_id": provider.company_id.id,
                "payment_method_line_id": payment_method_line[:1].id,
                "payment_transaction_id": self.id,
                "memo": f"{self.reference} - Pix {self.provider_reference or ''}",
                "write_off_line_vals": write_off,
                "invoice_ids": [
                    Command.set((installments.move_id or self.invoice_ids).ids)
                ],
                **extra_create_values,
            }
        )
        payment.action_post()
        self.payment_id = payment
        settlement_model._dunning_settle_reconcile(
            payment.move_id.line_ids, installments
        )
        reason = settlement_model._dunning_settlement_followup(
            settlement,
            installments
            or self.dunning_pix_move_line_id
            or self.invoice_ids.line_ids.filtered(
                lambda aml: aml.account_id.account_type == "asset_receivable"
            )[:1],
            self.env._(
                "Pix %(e2eid)s", e2eid=self.provider_reference or self.reference
            ),
        )
        notes = [text for text in (note, reason) if text]
        if received and notes:
            received.note = "\n".join(notes)
        return payment

    def _dunning_pix_installments(self):
        """The open installments the Pix pays: the charge's, else the open
        receivable items of the transaction's invoices, oldest first."""
        self.ensure_one()
        lines = self.dunning_pix_move_line_id or self.invoice_ids.line_ids
        return lines.filtered(
            lambda aml: (
                aml.account_id.account_type == "asset_receivable"
                and not aml.reconciled
                and aml.amount_residual > 0
                and aml.parent_state == "posted"
            )
        ).sorted(lambda aml: (aml.date_maturity or aml.date, aml.id))

    # ------------------------------------------------------------------
    # Refunds
    # ------------------------------------------------------------------
    def _send_refund_request(self, amount_to_refund=None):
        """``PUT /pix/{e2eid}/devolucao/{id}`` for the refund transaction."""
        refund_tx = super()._send_refund_request(amount_to_refund=amount_to_refund)
        if self.provider_code != const.PROVIDER_CODE:
            return refund_tx
        if not self.provider_reference:
            raise UserError(self.env._("This transaction has no Pix to refund."))
        refund_id = devolucao_id_from(refund_tx.reference)
        refund_tx.dunning_pix_refund_id = refund_id
        try:
            devolucao = self.provider_id._dunning_pix_client().put_devolucao(
                self.provider_reference,
                refund_id,
                _decimal(-refund_tx.amount),
                descricao=self.env._(
                    "Refund of %(reference)s", reference=self.reference
                ),
            )
        except (PixError, ValueError) as error:
            refund_tx._set_error(
                self.env._("The PSP refused the refund: %(error)s", error=error)
            )
            return refund_tx
        refund_tx._handle_notification_data(
            const.PROVIDER_CODE,
            {"reference": refund_tx.reference, "devolucao": devolucao},
        )
        if refund_tx.state == "draft":
            refund_tx._set_pending()
        return refund_tx
