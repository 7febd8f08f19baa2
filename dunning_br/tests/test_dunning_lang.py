# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.misc import get_lang

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningLanguage(DunningCommon):
    """A customer whose language is not installed still gets the message:
    in the company's language, and the message's chatter says so."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.missing = (
            cls.env["res.lang"]
            .with_context(active_test=False)
            .search([("active", "=", False), ("code", "not in", ("en_US", "pt_BR"))])[
                :1
            ]
        )
        cls.company_lang = get_lang(cls.env, cls.company.partner_id.lang)

    def _assert_fallback_noted(self, communication):
        self.assertEqual(communication._dunning_lang(), self.company_lang.code)
        # Written for the company's users, in the company's language.
        note = self.env(context={"lang": self.company_lang.code})._(
            "The customer's language, %(wanted)s, is not installed in this "
            "database: the message is written in %(used)s instead.",
            wanted=self.missing.name,
            used=self.company_lang.name,
        )
        self.assertIn(note, "".join(communication.message_ids.mapped("body")))

    @freeze_time("2025-03-10 12:00:00")
    def test_email_in_the_company_language(self):
        self.assertTrue(self.missing)
        partner = self._customer("Client Sans Langue", lang=self.missing.code)
        # Due Friday 07/03: D+3 is Monday 10/03.
        move = self._invoice(partner, "2025-03-07")
        self.engine._run_for(self.company)
        history = self._history(move)
        self.assertEqual(history.state, "sent", history.failure_reason)
        communication = history.communication_id
        self._assert_fallback_noted(communication)
        template = self.env.ref("dunning_br.mail_template_collection")
        mail = self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)])
        self.assertEqual(
            mail.subject,
            template.with_context(lang=self.company_lang.code)._render_field(
                "subject", communication.ids
            )[communication.id],
        )

    def test_letter_in_the_company_language(self):
        partner = self._customer(
            "Client Lettre", lang=self.missing.code, street="Rua das Flores, 10"
        )
        with freeze_time("2025-02-03 12:00:00"):
            move = self._invoice(partner, "2025-01-03")
        # Wednesday 05/03: the latest due step is the D+30 letter, a legal
        # step caught up only when the company allows it.
        self.company.dunning_catch_up_legal = True
        with freeze_time("2025-03-05 12:00:00"):
            self.engine._run_for(self.company)
        communication = self._history(move).communication_id
        self.assertEqual(communication.channel, "letter")
        self._assert_fallback_noted(communication)
        communication._dunning_render_letters()
        self.assertEqual(communication.letter_state, "ready")
        self.assertIn(
            partner.name, communication.letter_attachment_id.raw.decode("utf-8")
        )
