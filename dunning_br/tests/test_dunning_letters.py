# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.pdf import PdfReader

from .common import DunningCommon

NOON = " 12:00:00"


@tagged("post_install", "-at_install")
class TestDunningLetterPrinting(DunningCommon, HttpCase):
    """Letters are printed in bulk: one real PDF with every selected letter
    (wkhtmltopdf loads the report assets from this test's HTTP server)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param("report.url", cls.base_url())
        partners = [
            cls._customer(name, street="Rua das Flores, 10")
            for name in ("Carta Um", "Carta Dois")
        ]
        with freeze_time("2025-02-03" + NOON):
            for partner in partners:
                cls._invoice(partner, "2025-01-03")
        cls.company.dunning_catch_up_legal = True  # the D+30 letter is caught up
        with freeze_time("2025-03-05" + NOON):
            cls.engine._run_for(cls.company)
        cls.letters = cls.env["dunning.communication"].search(
            [("partner_id", "in", [p.id for p in partners])]
        )

    def test_print_selected_letters_as_one_pdf(self):
        self.assertEqual(len(self.letters), 2)
        self.assertEqual(set(self.letters.mapped("letter_state")), {"to_render"})
        clerk = new_test_user(
            self.env, login="cobranca.carla", groups="dunning_br.group_dunning_user"
        )
        action = self.letters.with_user(clerk).action_print_letters()
        self.assertEqual(action["type"], "ir.actions.act_url")
        merged = self.env["ir.attachment"].browse(
            int(action["url"].split("/web/content/")[1].split("?")[0])
        )
        self.assertEqual(merged.mimetype, "application/pdf")
        self.assertEqual(set(self.letters.mapped("letter_state")), {"printed"})
        self.assertTrue(all(self.letters.mapped("letter_printed_date")))
        # Each letter keeps its own PDF, as issued, and the file to print has
        # all their pages, in order.
        pages = []
        for letter in self.letters:
            raw = letter.letter_attachment_id.raw
            self.assertTrue(raw.startswith(b"%PDF"))
            self.assertIn(letter.name, letter.letter_attachment_id.name)
            pages.append(len(PdfReader(io.BytesIO(raw)).pages))
        self.assertNotEqual(
            self.letters[0].letter_attachment_id.checksum,
            self.letters[1].letter_attachment_id.checksum,
        )
        self.assertEqual(len(PdfReader(io.BytesIO(merged.raw)).pages), sum(pages))

    def test_only_letters_can_be_printed(self):
        emails = self.env["dunning.communication"].search(
            [("channel", "=", "email")], limit=1
        )
        if not emails:
            with freeze_time("2025-03-10" + NOON):
                self._invoice(self._customer("Cliente Email"), "2025-03-07")
                self.engine._run_for(self.company)
            emails = self.env["dunning.communication"].search(
                [("channel", "=", "email")], limit=1
            )
        with self.assertRaisesRegex(UserError, "at least one collection letter"):
            emails.action_print_letters()
