# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.cnab240 import CnabError, protest_terms
from cobranca.pix import DEFAULT_VALIDADE_APOS_VENCIMENTO

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DunningPolicy(models.Model):
    _inherit = "dunning.policy"

    pix_validity_days = fields.Integer(
        string="Pix Validity after Due Date (days)",
        default=DEFAULT_VALIDADE_APOS_VENCIMENTO,
        help="Calendar days after the due date during which the Pix charge can "
        "still be paid, with fine and interest (validadeAposVencimento).",
    )
    boleto_protest_days = fields.Integer(
        string="Boleto Protest after Due Date (days)",
        default=0,
        help="Calendar days after the due date after which the bank protests an "
        "unpaid boleto (sent in the CNAB remittance); 0: no protest.",
    )

    @api.constrains("pix_validity_days")
    def _check_pix_validity_days(self):
        for policy in self:
            if policy.pix_validity_days < 0:
                raise ValidationError(
                    self.env._(
                        "The Pix validity after the due date cannot be negative."
                    )
                )

    @api.constrains("boleto_protest_days")
    def _check_boleto_protest_days(self):
        for policy in self:
            try:
                protest_terms(policy.boleto_protest_days)
            except CnabError as error:
                raise ValidationError(
                    self.env._(
                        "The boleto protest days are not valid: %(error)s",
                        error=error,
                    )
                ) from error
