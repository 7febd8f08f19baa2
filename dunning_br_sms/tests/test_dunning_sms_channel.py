# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import format_amount

from odoo.addons.dunning_br.tests.common import DunningCommon

# Friday 7 March 2025: D+1 of the installments due on Thursday 6 March.
FRIDAY_MORNING = "2025-03-07 12:00:00"  # 09:00 in São Paulo (UTC-3)
FRIDAY_NIGHT = "2025-03-08 00:00:00"  # 21:00 in São Paulo
DUE = "2025-03-06"


@tagged("post_install", "-at_install")
class TestDunningSmsChannel(DunningCommon):
    """The SMS step of a régua. No SMS leaves the database: they stay in core's
    queue (``sms.sms`` outgoing), and the gateways' reports are played by
    writing the state a gateway writes and calling the hook it calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "America/Sao_Paulo"
        cls.template = cls.env.ref("dunning_br_sms.sms_template_reminder")
        cls.step_sms = cls.env["dunning.policy.step"].create(
            {
                "policy_id": cls.policy.id,
                "name": "SMS D+1",
                "offset_days": 1,
                "tone": "collection",
                "channel": "sms",
                "sms_template_id": cls.template.id,
            }
        )
        cls.SmsSms = cls.env["sms.sms"].sudo()

    def _sms_to(self, partner):
        messages = self.env["dunning.communication"].search(
            [("partner_id", "=", partner.id)]
        )
        return self.SmsSms.search([("dunning_communication_id", "in", messages.ids)])

    def _history(self, moves):
        return self.env["dunning.history"].search([("move_id", "in", moves.ids)])

    def _run(self):
        self.engine._run_for(self.company)

    @freeze_time(FRIDAY_MORNING)
    def test_one_sms_per_customer_and_step_and_rerun_sends_nothing(self):
        customer = self._customer("Padaria Pão Quente", mobile="(11) 98765-4321")
        moves = self._invoice(customer, DUE) | self._invoice(customer, DUE, 250.0)
        self._run()
        sms = self._sms_to(customer)
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.state, "outgoing")
        self.assertEqual(sms.number, "+5511987654321")
        message = sms.dunning_communication_id
        self.assertIn(self.company.name, sms.body)
        self.assertIn("/my/pendencias?token=", sms.body)
        self.assertIn(self._number(message, message.amount_total), sms.body)
        self.assertNotIn("\N{NO-BREAK SPACE}", sms.body)
        self.assertEqual((message.sms_state, message.sms_encoding), ("queued", "GSM-7"))
        self.assertLessEqual(message.sms_segments, 2)
        history = self._history(moves)
        self.assertEqual(set(history.mapped("state")), {"sent"})
        self.assertEqual(set(history.mapped("sms_state")), {"queued"})
        self.assertEqual(history.communication_id, message)
        # In the customer's chatter as a collection reminder.
        self.assertTrue(
            customer.message_ids.filtered(lambda m: message.name in (m.body or ""))
        )
        self._run()
        self.assertEqual(self._sms_to(customer), sms)
        self.assertEqual(len(self._history(moves)), 2)

    @freeze_time(FRIDAY_MORNING)
    def test_landlines_and_missing_numbers_are_skipped_with_the_reason(self):
        landline = self._customer("Oficina", phone="(31) 3234-5678")
        nothing = self._customer("Sem Celular", phone="190")
        mobile_in_phone = self._customer("Celular no Fone", phone="021 99999 8888")
        moves = {
            landline: self._invoice(landline, DUE),
            nothing: self._invoice(nothing, DUE),
            mobile_in_phone: self._invoice(mobile_in_phone, DUE),
        }
        self._run()
        skipped = self._history(moves[landline])
        self.assertEqual(
            (skipped.state, skipped.skip_reason), ("skipped", "sms_landline")
        )
        self.assertEqual(self._history(moves[nothing]).skip_reason, "no_mobile")
        self.assertFalse(self._sms_to(landline) | self._sms_to(nothing))
        self.assertEqual(self._sms_to(mobile_in_phone).number, "+5521999998888")

    @freeze_time(FRIDAY_MORNING)
    def test_opt_out_is_honoured_and_legal_notices_go_by_email_or_letter(self):
        refused = self._customer(
            "Recusou SMS", mobile="11 98765-4321", dunning_opt_out_sms=True
        )
        move = self._invoice(refused, DUE)
        self._run()
        self.assertEqual(self._history(move).skip_reason, "opt_out")
        self.assertFalse(self._sms_to(refused))

    @freeze_time(FRIDAY_MORNING)
    def test_legal_notices_refused_by_sms_go_by_email_or_letter(self):
        self.step_sms.write(
            {
                "tone": "extrajudicial",
                "mail_template_id": self.env.ref("dunning_br.mail_template_formal").id,
            }
        )
        by_mail = self._customer(
            "Recusou Com Email", mobile="11 98765-4321", dunning_opt_out_sms=True
        )
        by_letter = self._customer("Recusou Sem Email", dunning_opt_out_sms=True)
        by_letter.email = False
        moves = self._invoice(by_mail, DUE) | self._invoice(by_letter, DUE)
        self._run()
        history = self._history(moves)
        self.assertEqual(set(history.mapped("state")), {"sent"})
        mail = history.filtered(lambda h: h.partner_id == by_mail).communication_id
        letter = history.filtered(lambda h: h.partner_id == by_letter).communication_id
        self.assertEqual(
            (mail.sms_fallback_channel, mail.sms_state), ("email", "fallback")
        )
        self.assertIn(by_mail, mail.mail_message_id.partner_ids)
        self.assertEqual(mail.mail_message_id.message_type, "notification")
        self.assertEqual(letter.sms_fallback_channel, "letter")
        self.assertEqual(letter.letter_state, "to_render")
        self.assertFalse(self._sms_to(by_mail) | self._sms_to(by_letter))
        # The note says so (in the company's language).
        self.assertTrue(
            mail.message_ids.filtered(
                lambda m: m.message_type == "notification" and "SMS:" in (m.body or "")
            )
        )

    def test_outside_the_contact_hours_the_sms_waits_for_them(self):
        customer = self._customer("Noturno", mobile="(11) 98765-4321")
        with freeze_time(FRIDAY_NIGHT):
            move = self._invoice(customer, DUE)
            self._run()
            sms = self._sms_to(customer)
            self.assertEqual(sms.state, "dunning_scheduled")
            # Saturday 08:00 in São Paulo.
            self.assertEqual(sms.dunning_scheduled_at, datetime(2025, 3, 8, 11, 0))
            self.assertEqual(self._history(move).sms_state, "scheduled")
            self.assertFalse(self.SmsSms._cron_dunning_release_scheduled())
        with freeze_time("2025-03-08 10:59:00"):
            self.assertFalse(self.SmsSms._cron_dunning_release_scheduled())
            self.assertEqual(sms.state, "dunning_scheduled")
        with freeze_time("2025-03-08 11:00:00"):
            self.assertEqual(self.SmsSms._cron_dunning_release_scheduled(), sms)
        self.assertEqual(sms.state, "outgoing")
        self.assertEqual(self._history(move).sms_state, "queued")

    def test_a_late_release_waits_again_and_sundays_are_closed(self):
        customer = self._customer("Domingo", mobile="(11) 98765-4321")
        with freeze_time(FRIDAY_NIGHT):
            self._invoice(customer, DUE)
            self._run()
        sms = self._sms_to(customer)
        # The scheduled action did not run on Saturday: on Sunday it waits
        # for Monday 08:00.
        with freeze_time("2025-03-09 15:00:00"):
            self.assertFalse(self.SmsSms._cron_dunning_release_scheduled())
        self.assertEqual(sms.state, "dunning_scheduled")
        self.assertEqual(sms.dunning_scheduled_at, datetime(2025, 3, 10, 11, 0))
        # A bank holiday is closed too (Carnaval Monday 3 March 2025).
        self.assertEqual(
            self.company._dunning_sms_next_contact_time(datetime(2025, 3, 1, 20, 0)),
            datetime(2025, 3, 5, 11, 0),
        )

    @freeze_time(FRIDAY_MORNING)
    def test_too_long_fails_with_the_reason_and_is_never_cut(self):
        with self.assertRaises(ValidationError):
            self.template.body = "{{ object.company_id.name }} " + "muito longo " * 40
        with self.assertRaises(ValidationError):
            self.step_sms.sms_max_segments = 0
        long_name = self.env["sms.template"].create(
            {
                "name": "Nome",
                "model_id": self.env.ref("dunning_br.model_dunning_communication").id,
                "body": "{{ object.partner_id.name }}: "
                "{{ object._dunning_portal_url() }}",
            }
        )
        self.step_sms.write({"sms_template_id": long_name.id, "sms_max_segments": 1})
        customer = self._customer("Nome " + "Comprido " * 30, mobile="11987654321")
        move = self._invoice(customer, DUE)
        with self.assertLogs("odoo.addons.dunning_br.models.dunning_engine", "WARNING"):
            self._run()
        history = self._history(move)
        self.assertEqual(history.state, "failed")
        # "... 3 segments: more than the 1 segments allowed", in the
        # company's language.
        self.assertRegex(history.failure_reason, r"GSM-7, 3 \w+: .* 1 \w+ ")
        self.assertFalse(self._sms_to(customer))

    @freeze_time(FRIDAY_MORNING)
    def test_history_follows_the_gateway_reports(self):
        customer = self._customer("Entregue", mobile="(11) 98765-4321")
        failing = self._customer("Falhou", mobile="(21) 99999-8888")
        move = self._invoice(customer, DUE)
        failed_move = self._invoice(failing, DUE)
        self._run()
        sms, bad = self._sms_to(customer), self._sms_to(failing)
        sms.state = "pending"  # the gateway accepted it
        sms._dunning_sms_status_changed()
        self.assertEqual(self._history(move).sms_state, "sent")
        sms.state = "sent"  # delivery report
        sms._dunning_sms_status_changed()
        self.assertEqual(self._history(move).sms_state, "delivered")
        sms.state = "pending"  # a late "sent" report changes nothing
        sms._dunning_sms_status_changed()
        self.assertEqual(self._history(move).sms_state, "delivered")
        self.assertTrue(
            customer.message_ids.filtered(lambda m: "+5511987654321" in (m.body or ""))
        )
        bad.write(
            {
                "state": "error",
                "failure_type": "sms_number_format",
                "dunning_failure_reason": "Número inexistente (código 11)",
            }
        )
        bad._dunning_sms_status_changed()
        history = self._history(failed_move)
        self.assertEqual((history.state, history.sms_state), ("failed", "failed"))
        self.assertEqual(history.failure_reason, "Número inexistente (código 11)")
        self.assertTrue(
            failing.message_ids.filtered(
                lambda m: "Número inexistente" in (m.body or "")
            )
        )

    def test_an_sms_reply_opts_out_and_cancels_the_waiting_sms(self):
        customer = self._customer("Respondeu Sair", mobile="(11) 98765-4321")
        contact = self.env["res.partner"].create(
            {"name": "Contato", "parent_id": customer.id, "type": "contact"}
        )
        with freeze_time(FRIDAY_NIGHT):
            move = self._invoice(customer, DUE)
            self._run()
        sms = self._sms_to(customer)
        self.assertEqual(sms.state, "dunning_scheduled")
        contact._dunning_sms_opt_out("SAIR")
        self.assertTrue(customer.dunning_opt_out_sms)
        self.assertEqual(sms.state, "canceled")
        self.assertEqual(self._history(move).sms_state, "failed")
        self.assertTrue(
            customer.message_ids.filtered(lambda m: "SAIR" in (m.body or ""))
        )

    def test_transliteration_keeps_the_sms_in_gsm7(self):
        self.template.body = "{{ object.company_id.name }}: sua fatura não foi paga."
        self.assertEqual(self.step_sms.sms_sample_encoding, "GSM-7")
        self.assertIn("nao foi paga", self.step_sms.sms_sample)
        self.policy.sms_transliterate = False
        self.step_sms.invalidate_recordset()
        self.assertEqual(self.step_sms.sms_sample_encoding, "UCS-2")
        self.assertEqual(self.step_sms.sms_cost_estimate, "")

    def test_contact_hours_are_validated(self):
        with self.assertRaises(ValidationError):
            self.company.dunning_sms_weekday_to = 7.0  # before 08:00
        with self.assertRaises(ValidationError):
            self.company.write(
                {
                    "dunning_sms_weekday_to": 8.0,
                    "dunning_sms_saturday_to": 8.0,
                }
            )

    @freeze_time(FRIDAY_MORNING)
    def test_preview_shows_the_text_segments_and_encoding(self):
        customer = self._customer("Prévia", mobile="(11) 98765-4321")
        self._invoice(customer, DUE)
        self._run()
        message = self._sms_to(customer).dunning_communication_id
        preview = self.env["dunning.sms.preview"].create(
            {"step_id": self.step_sms.id, "communication_id": message.id}
        )
        self.assertEqual(preview.body, message.sms_body)
        self.assertEqual(
            (preview.encoding, preview.segments), ("GSM-7", message.sms_segments)
        )
        sample = self.env["dunning.sms.preview"].create({"step_id": self.step_sms.id})
        self.assertIn("X" * 20, sample.body)
        self.assertLessEqual(sample.segments, self.step_sms.sms_max_segments)
        # The cost per provider: each gateway of the company with a price.
        self.assertFalse(sample.cost_estimate)
        self.env["dunning.sms.gateway"].create(
            {
                "name": "Gateway Caro",
                "company_id": self.company.id,
                "kind": "iap",
                "cost_per_segment": 0.12,
            }
        )
        sample = self.env["dunning.sms.preview"].create({"step_id": self.step_sms.id})
        total = self.company.currency_id.round(0.12 * sample.segments)
        self.assertIn("Gateway Caro: ", sample.cost_estimate)
        self.assertIn(f"{sample.segments} × ", sample.cost_estimate)
        self.assertIn(
            format_amount(self.env, total, self.company.currency_id),
            sample.cost_estimate,
        )
