# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class DunningPolicyStep(models.Model):
    _inherit = "dunning.policy.step"

    attach_boleto = fields.Boolean(
        string="Attach the Boleto (PDF)",
        help="The e-mails of this step carry the boleto of each installment "
        "reminded (issued by the run when the company has a boleto agreement) "
        "and show its linha digitável.",
    )
