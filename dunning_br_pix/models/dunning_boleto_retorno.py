# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A CNAB 240 return file (retorno) of one boleto agreement, imported once
(by its digest) and booked line by line."""

from odoo import api, fields, models


class DunningBoletoRetorno(models.Model):
    _name = "dunning.boleto.retorno"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Boleto Bank Return File (CNAB 240)"
    _check_company_auto = True
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    account_id = fields.Many2one(
        "dunning.boleto.account",
        string="Boleto Agreement",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    digest = fields.Char(
        required=True,
        readonly=True,
        help="SHA-256 of the file's lines: the same file is imported once.",
    )
    file_number = fields.Integer(readonly=True)
    file_date = fields.Date(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)
    line_ids = fields.One2many(
        "dunning.boleto.retorno.line", "retorno_id", string="Lines", readonly=True
    )
    review_count = fields.Integer(string="To Review", compute="_compute_counts")
    booked_count = fields.Integer(string="Booked", compute="_compute_counts")

    _sql_constraints = [
        ("digest_uniq", "unique(digest)", "A bank return file is imported once.")
    ]

    @api.depends("line_ids.state")
    def _compute_counts(self):
        for retorno in self:
            states = retorno.line_ids.mapped("state")
            retorno.review_count = states.count("review")
            retorno.booked_count = states.count("booked")

    def action_dunning_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }

    def _dunning_process(self, titles):
        """Create and process a line for each title of the file, in order."""
        self.ensure_one()
        line_model = self.env["dunning.boleto.retorno.line"]
        for title in titles:
            line_model.create(line_model._dunning_values(self, title))._dunning_apply(
                title
            )
        review = self.line_ids.filtered(lambda line: line.state == "review")
        if review:
            settlement = self.env["dunning.settlement"]
            texts = self.env["dunning.engine"]._in_company_lang(self.company_id).env
            settlement._dunning_schedule_review(
                self,
                texts._("Bank return lines to review"),
                "\n".join(f"{line.nosso_numero}: {line.note}" for line in review),
                settlement._dunning_collector(self.company_id),
            )
