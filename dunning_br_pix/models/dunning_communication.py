# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from decimal import Decimal

from odoo import models


class DunningCommunication(models.Model):
    _inherit = "dunning.communication"

    def _dunning_prepare_batch(self):
        """Create or revise the Pix charge of each installment of the batch
        before it is rendered: the messages then read the stored charges."""
        result = super()._dunning_prepare_batch()
        self.env["dunning.pix.charge"]._dunning_pix_prepare(
            self.history_ids.move_line_id
        )
        return result

    def _dunning_payment_instructions(self, rows):
        """Add the Pix copia-e-cola and its QR code for each installment: the
        installment's stored charge with due date (the PSP adds fine and
        interest on the day of payment; without one, a note that the code
        will be available soon) or, in static mode, a BR Code of the updated
        total. Never calls the PSP."""
        self.ensure_one()
        instructions = super()._dunning_payment_instructions(rows)
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
