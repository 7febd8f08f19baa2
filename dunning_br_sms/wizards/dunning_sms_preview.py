# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from cobranca.sms import sms_segments, transliterate_pt

from odoo import api, fields, models


class DunningSmsPreview(models.TransientModel):
    """What the SMS of a step looks like: its text, characters, encoding,
    segments and cost, for a message already sent by the régua or, without
    one, with sample values."""

    _name = "dunning.sms.preview"
    _description = "Collection SMS Preview"

    step_id = fields.Many2one(
        "dunning.policy.step", required=True, domain=[("channel", "=", "sms")]
    )
    communication_id = fields.Many2one(
        "dunning.communication",
        string="Rendered for",
        domain="[('step_id', '=', step_id)]",
        help="A message of the step: the text is rendered for its customer. "
        "Empty: each placeholder shows as a sample value.",
    )
    body = fields.Text(string="Text", compute="_compute_preview")
    characters = fields.Integer(compute="_compute_preview")
    encoding = fields.Char(compute="_compute_preview")
    segments = fields.Integer(compute="_compute_preview")
    max_segments = fields.Integer(related="step_id.sms_max_segments")
    cost_estimate = fields.Char(string="Estimated Cost", compute="_compute_preview")

    @api.depends("step_id", "communication_id")
    def _compute_preview(self):
        for wizard in self:
            step = wizard.step_id
            if wizard.communication_id and step.sms_template_id:
                message = wizard.communication_id
                body = step.sms_template_id._render_field(
                    "body", message.ids, compute_lang=True
                )[message.id]
                if step.policy_id.sms_transliterate:
                    body = transliterate_pt(body)
            elif step.sms_template_id:
                body = step._dunning_sms_sample_body()
            else:
                body = ""
            segments = sms_segments(body)
            wizard.body = body
            wizard.characters = segments.characters
            wizard.encoding = segments.encoding
            wizard.segments = segments.count
            wizard.cost_estimate = step._dunning_sms_cost_estimate(segments)
