# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from decimal import Decimal

from odoo import models


class DunningCommunication(models.Model):
    _inherit = "dunning.communication"

    def _dunning_payment_instructions(self, rows):
        """Add the Pix copia-e-cola and its QR code for each installment: the
        installment's charge with due date (the PSP adds fine and interest on
        the day of payment) or, in static mode, a BR Code of the updated
        total."""
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
