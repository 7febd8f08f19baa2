# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class DunningStatementReport(models.AbstractModel):
    """The statement of debts (extrato de débitos) of customers: their open
    installments in the companies of the user, updated to ``data['date']``
    (default today) by the aging report (the régua's fine and interest)."""

    _name = "report.dunning_br.report_dunning_statement"
    _description = "Statement of Debts"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids).commercial_partner_id
        day = fields.Date.to_date((data or {}).get("date")) or self.env[
            "dunning.engine"
        ]._today(self.env.company)
        Aging = (
            self.env["dunning.report.aging"]
            .sudo()
            .with_context(dunning_report_date=day)
        )
        # The same rows have other figures on another day: never the cache's.
        Aging.invalidate_model()
        rows = Aging.search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "in", self.env.companies.ids),
            ]
        )
        lines = {partner.id: rows.filtered(lambda r, p=partner: r.partner_id == p)
                 for partner in partners}  # fmt: skip
        return {
            "doc_ids": partners.ids,
            "doc_model": "res.partner",
            "docs": partners.sudo(),
            "statement_date": day,
            "statement_lines": lines,
        }
