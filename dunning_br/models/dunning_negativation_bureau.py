# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

ADAPTERS = [("csv", "CSV file for upload"), ("http", "HTTP API")]


class DunningNegativationBureau(models.Model):
    """A credit bureau (or the protest notary's intake) and how to reach it:
    an adapter ``dunning.negativation.adapter.<adapter>``."""

    _name = "dunning.negativation.bureau"
    _description = "Credit Bureau"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    adapter = fields.Selection(ADAPTERS, required=True, default="csv")
    kind = fields.Selection(
        [
            ("negativation", "Credit-bureau listing"),
            ("protest", "Protest"),
            ("both", "Listing and protest"),
        ],
        string="Used For",
        required=True,
        default="both",
    )
    api_url = fields.Char(string="API URL", groups="base.group_system")
    api_token = fields.Char(
        string="API Token",
        groups="base.group_system",
        help="Bearer token of the bureau's API; only administrators see it.",
    )
    api_timeout = fields.Integer(
        string="API Timeout (s)", default=20, groups="base.group_system"
    )

    @api.constrains("adapter", "api_url", "api_timeout")
    def _check_api(self):
        for bureau in self.sudo():
            if bureau.adapter != "http":
                continue
            if not (bureau.api_url or "").startswith(("http://", "https://")):
                raise ValidationError(
                    self.env._("Bureau %(name)s: give the API URL.", name=bureau.name)
                )
            if bureau.api_timeout < 1:
                raise ValidationError(
                    self.env._(
                        "Bureau %(name)s: the timeout must be at least a second.",
                        name=bureau.name,
                    )
                )

    def _adapter(self):
        self.ensure_one()
        return self.env[f"dunning.negativation.adapter.{self.adapter}"]

    @api.model
    def _default_for(self, company, kind):
        return self.sudo().search(
            [("company_id", "=", company.id), ("kind", "in", (kind, "both"))],
            limit=1,
        )
