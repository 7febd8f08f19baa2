# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from decimal import Decimal

from odoo import Command, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)


class DunningCommunication(models.Model):
    _inherit = "dunning.communication"

    def _dunning_prepare_batch(self):
        """Create or revise the Pix charge of each installment of the batch
        before it is rendered, then issue the boletos of the steps that
        attach them (printing that Pix charge, bolepix): the messages then
        read the stored records."""
        result = super()._dunning_prepare_batch()
        self.env["dunning.pix.charge"]._dunning_pix_prepare(
            self.history_ids.move_line_id
        )
        self.filtered("step_id.attach_boleto")._dunning_boleto_prepare()
        return result

    def _dunning_boleto_prepare(self):
        """Issue the boletos of the installments of ``self``, each one in a
        savepoint: a boleto that cannot be issued (a bad agreement) is left
        out and logged, the reminder goes without it."""
        boletos = self.env["dunning.boleto"]
        for line in self.history_ids.move_line_id:
            try:
                with self.env.cr.savepoint():
                    boletos._dunning_boleto_ensure(line)
            except (UserError, ValidationError) as error:
                _logger.error("No boleto for %s: %s", line.display_name, error)

    def _dunning_boletos(self):
        """The current boletos of the installments of this message."""
        self.ensure_one()
        boletos = self.env["dunning.boleto"].sudo()
        for line in self.history_ids.move_line_id:
            boletos |= boletos._dunning_boleto_current(line)
        return boletos

    def _dunning_payment_instructions(self, rows):
        """Add the Pix copia-e-cola and its QR code for each installment: the
        installment's stored charge with due date (the PSP adds fine and
        interest on the day of payment; without one, a note that the code
        will be available soon) or, in static mode, a BR Code of the updated
        total; and, for the steps that attach boletos, the boleto's linha
        digitável. Never calls the PSP."""
        self.ensure_one()
        instructions = super()._dunning_payment_instructions(rows)
        if self.step_id.attach_boleto:
            boletos = self.env["dunning.boleto"].sudo()
            for row in rows:
                boleto = boletos._dunning_boleto_current(row.move_line_id)
                if boleto:
                    instructions.setdefault(row.id, []).append(
                        {
                            "label": self.env._("Boleto (linha digitável)"),
                            "value": boleto._dunning_formatted_linha(),
                        }
                    )
        provider = self.env["payment.provider"]._dunning_pix_for_company(
            self.company_id
        )
        if not provider:
            return instructions
        # E-mail clients do not show data URLs: the QR code is linked there.
        image_url = self.channel == "email"
        for row in rows:
            amount = Decimal(str(row.total_amount or row.amount_residual))
            pix = row.move_line_id._dunning_pix_instruction(amount, image_url, provider)
            if pix:
                instructions.setdefault(row.id, []).append(pix)
        return instructions

    def _dunning_post_template(self, template):
        """Attach the boletos' PDF to the e-mails of the steps that ask for
        it (before they are sent: the e-mails are only queued here)."""
        result = super()._dunning_post_template(template)
        for communication in self.filtered("step_id.attach_boleto"):
            boletos = communication._dunning_boletos()
            if not boletos or not communication.mail_message_id:
                continue
            content, kind = boletos._dunning_render_pdf()
            name = (
                boletos._dunning_pdf_filename()
                if len(boletos) == 1
                else self.env._("boletos.pdf")
            )
            if kind != "pdf":
                name = name.rsplit(".", 1)[0] + ".html"
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .create(
                    {
                        "name": name,
                        "raw": content,
                        "res_model": communication._name,
                        "res_id": communication.id,
                        "mimetype": "application/pdf" if kind == "pdf" else "text/html",
                    }
                )
            )
            communication.mail_message_id.sudo().attachment_ids = [
                Command.link(attachment.id)
            ]
        return result
