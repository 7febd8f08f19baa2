# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from decimal import Decimal

from cobranca.pix import PixError, static_txid

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_boleto_ids = fields.One2many(
        "dunning.boleto", "move_id", string="Boletos", readonly=True
    )
    dunning_boleto_count = fields.Integer(compute="_compute_dunning_boleto_count")

    def _compute_dunning_boleto_count(self):
        groups = (
            self.env["dunning.boleto"]
            .sudo()
            ._read_group([("move_id", "in", self.ids)], ["move_id"], ["__count"])
        )
        counts = {move.id: count for move, count in groups}
        for move in self:
            move.dunning_boleto_count = counts.get(move.id, 0)

    def action_dunning_boleto_issue(self):
        """Issue the boleto of each open installment of the invoices (the
        current one is kept) and show them.

        :raises UserError: when a company has no boleto agreement."""
        if not self.env.su and not self.env.user.has_group(
            "dunning_br.group_dunning_user"
        ):
            raise AccessError(self.env._("Only the collection users issue boletos."))
        self.check_access("read")
        Boleto = self.env["dunning.boleto"].sudo()
        for company in self.company_id:
            if not Boleto._dunning_boleto_account_for(company):
                raise UserError(
                    self.env._(
                        "The company %(company)s has no boleto agreement: set "
                        "one up in Accounting > Collection > Boleto "
                        "Agreements.",
                        company=company.name,
                    )
                )
        moves = self.filtered(lambda m: m.is_sale_document() and m.state == "posted")
        lines = moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        boletos = Boleto._dunning_boleto_ensure(lines)
        if not boletos:
            raise UserError(
                self.env._(
                    "These invoices have no open installment to issue a boleto for."
                )
            )
        return self.action_dunning_boletos()

    def action_dunning_boletos(self):
        action = self.env["ir.actions.actions"]._for_xml_id(
            "dunning_br_pix.dunning_boleto_action"
        )
        action["domain"] = [("move_id", "in", self.ids)]
        action["context"] = {"create": False}
        return action

    def _dunning_boleto_portal_items(self):
        """The current boletos of the invoice's open installments, for the
        customer portal: ``[{boleto, linha, url}]``."""
        self.ensure_one()
        boletos = self.env["dunning.boleto"].sudo()
        items = []
        for line in boletos._dunning_boleto_lines(self.line_ids):
            boleto = boletos._dunning_boleto_current(line)
            if boleto:
                items.append(boleto._dunning_portal_item())
        return items

    def action_dunning_pix_charges(self):
        """Create (or bring up to date) the Pix charge of each open installment
        and show them: the company's business with its PSP, for the
        collection users."""
        if not self.env.su and not self.env.user.has_group(
            "dunning_br.group_dunning_user"
        ):
            raise AccessError(
                self.env._("Only the collection users create or revise Pix charges.")
            )
        self.check_access("read")
        lines = self.filtered(lambda m: m.is_sale_document() and m.state == "posted")
        lines = lines.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable"
                and not line.reconciled
            )
        )
        charges = self.env["dunning.pix.charge"].sudo()
        try:
            charges._dunning_pix_ensure(lines)
        except (PixError, ValueError) as error:
            raise UserError(
                self.env._(
                    "The Pix charge could not be created: %(error)s", error=error
                )
            ) from error
        action = self.env["ir.actions.actions"]._for_xml_id(
            "dunning_br_pix.dunning_pix_charge_action"
        )
        action["domain"] = [("move_id", "in", self.ids)]
        return action

    def _post(self, soft=True):
        """A customer invoice (or an entry with agreement installments)
        posted in a company with a Pix provider in dynamic mode: its
        installments get their charges soon, from the scheduled action
        (posting never waits for the PSP)."""
        posted = super()._post(soft=soft)
        invoices = posted.filtered(
            lambda move: (
                move.move_type == "out_invoice" or move.line_ids.dunning_agreement_id
            )
        )
        providers = self.env["payment.provider"]
        if any(
            providers._dunning_pix_for_company(company).dunning_pix_mode == "dynamic"
            for company in invoices.company_id
        ):
            cron = self.env.ref(
                "dunning_br_pix.ir_cron_dunning_pix_charges", raise_if_not_found=False
            )
            if cron:
                cron.sudo()._trigger()
        return posted

    def _dunning_pix_portal_installments(self):
        """The open installments of the invoice with how to pay each by Pix,
        for the customer portal: due date, open amount, amount due today
        (with the fine and interest of the collection policy) and the Pix
        instruction (``account.move.line._dunning_pix_instruction``, which
        only reads the stored charges: the page never calls the PSP)."""
        self.ensure_one()
        if not self.is_sale_document() or self.state != "posted":
            return []
        engine = self.env["dunning.engine"]
        provider = self.env["payment.provider"]._dunning_pix_for_company(
            self.company_id
        )
        if not provider:
            return []
        provider_static = provider.dunning_pix_mode == "static"
        policy = self._dunning_policy()
        today = engine._today(self.company_id)
        result = []
        for line in self.line_ids.filtered(
            lambda line: (
                line.display_type == "payment_term"
                and not line.reconciled
                and line.amount_residual > 0
            )
        ).sorted("date_maturity"):
            due_today = Decimal(str(line.amount_residual)).quantize(Decimal("0.01"))
            if policy:
                due_today = engine._late_charges(line, policy, today).total
            pix = line._dunning_pix_instruction(due_today, provider=provider)
            if pix:
                result.append(
                    {
                        "line": line,
                        "date_maturity": line.date_maturity,
                        "residual": line.amount_residual,
                        "due_today": float(due_today),
                        "static": provider_static,
                        "pix": pix,
                    }
                )
        return result


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _dunning_pix_instruction(self, amount, image_url=False, provider=None):
        """How to pay this installment by Pix: ``{label, value, image}`` with
        the copia-e-cola and its QR code, or None without an enabled Pix
        provider. Dynamic mode: the installment's stored charge with due date
        (the PSP adds the fine and interest on the day of payment); when it
        has none up to date yet, ``{label, note}`` saying that the code will
        be available soon. Static mode: a BR Code of ``amount`` (Decimal, the
        updated total) with a txid unique to the installment. Never calls the
        PSP: the run and the scheduled actions create and revise the charges.
        The one place reminders and the portal get it. With ``image_url``,
        the QR code is an absolute URL (for e-mails) instead of a data URL;
        ``provider``: the company's, when the caller has it already."""
        self.ensure_one()
        providers = self.env["payment.provider"]
        provider = provider or providers._dunning_pix_for_company(self.company_id)
        if not provider or self.reconciled:
            return None
        try:
            if provider.dunning_pix_mode == "dynamic":
                payload = (
                    self.env["dunning.pix.charge"]
                    ._dunning_pix_current(self, provider)
                    .copia_e_cola
                )
                if not payload:
                    return {
                        "label": self.env._("Pix"),
                        "value": False,
                        "image": False,
                        "note": self.env._(
                            "the Pix code of this installment will be available "
                            "soon on the invoice page."
                        ),
                    }
            else:
                uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
                payload = provider._dunning_pix_static_brcode(
                    amount.quantize(Decimal("0.01")), static_txid(uuid, self.id)
                )
        except (PixError, ValueError) as error:
            _logger.error("No Pix code for %s: %s", self.display_name, error)
            return None
        if not payload:
            return None
        return {
            "label": self.env._("Pix copia e cola"),
            "value": payload,
            "image": providers._dunning_pix_qr_url(payload, self.get_base_url())
            if image_url
            else providers._dunning_pix_qr_data_url(payload),
        }
