# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import html2plaintext
from odoo.tools.pdf import PdfReader

from odoo.addons.dunning_br.models.dunning_communication import _split_letters

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
            for name in ("Carta Um", "Carta Dois", "Carta Longa")
        ]
        with freeze_time("2025-02-03" + NOON):
            for partner in partners:
                cls._invoice(partner, "2025-01-03")
            # A letter listing 30 installments takes more than one page.
            for _index in range(29):
                cls._invoice(partners[2], "2025-01-03", amount=10.0)
        cls.company.dunning_catch_up_legal = True  # the D+30 letter is caught up
        with freeze_time("2025-03-05" + NOON):
            cls.engine._run_for(cls.company)
        cls.letters = cls.env["dunning.communication"].search(
            [("partner_id", "in", [p.id for p in partners])]
        )

    def _page_texts(self, pdf):
        return [
            " ".join((page.extract_text() or "").split())
            for page in PdfReader(io.BytesIO(pdf)).pages
        ]

    def test_print_selected_letters_as_one_pdf(self):
        self.assertEqual(len(self.letters), 3)
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

    def test_letters_rendered_together_are_the_letters_rendered_one_by_one(self):
        """The letters of a batch come out of ONE wkhtmltopdf run, split per
        letter, page by page the same as each letter rendered alone; the
        creditor's header (name, CNPJ, address, the letter's reference) is on
        each letter's first page with Debian's wkhtmltopdf too."""
        report = self.env.ref("dunning_br.action_report_dunning_letter")
        Report = type(report)
        runs = []
        run_wkhtmltopdf = Report._run_wkhtmltopdf

        def counting_run(report, bodies, *args, **kwargs):
            runs.append(len(bodies))
            return run_wkhtmltopdf(report, bodies, *args, **kwargs)

        # As the scheduled action renders them: as the superuser.
        letters = self.letters.with_user(SUPERUSER_ID).with_context(
            force_report_rendering=True
        )
        with patch.object(Report, "_run_wkhtmltopdf", counting_run):
            self.assertEqual(letters._dunning_render_letters(), letters)
        self.assertEqual(runs, [1], "one wkhtmltopdf run for the three letters")
        self.assertEqual(set(self.letters.mapped("letter_state")), {"ready"})
        # Each letter's chatter has one note saying it is ready, its PDF
        # attached, as when letters were rendered one by one.
        for letter in self.letters:
            notes = letter.message_ids.filtered("attachment_ids")
            self.assertEqual(len(notes), 1, letter.partner_id.name)
            self.assertEqual(notes.attachment_ids, letter.letter_attachment_id)
            self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
            # Rendered by the system (the scheduled action): signed by the
            # company's collector, as the letter's issue, not OdooBot.
            self.assertEqual(notes.author_id, self.collector.partner_id)
            self.assertEqual(
                html2plaintext(notes.body),
                self.env._("Collection letter ready to print."),
            )
        single = report.with_context(
            force_report_rendering=True, report_pdf_no_attachment=True
        )
        for letter in self.letters:
            batch_pages = self._page_texts(letter.letter_attachment_id.raw)
            alone_pages = self._page_texts(
                single._render_qweb_pdf(report, letter.ids)[0]
            )
            self.assertEqual(batch_pages, alone_pages, letter.partner_id.name)
            first = batch_pages[0]
            self.assertIn(self.company.name, first)
            self.assertIn(f"Ref.: {letter._dunning_letter_reference()}", first)
            self.assertIn(letter.partner_id.name, first)
            for other in self.letters - letter:
                self.assertNotIn(other.partner_id.name, " ".join(batch_pages))
        longest = self.letters.filtered(lambda c: c.partner_id.name == "Carta Longa")
        self.assertGreater(len(self._page_texts(longest.letter_attachment_id.raw)), 1)

    def test_a_pdf_with_other_letters_than_expected_is_not_split(self):
        """A batch's PDF whose first-page markers are not one per letter is
        not split (the letters are then rendered one by one)."""
        report = self.env.ref("dunning_br.action_report_dunning_letter")
        pdf = self.letters._dunning_letters_pdf(report)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        self.assertGreater(pages, 3)  # the long letter has two pages or more
        parts = _split_letters(pdf, 3)
        self.assertEqual(len(parts), 3)
        # Each letter's PDF stands alone (read strictly: every object it
        # refers to is in it).
        self.assertEqual(
            sum(len(PdfReader(io.BytesIO(part), strict=True).pages) for part in parts),
            pages,
        )
        self.assertIsNone(_split_letters(pdf, 2))
        self.assertIsNone(_split_letters(pdf, pages))
        # A PDF without markers (another report) is not split either.
        invoice = self.env["account.move"].search(
            [("partner_id", "in", self.letters.partner_id.ids)], limit=1
        )
        invoice_report = self.env.ref("account.account_invoices")
        other = invoice_report.with_context(
            force_report_rendering=True
        )._render_qweb_pdf(invoice_report, invoice.ids)[0]
        self.assertIsNone(_split_letters(other, 1))

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
