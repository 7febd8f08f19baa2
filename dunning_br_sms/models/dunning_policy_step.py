# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from decimal import Decimal

from cobranca.sms import SmsError, check_sms, sms_segments, transliterate_pt

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_amount

#: What a placeholder of an SMS template stands for when the template is
#: checked on save (the rendered text is checked again on sending).
SAMPLE_WIDTH = 20
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.DOTALL)


class DunningPolicyStep(models.Model):
    _inherit = "dunning.policy.step"

    channel = fields.Selection(
        selection_add=[("sms", "SMS")],
        ondelete={"sms": lambda steps: steps.write({"channel": "activity"})},
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        domain=[("model", "=", "dunning.communication")],
    )
    sms_max_segments = fields.Integer(
        string="Maximum SMS Segments",
        default=2,
        help="A text message longer than this is not sent (its reminder fails "
        "with the reason); it is never cut.",
    )
    sms_sample = fields.Text(
        string="SMS Preview", compute="_compute_sms_preview", compute_sudo=True
    )
    sms_sample_segments = fields.Integer(
        string="SMS Segments", compute="_compute_sms_preview", compute_sudo=True
    )
    sms_sample_encoding = fields.Char(
        string="SMS Encoding", compute="_compute_sms_preview", compute_sudo=True
    )
    sms_cost_estimate = fields.Char(
        string="Estimated Cost", compute="_compute_sms_preview", compute_sudo=True
    )

    @api.depends(
        "channel", "sms_template_id.body", "policy_id.sms_transliterate", "company_id"
    )
    @api.depends_context("lang")
    def _compute_sms_preview(self):
        for step in self:
            if step.channel != "sms" or not step.sms_template_id:
                step.sms_sample = False
                step.sms_sample_segments = 0
                step.sms_sample_encoding = False
                step.sms_cost_estimate = False
                continue
            text = step._dunning_sms_sample_body()
            segments = sms_segments(text)
            step.sms_sample = text
            step.sms_sample_segments = segments.count
            step.sms_sample_encoding = segments.encoding
            step.sms_cost_estimate = step._dunning_sms_cost_estimate(segments)

    @api.constrains(
        "channel", "sms_template_id", "sms_max_segments", "mail_template_id", "tone"
    )
    def _check_sms_template(self):
        for step in self.filtered(lambda s: s.channel == "sms"):
            if not step.sms_template_id:
                raise ValidationError(
                    self.env._(
                        "Step %(step)s sends text messages: choose its SMS template.",
                        step=step.name,
                    )
                )
            if step.sms_max_segments < 1:
                raise ValidationError(
                    self.env._(
                        "Step %(step)s: a text message has at least one segment.",
                        step=step.name,
                    )
                )
            text = step._dunning_sms_sample_body()
            try:
                check_sms(text, step.sms_max_segments)
            except SmsError as error:
                raise ValidationError(
                    step._dunning_sms_error_message(error, sample=True)
                ) from error

    def _dunning_sms_sample_body(self):
        """The template's text with each placeholder replaced by a value of
        typical width (the link by a real link of the company), transliterated
        as the policy says: what the cap is checked against on save."""
        self.ensure_one()
        company = self.company_id or self.env.company
        link = company.partner_id._dunning_portal_url(company)

        def sample(match):
            if "portal_url" in match.group(0):
                return link
            return "X" * SAMPLE_WIDTH

        text = _PLACEHOLDER.sub(sample, self.sms_template_id.body or "")
        if self.policy_id.sms_transliterate:
            text = transliterate_pt(text)
        return text

    def _dunning_sms_error_message(self, error, sample=False):
        """``error`` (``cobranca.sms.SmsError``) as a sentence for users."""
        self.ensure_one()
        if not getattr(error, "segments", None):
            return self.env._(
                "The text message of step %(step)s is empty.", step=self.name
            )
        segments = error.segments
        values = {
            "step": self.name,
            "count": segments.count,
            "max": error.max_segments,
            "length": segments.characters,
            "encoding": segments.encoding,
        }
        if sample:
            return self.env._(
                "The SMS template of step %(step)s gives about %(length)s "
                "characters in %(encoding)s, %(count)s segments: more than the "
                "%(max)s segments allowed. Shorten it, allow more segments or "
                "remove the accents (policy option).",
                **values,
            )
        return self.env._(
            "The text message of step %(step)s has %(length)s characters in "
            "%(encoding)s, %(count)s segments: more than the %(max)s segments "
            "allowed. It was not sent (never cut).",
            **values,
        )

    def _dunning_sms_cost_estimate(self, segments):
        """The estimated cost of a message of ``segments``
        (``cobranca.sms.SmsSegments``) with each SMS gateway of the step's
        company that has a price per segment, e.g. "Zenvia: R$ 0,18
        (2 × R$ 0,09)"; empty when none has."""
        self.ensure_one()
        gateways = (
            self.env["dunning.sms.gateway"]
            .sudo()
            .search([("company_id", "=", self.company_id.id)])
            .filtered("cost_per_segment")
        )
        return "; ".join(
            self.env._(
                "%(gateway)s: %(total)s (%(count)s × %(unit)s)",
                gateway=gateway.name,
                total=format_amount(
                    self.env,
                    float(Decimal(str(gateway.cost_per_segment)) * segments.count),
                    gateway.currency_id,
                ),
                count=segments.count,
                unit=format_amount(
                    self.env, gateway.cost_per_segment, gateway.currency_id
                ),
            )
            for gateway in gateways
        )
