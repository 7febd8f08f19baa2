# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.documents import is_valid_cnpj, is_valid_cpf

from odoo import api, fields, models

#: The collection fields that are the company's internal business (who
#: follows the customer, why collection is paused or stopped, the listing
#: flag): readable and writable by the collection groups only. The régua
#: reads them as the system (sudo); portal pages never show them.
COLLECTION_GROUPS = "dunning_br.group_dunning_user"

PAUSE_REASONS = [
    ("dispute", "Dispute"),
    ("promise", "Payment promise"),
    ("negotiation", "Negotiation in progress"),
    ("other", "Other"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    dunning_policy_id = fields.Many2one(
        "dunning.policy",
        string="Collection Policy",
        help="Overrides the company's default policy for this customer's invoices "
        "of the policy's company.",
        groups=COLLECTION_GROUPS,
    )
    dunning_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        help="Who follows this customer's debts.",
        groups=COLLECTION_GROUPS,
    )
    dunning_excluded = fields.Boolean(
        string="Excluded from Collection",
        help="No reminder is sent to this customer until this box is cleared.",
        groups=COLLECTION_GROUPS,
    )
    dunning_exclusion_reason = fields.Char(
        string="Exclusion Reason", groups=COLLECTION_GROUPS
    )
    dunning_pause_until = fields.Date(
        string="Collection Paused Until",
        help="No reminder is sent up to this date included; collection resumes by "
        "itself the day after.",
        groups=COLLECTION_GROUPS,
    )
    dunning_pause_reason = fields.Selection(
        PAUSE_REASONS, string="Pause Reason", groups=COLLECTION_GROUPS
    )
    dunning_pause_note = fields.Char(string="Pause Note", groups=COLLECTION_GROUPS)
    dunning_opt_out_email = fields.Boolean(
        string="No Collection E-mails",
        help="The customer asked not to receive collection e-mails.",
    )
    dunning_opt_out_letter = fields.Boolean(string="No Collection Letters")
    dunning_negativation_flag = fields.Boolean(
        string="Flagged for Listing or Protest",
        readonly=True,
        groups=COLLECTION_GROUPS,
    )
    dunning_negativation_date = fields.Date(
        string="Flagged On", readonly=True, groups=COLLECTION_GROUPS
    )
    dunning_history_count = fields.Integer(
        compute="_compute_dunning_history_count", groups=COLLECTION_GROUPS
    )
    dunning_overdue_amount = fields.Monetary(
        string="Overdue Amount",
        compute="_compute_dunning_overdue_amount",
        currency_field="dunning_currency_id",
        groups=COLLECTION_GROUPS,
    )
    dunning_agreement_ids = fields.One2many(
        "dunning.agreement",
        "partner_id",
        string="Installment Agreements",
        groups=COLLECTION_GROUPS,
    )
    dunning_broken_agreement_count = fields.Integer(
        string="Broken Agreements",
        compute="_compute_dunning_broken_agreement_count",
        groups=COLLECTION_GROUPS,
    )
    dunning_agreement_count = fields.Integer(
        string="Agreements",
        compute="_compute_dunning_agreement_count",
        groups=COLLECTION_GROUPS,
    )
    dunning_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_dunning_overdue_amount",
        groups=COLLECTION_GROUPS,
    )

    def _compute_dunning_history_count(self):
        groups = self.env["dunning.history"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_history_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def _compute_dunning_agreement_count(self):
        groups = self.env["dunning.agreement"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_agreement_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def action_view_dunning_agreements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_br.action_dunning_agreement"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def _compute_dunning_broken_agreement_count(self):
        groups = (
            self.env["dunning.agreement"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "=", "broken"),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_broken_agreement_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def _compute_dunning_overdue_amount(self):
        today = fields.Date.context_today(self)
        company = self.env.company
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("date_maturity", "<", today),
                *self.env["account.move.line"]._dunning_installment_domain(),
            ],
            ["partner_id"],
            ["amount_residual:sum"],
        )
        amounts = {partner.id: amount for partner, amount in groups}
        for partner in self:
            partner.dunning_currency_id = company.currency_id
            partner.dunning_overdue_amount = amounts.get(
                partner.commercial_partner_id.id, 0.0
            )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "dunning_policy_id",
            "dunning_collector_id",
            "dunning_excluded",
            "dunning_exclusion_reason",
            "dunning_pause_until",
            "dunning_pause_reason",
            "dunning_pause_note",
        ]

    def _dunning_opted_out(self, channel):
        """Whether the customer refused reminders through ``channel``; channels
        added by other addons come with a ``dunning_opt_out_<channel>`` field."""
        self.ensure_one()
        field = f"dunning_opt_out_{channel}"
        return field in self._fields and bool(self[field])

    def _dunning_is_consumer(self):
        """Consumers (CDC) are individuals: a CPF, or no document and not a
        company. Their late fine is capped at 2%."""
        self.ensure_one()
        vat = self.commercial_partner_id.vat or ""
        if is_valid_cpf(vat):
            return True
        if is_valid_cnpj(vat):
            return False
        return not self.commercial_partner_id.is_company

    def action_view_dunning_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dunning_br.action_dunning_history"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_by_state": 0}
        return action
