# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from cobranca import cnab240

from odoo import api, fields, models
from odoo.exceptions import UserError


class DunningBoletoRetornoImport(models.TransientModel):
    _name = "dunning.boleto.retorno.import"
    _description = "Import a Boleto Bank Return File"

    account_id = fields.Many2one(
        "dunning.boleto.account",
        string="Boleto Agreement",
        required=True,
        default=lambda self: self._default_account(),
        domain="[('company_id', 'in', allowed_company_ids)]",
    )
    file = fields.Binary(string="Return File", required=True)
    file_name = fields.Char()

    @api.model
    def _default_account(self):
        accounts = self.env["dunning.boleto.account"].search(
            [("company_id", "=", self.env.company.id)], limit=2
        )
        return accounts if len(accounts) == 1 else accounts.browse()

    def action_import(self):
        self.ensure_one()
        retorno = self._dunning_import(base64.b64decode(self.file), self.file_name)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_br_pix.dunning_boleto_retorno_action"
        )
        action.update({"res_id": retorno.id, "view_mode": "form", "views": []})
        return action

    def _dunning_import(self, content, file_name=None):
        """Read the file of ``self.account_id``'s bank and book it; a file of
        another agreement, malformed, or already imported is refused whole.

        :raises UserError: naming why, nothing booked."""
        account = self.account_id
        try:
            retorno = cnab240.read_retorno(
                content.decode("latin-1"), account._dunning_cnab_account()
            )
        except cnab240.CnabError as error:
            raise UserError(
                self.env._(
                    "The file cannot be imported for %(account)s, nothing was "
                    "booked: %(error)s",
                    account=account.display_name,
                    error=error,
                )
            ) from error
        model = self.env["dunning.boleto.retorno"]
        previous = model.sudo().search([("digest", "=", retorno.digest)], limit=1)
        if previous:
            raise UserError(
                self.env._(
                    "This file was already imported on %(date)s by %(user)s "
                    "(%(name)s): nothing was booked again.",
                    date=fields.Datetime.to_string(previous.create_date),
                    user=previous.create_uid.name,
                    name=previous.name,
                )
            )
        record = model.create(
            {
                "name": file_name
                or self.env._("Bank return %(number)s", number=retorno.file_number),
                "account_id": account.id,
                "digest": retorno.digest,
                "file_number": retorno.file_number,
                "file_date": retorno.created,
            }
        )
        record.attachment_id = self.env["ir.attachment"].create(
            {
                "name": file_name or f"retorno_{retorno.file_number:06d}.ret",
                "datas": base64.b64encode(content),
                "mimetype": "text/plain",
                "res_model": model._name,
                "res_id": record.id,
            }
        )
        record._dunning_process(retorno.titles)
        return record
