# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.pix import PixError

from odoo import models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_dunning_pix_charges(self):
        """Create (or bring up to date) the Pix charge of each open installment
        and show them."""
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
