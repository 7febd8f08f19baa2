# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.schedule import LEGAL_TONES, Step

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class DunningPolicyStep(models.Model):
    """One dated step of a régua: when, how and in which tone to remind."""

    _name = "dunning.policy.step"
    _description = "Collection Policy Step"
    _order = "policy_id, offset_days, id"
    _check_company_auto = True

    policy_id = fields.Many2one(
        "dunning.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    currency_id = fields.Many2one(related="policy_id.currency_id")
    name = fields.Char(required=True, translate=True)
    offset_days = fields.Integer(
        string="Days from Due Date",
        required=True,
        help="Negative: before the due date; 0: on the due date; positive: after "
        "it. After the due date, days count from the next business day when the "
        "due date is not one.",
    )
    day_type = fields.Selection(
        [("calendar", "Calendar days"), ("business", "Business days")],
        required=True,
        default="calendar",
    )
    channel = fields.Selection(
        [
            ("email", "E-mail"),
            ("letter", "Letter (PDF)"),
            ("activity", "Activity for the collector"),
        ],
        required=True,
        default="email",
        help="Other addons add channels (e.g. SMS).",
    )
    tone = fields.Selection(
        [
            ("reminder", "Friendly reminder"),
            ("collection", "Collection notice"),
            ("formal", "Formal notice"),
            ("extrajudicial", "Extrajudicial notice"),
            ("negativation", "Prior notice of credit-bureau listing"),
        ],
        required=True,
        default="reminder",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Template",
        domain=[("model", "=", "dunning.communication")],
    )
    min_amount = fields.Monetary(
        string="Minimum Open Amount",
        currency_field="currency_id",
        help="Installments with a smaller open amount are skipped at this step.",
    )
    create_activity = fields.Boolean(
        string="Activity for the Collector",
        help="Also schedule an activity for the customer's collector.",
    )
    activity_type_id = fields.Many2one("mail.activity.type")
    flag_negativation = fields.Boolean(
        string="Flag for Listing or Protest",
        help="Flag the customer for credit-bureau listing or protest. Done only "
        "when a prior notice of listing was sent for the installment long enough "
        "before (see the policy), as CDC art. 43 §2 requires.",
    )
    negativation_kind = fields.Selection(
        [("negativation", "Credit-bureau listing"), ("protest", "Protest")],
        string="Listing Kind",
        default="negativation",
        help="What the flagged installments are queued for in Listing and "
        "Protest: a credit-bureau listing or a protest.",
    )

    _sql_constraints = [
        (
            "policy_offset_uniq",
            "unique(policy_id, offset_days)",
            "A policy cannot have two steps on the same day.",
        )
    ]

    @api.constrains("channel", "mail_template_id")
    def _check_template(self):
        for step in self:
            if step.channel in self._channels_with_template() and not (
                step.mail_template_id
            ):
                raise ValidationError(
                    self.env._(
                        "Step %(step)s sends messages: choose its template.",
                        step=step.name,
                    )
                )

    @api.model
    def _channels_with_template(self):
        """Channels whose messages are rendered from ``mail_template_id``."""
        return ["email"]

    def _schedule_step(self):
        """This step for ``cobranca.schedule``."""
        self.ensure_one()
        return Step(
            key=self.id,
            offset_days=self.offset_days,
            business_days=self.day_type == "business",
            legal=self._is_legal(),
        )

    def _is_legal(self):
        """Whether the step has legal effect (extrajudicial notice, prior
        notice of listing, flag for listing): never caught up for an
        installment that received no earlier step (``cobranca.schedule``)."""
        self.ensure_one()
        return self.tone in LEGAL_TONES or self.flag_negativation
