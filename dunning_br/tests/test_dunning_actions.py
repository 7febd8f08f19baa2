# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools.misc import formatLang, get_lang

from .common import DunningCommon, translated_term

NOON = " 12:00:00"


@tagged("post_install", "-at_install")
class TestDunningActions(DunningCommon):
    """What the steps do besides e-mails: letters, activities, flags."""

    def _notices_to(self, partner, subject):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", partner.ids), ("subject", "=", subject)]
        )

    def test_letter_states_the_updated_total_in_words(self):
        partner = self._customer("Cliente Carta", street="Rua das Flores, 10")
        with freeze_time("2025-02-03" + NOON):
            move = self._invoice(partner, "2025-01-03", amount=1000.0)
        # The first run, on Wednesday 05/03, catches up with the latest due step:
        # the D+30 letter (the manager allowed legal steps by catch-up).
        self.company.dunning_catch_up_legal = True
        with freeze_time("2025-03-05" + NOON):
            self.engine._run_for(self.company)
        row = self._history(move).filtered(lambda h: h.step_id == self.step_30)
        self.assertEqual(row.state, "sent")
        letter = row.communication_id
        # Issued by the run, rendered right after by the letters' scheduled
        # action, which the run triggered.
        self.assertEqual(letter.letter_state, "to_render")
        self.assertFalse(letter.letter_attachment_id)
        letters_cron = self.env.ref("dunning_br.ir_cron_dunning_letters")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", letters_cron.id)])
        )
        self.assertEqual(
            self.env["dunning.communication"]._cron_render_letters(), (1, 0)
        )
        self.assertEqual(letter.letter_state, "ready")
        self.assertTrue(letter.letter_attachment_id)
        note = letter.message_ids.filtered("attachment_ids")
        self.assertEqual(note.attachment_ids, letter.letter_attachment_id)
        # A second pass renders nothing again.
        self.assertEqual(
            self.env["dunning.communication"]._cron_render_letters(), (0, 0)
        )
        # 61 days late: fine 20.00, interest 1000 x 1% / 30 x 61 = 20.33.
        self.assertAlmostEqual(letter.amount_total, 1040.33)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("dunning_br.report_dunning_letter", letter.ids)[0]
            .decode()
        )
        self.assertIn(
            translated_term(
                self.env.ref("dunning_br.report_dunning_letter_document"),
                "arch_db",
                "Extrajudicial notice",
                letter._dunning_lang(),
            ),
            html,
        )
        self.assertIn("Cliente Carta", html)
        self.assertIn("mil e quarenta reais e trinta e três centavos", html)
        self.assertIn(move.name, html)

    def test_a_letter_that_cannot_be_rendered_stays_queued(self):
        partners = [self._customer(name) for name in ("Carta Boa", "Carta Ruim")]
        self.company.dunning_catch_up_legal = True  # the D+30 letter is caught up
        with freeze_time("2025-02-03" + NOON):
            for partner in partners:
                self._invoice(partner, "2025-01-03")
        with freeze_time("2025-03-05" + NOON):
            self.engine._run_for(self.company)
        Communication = self.env["dunning.communication"]
        good, bad = (
            Communication.search([("partner_id", "=", p.id)]) for p in partners
        )
        Report = type(self.env["ir.actions.report"])
        render = Report._render_qweb_pdf

        def failing_render(report, report_ref, res_ids=None, data=None):
            if bad.id in res_ids:
                raise OSError("wkhtmltopdf crashed")
            return render(report, report_ref, res_ids=res_ids, data=data)

        with (
            patch.object(Report, "_render_qweb_pdf", failing_render),
            self.assertLogs(
                "odoo.addons.dunning_br.models.dunning_communication", "ERROR"
            ) as logs,
        ):
            self.assertEqual(Communication._cron_render_letters(), (1, 1))
        self.assertIn("wkhtmltopdf crashed", logs.output[0])
        self.assertEqual(good.letter_state, "ready")
        self.assertEqual(bad.letter_state, "to_render")
        self.assertFalse(bad.letter_attachment_id)
        # The next run renders it.
        self.assertEqual(Communication._cron_render_letters(), (1, 0))
        self.assertEqual(bad.letter_state, "ready")

    @freeze_time("2025-03-10" + NOON)
    def test_activity_for_the_collector(self):
        collector = new_test_user(
            self.env, login="cobradora.ana", groups="dunning_br.group_dunning_user"
        )
        self.step_10.create_activity = True
        partner = self._customer("Cliente Ligar", dunning_collector_id=collector.id)
        self._invoice(partner, "2025-02-28")
        self.engine._run_for(self.company)
        activity = partner.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, collector)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        # In the language of the run (the note is for the collector).
        self.assertIn(formatLang(self.env, 1023.33), activity.note)
        self.assertEqual(activity.date_deadline, date(2025, 3, 10))
        # Found in the collector's activities: no e-mail per activity (a
        # morning's run schedules hundreds).
        self.assertFalse(
            self.env["mail.mail"].search(
                [("recipient_ids", "in", collector.partner_id.ids)]
            )
        )

    def test_flag_for_listing_only_after_the_prior_notice(self):
        self.policy.negativation_notice_days = 10
        notice = self.env["dunning.policy.step"].create(
            {
                "policy_id": self.policy.id,
                "name": "Aviso prévio",
                "offset_days": 45,
                "tone": "negativation",
                "mail_template_id": self.env.ref(
                    "dunning_br.mail_template_negativation"
                ).id,
            }
        )
        flag = self.env["dunning.policy.step"].create(
            {
                "policy_id": self.policy.id,
                "name": "Negativar",
                "offset_days": 60,
                "tone": "negativation",
                "channel": "activity",
                "flag_negativation": True,
            }
        )
        with_notice = self._customer("Com Aviso")
        without_notice = self._customer("Sem Aviso")
        with freeze_time("2025-01-02" + NOON):
            move_notice = self._invoice(with_notice, "2025-01-02")
        # Due 02/01: D+45 is Monday 17/02.
        with freeze_time("2025-02-17" + NOON):
            self.engine._run_for(self.company)
        self.assertEqual(self._history(move_notice).step_id, notice)
        communication = self._history(move_notice).communication_id
        self.assertIn(
            self._rendered(
                self.env.ref("dunning_br.mail_template_negativation"), communication
            ),
            communication.message_ids.mapped("subject"),
        )
        with freeze_time("2025-01-02" + NOON):
            move_no_notice = self._invoice(without_notice, "2025-01-02")
        # D+60 is Monday 03/03 (Carnaval): it goes out on Wednesday 05/03.
        with freeze_time("2025-03-05" + NOON):
            self.engine._run_for(self.company)
        flagged = self._history(move_notice).filtered(lambda h: h.step_id == flag)
        self.assertEqual(flagged.state, "sent")
        self.assertTrue(with_notice.dunning_negativation_flag)
        self.assertEqual(str(with_notice.dunning_negativation_date), "2025-03-05")
        # The installment that never got its notice gets it now (first run
        # catching up), and its flag waits for the notice period.
        rows = self._history(move_no_notice)
        self.assertEqual(rows.step_id, notice | flag)
        given = rows.filtered(lambda h: h.step_id == notice)
        self.assertEqual(given.state, "sent")
        notice_subject = self._rendered(
            self.env.ref("dunning_br.mail_template_negativation"),
            given.communication_id,
        )
        self.assertEqual(len(self._notices_to(without_notice, notice_subject)), 1)
        waiting = rows.filtered(lambda h: h.step_id == flag)
        self.assertEqual(waiting.state, "skipped")
        self.assertEqual(waiting.skip_reason, "awaiting_notice")
        self.assertFalse(without_notice.dunning_negativation_flag)
        # Monday 10/03, 5 days later: still waiting; the notice is not sent again.
        with freeze_time("2025-03-10" + NOON):
            self.engine._run_for(self.company)
        self.assertEqual(waiting.skip_reason, "awaiting_notice")
        self.assertEqual(len(self._history(move_no_notice)), 2)
        self.assertFalse(without_notice.dunning_negativation_flag)
        # Saturday 15/03, 10 days later, is no business day: nothing happens.
        with freeze_time("2025-03-15" + NOON):
            self.engine._run_for(self.company)
        self.assertEqual(waiting.state, "skipped")
        # Monday 17/03: the notice period is over, the customer is flagged.
        with freeze_time("2025-03-17" + NOON):
            self.engine._run_for(self.company)
        self.assertEqual(waiting.state, "sent")
        self.assertTrue(without_notice.dunning_negativation_flag)
        self.assertEqual(str(without_notice.dunning_negativation_date), "2025-03-17")
        self.assertEqual(len(self._notices_to(without_notice, notice_subject)), 1)

    def test_flag_without_a_notice_step_in_the_policy_is_never_done(self):
        self.env["dunning.policy.step"].create(
            {
                "policy_id": self.policy.id,
                "name": "Negativar",
                "offset_days": 60,
                "tone": "negativation",
                "channel": "activity",
                "flag_negativation": True,
            }
        )
        partner = self._customer("Sem Etapa de Aviso")
        with freeze_time("2025-01-02" + NOON):
            move = self._invoice(partner, "2025-01-02")
        with freeze_time("2025-03-05" + NOON):
            self.engine._run_for(self.company)
        row = self._history(move)
        self.assertEqual(row.skip_reason, "no_prior_notice")
        self.assertFalse(partner.dunning_negativation_flag)

    @freeze_time("2025-03-10" + NOON)
    def test_invoice_in_another_currency_is_skipped(self):
        currency = self.setup_other_currency("EUR")
        partner = self._customer("Cliente Euro")
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "currency_id": currency.id,
                "invoice_date": "2025-03-07",
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Serviço", "price_unit": 100.0, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        self.engine._run_for(self.company)
        self.assertEqual(self._history(move).skip_reason, "currency")

    def test_failed_sends_stop_after_the_policy_limit(self):
        self.policy.max_send_attempts = 2
        partner = self._customer("Sempre Falha")
        with freeze_time("2025-03-10" + NOON):
            move = self._invoice(partner, "2025-03-07")
        for day in ("2025-03-10", "2025-03-11", "2025-03-12"):
            with freeze_time(day + NOON):
                self.engine._run_for(self.company)
            mails = self.env["mail.mail"].search(
                [("recipient_ids", "in", partner.ids), ("state", "=", "outgoing")]
            )
            mails._postprocess_sent_message(
                success_pids=[], failure_reason="refused", failure_type="mail_smtp"
            )
            mails.state = "exception"
        history = self._history(move)
        self.assertEqual(history.state, "failed")
        self.assertEqual(history.attempt_count, 2)
        self.assertEqual(
            self.env["mail.mail"].search_count([("recipient_ids", "in", partner.ids)]),
            2,
        )

    @freeze_time("2025-03-10" + NOON)
    def test_partner_chatter_and_smart_button(self):
        partner = self._customer("Cliente Chatter")
        self._invoice(partner, "2025-03-07")
        self.engine._run_for(self.company)
        # Noted for the company's users, in the company's language.
        lang = get_lang(self.env, self.company.partner_id.lang).code
        sent = self.env(context={"lang": lang})._("Collection reminder sent: %(link)s")
        self.assertIn(sent.split("%(link)s")[0].strip(), partner.message_ids[0].body)
        self.assertEqual(partner.dunning_history_count, 1)
        action = partner.action_view_dunning_history()
        self.assertEqual(
            self.env["dunning.history"].search(action["domain"]).partner_id, partner
        )
