# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from decimal import Decimal

from cobranca.pix import PixError, static_txid

from odoo import models

_logger = logging.getLogger(__name__)


class DunningCommunication(models.Model):
    _inherit = "dunning.communication"

    def _dunning_payment_instructions(self, rows):
        """Add the Pix copia-e-cola and its QR code for each installment: the
        installment's charge with due date (the PSP adds fine and interest on
        the day of payment) or, in static mode, a BR Code of the updated
        total."""
        instructions = super()._dunning_payment_instructions(rows)
        providers = self.env["payment.provider"]
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        for row in rows:
            provider = providers._dunning_pix_for_company(row.company_id)
            if not provider or row.move_line_id.reconciled:
                continue
            try:
                if provider.dunning_pix_mode == "dynamic":
                    charge = self.env["dunning.pix.charge"]._dunning_pix_ensure(
                        row.move_line_id, provider
                    )
                    payload = charge.copia_e_cola
                else:
                    amount = Decimal(str(row.total_amount or row.amount_residual))
                    payload = provider._dunning_pix_static_brcode(
                        amount.quantize(Decimal("0.01")),
                        static_txid(uuid, row.move_line_id.id),
                    )
            except (PixError, ValueError) as error:
                _logger.error(
                    "No Pix code for %s: %s", row.move_line_id.display_name, error
                )
                continue
            if not payload:
                continue
            instructions.setdefault(row.id, []).append(
                {
                    "label": self.env._("Pix copia e cola"),
                    "value": payload,
                    "image": providers._dunning_pix_qr_data_url(payload),
                }
            )
        return instructions
