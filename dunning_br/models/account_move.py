# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.policy import resolve_policy

from odoo import fields, models

from .res_partner import COLLECTION_GROUPS, PAUSE_REASONS


class AccountMove(models.Model):
    _inherit = "account.move"

    dunning_policy_id = fields.Many2one(
        "dunning.policy",
        string="Collection Policy",
        check_company=True,
        copy=False,
        help="Overrides the customer's and the company's collection policy.",
        groups=COLLECTION_GROUPS,
    )
    dunning_excluded = fields.Boolean(
        string="Excluded from Collection", copy=False, groups=COLLECTION_GROUPS
    )
    dunning_exclusion_reason = fields.Char(
        string="Exclusion Reason", copy=False, groups=COLLECTION_GROUPS
    )
    dunning_pause_until = fields.Date(
        string="Collection Paused Until", copy=False, groups=COLLECTION_GROUPS
    )
    dunning_pause_reason = fields.Selection(
        PAUSE_REASONS,
        string="Pause Reason",
        copy=False,
        groups=COLLECTION_GROUPS,
    )
    dunning_history_ids = fields.One2many(
        "dunning.history", "move_id", groups=COLLECTION_GROUPS
    )

    dunning_paid_agreement_id = fields.Many2one(
        "dunning.agreement",
        string="Paid by Agreement",
        compute="_compute_dunning_paid_agreement_id",
        help="The installment agreement whose entry settled this invoice's "
        "installments.",
    )

    def _compute_dunning_paid_agreement_id(self):
        lines = (
            self.env["dunning.agreement.line"]
            .sudo()
            .search(
                [
                    ("move_line_id.move_id", "in", self.ids),
                    ("agreement_id.state", "in", ("active", "fulfilled", "broken")),
                ]
            )
        )
        by_move = {line.move_line_id.move_id.id: line.agreement_id for line in lines}
        for move in self:
            move.dunning_paid_agreement_id = by_move.get(move.id, False)

    def action_view_dunning_paid_agreement(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "dunning.agreement",
            "res_id": self.dunning_paid_agreement_id.id,
            "view_mode": "form",
        }

    def _dunning_policy(self):
        """The collection policy of the invoice, by ``cobranca.policy``'s
        precedence (the daily run's selection builds its SQL from it): its
        own, else its customer's (an active one of the invoice's company),
        else the company default."""
        self.ensure_one()
        partner_policy = self.commercial_partner_id.dunning_policy_id
        if partner_policy.company_id != self.company_id or not partner_policy.active:
            partner_policy = self.env["dunning.policy"]
        return (
            resolve_policy(
                {
                    "invoice": self.dunning_policy_id,
                    "customer": partner_policy,
                    "company": self.company_id.dunning_policy_id,
                }
            )
            or self.env["dunning.policy"]
        )
