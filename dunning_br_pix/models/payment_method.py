# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .. import const


class PaymentMethod(models.Model):
    _inherit = "payment.method"

    def _get_compatible_payment_methods(
        self, provider_ids, partner_id, *args, **kwargs
    ):
        """Boleto is offered by the Pix provider only in the companies with a
        boleto agreement (another provider offering it is left alone)."""
        methods = super()._get_compatible_payment_methods(
            provider_ids, partner_id, *args, **kwargs
        )
        boleto = methods.filtered(lambda m: m.code == const.BOLETO_METHOD_CODE)
        if not boleto:
            return methods
        providers = (
            self.env["payment.provider"]
            .sudo()
            .browse(provider_ids)
            .filtered(lambda p: boleto in p.payment_method_ids)
        )
        accounts = self.env["dunning.boleto"].sudo()
        if providers and all(
            provider.code == const.PROVIDER_CODE
            and not accounts._dunning_boleto_account_for(provider.company_id)
            for provider in providers
        ):
            methods -= boleto
        return methods
