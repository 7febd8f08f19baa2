# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import format_amount
from odoo.tools.misc import get_lang

from ..models import dunning_engine
from .common import DunningCommon

# Monday 10 March 2025, the first business day after Carnaval (3-4 March).
TODAY = "2025-03-10"
NOON = " 12:00:00"  # the run's "today" is in the company's time zone


@tagged("post_install", "-at_install")
class TestDunningRun(DunningCommon):
    def _mails_to(self, partner):
        return self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", partner.ids),
                ("model", "=", "dunning.communication"),
            ]
        )

    @freeze_time(TODAY + NOON)
    def test_full_run_sends_each_step_its_template(self):
        before = self._customer("Cliente Antes")
        late_3 = self._customer("Cliente Tres")
        late_10 = self._customer("Cliente Dez")
        # Due Saturday 15/03: D-5 falls on Monday 10/03.
        inv_before = self._invoice(before, "2025-03-15")
        # Due Friday 07/03: D+3 is Monday 10/03.
        inv_3 = self._invoice(late_3, "2025-03-07")
        # Due Friday 28/02: D+10 is Monday 10/03 (calendar days).
        inv_10 = self._invoice(late_10, "2025-02-28")

        self.engine._run_for(self.company)

        for move, step, template in (
            (inv_before, self.step_before, "dunning_br.mail_template_reminder"),
            (inv_3, self.step_3, "dunning_br.mail_template_collection"),
            (inv_10, self.step_10, "dunning_br.mail_template_formal"),
        ):
            history = self._history(move)
            self.assertEqual(history.step_id, step)
            self.assertEqual(history.state, "sent")
            mail = self._mails_to(move.partner_id)
            self.assertEqual(len(mail), 1, move.partner_id.name)
            self.assertEqual(
                mail.subject,
                self._rendered(self.env.ref(template), history.communication_id),
            )
            self.assertIn(move.name, mail.body_html)
            self.assertEqual(mail.state, "outgoing")  # queued, sent by the mail cron
            self.assertIn(history.communication_id.name, move.message_ids[0].body)

    @freeze_time(TODAY + NOON)
    def test_messages_of_one_template_never_mix_customers(self):
        """The e-mails of a template are rendered in one batch: each one goes
        to its own customer only, with its own installments only."""
        partners = [self._customer(f"Cliente Lote {n}") for n in range(3)]
        moves = [self._invoice(partner, "2025-03-07") for partner in partners]
        self.engine._run_for(self.company)
        for partner, move in zip(partners, moves, strict=True):
            mail = self._mails_to(partner)
            self.assertEqual(len(mail), 1)
            self.assertEqual(mail.recipient_ids, partner)
            self.assertIn(move.name, mail.body_html)
            for other in moves:
                if other != move:
                    self.assertNotIn(other.name, mail.body_html)
            history = self._history(move)
            self.assertEqual(history.mail_message_id, mail.mail_message_id)
            self.assertEqual(
                history.communication_id.mail_message_id.partner_ids, partner
            )

    @freeze_time(TODAY + NOON)
    def test_template_without_the_customer_fails_clearly(self):
        template = self.step_3.mail_template_id.copy({"partner_to": False})
        self.step_3.mail_template_id = template
        partner = self._customer("Sem Destinatario")
        move = self._invoice(partner, "2025-03-07")
        with self.assertLogs("odoo.addons.dunning_br.models.dunning_engine", "WARNING"):
            self.engine._run_for(self.company)
        history = self._history(move)
        self.assertEqual(history.state, "failed")
        # Said to the company's users, in the company's language.
        lang = get_lang(self.env, self.company.partner_id.lang).code
        self.assertEqual(
            history.failure_reason,
            self.env(context={"lang": lang})._(
                "The e-mail template %(template)s does not address the "
                "customer: set its recipients to the customer of the "
                "message (object.partner_id).",
                template=template.with_context(lang=lang).display_name,
            ),
        )
        self.assertFalse(self._mails_to(partner))

    @freeze_time(TODAY + NOON)
    def test_amounts_are_formatted_as_odoo_formats_them(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        partner = self._customer("Cliente Formato")
        self._invoice(partner, "2025-03-07")
        self.engine._run_for(self.company)
        message = self.env["dunning.communication"].search(
            [("partner_id", "=", partner.id)]
        )
        for lang in ("en_US", "pt_BR"):
            localized = message.with_context(lang=lang)
            money = localized._dunning_money_formatter()
            for amount in (0, 0.005, 1.5, -2.25, 1234567.891, 1040.33):
                self.assertEqual(
                    money(amount),
                    format_amount(localized.env, amount, message.currency_id),
                    (lang, amount),
                )

    @freeze_time(TODAY + NOON)
    def test_amounts_with_fine_and_interest_in_the_message(self):
        partner = self._customer("Cliente Juros")
        move = self._invoice(partner, "2025-02-28", amount=1000.0)
        self.engine._run_for(self.company)
        history = self._history(move)
        # 10 days late: fine 2% = 20.00; interest 1% a month / 30 x 10 = 3.33.
        self.assertEqual(history.days_late, 10)
        self.assertAlmostEqual(history.fine_amount, 20.0)
        self.assertAlmostEqual(history.interest_amount, 3.33)
        self.assertAlmostEqual(history.total_amount, 1023.33)
        body = self._mails_to(partner).body_html
        communication = history.communication_id
        self.assertIn(self._number(communication, 1023.33), body)
        # "10 days late: fine of 2% on ..." in the customer's language.
        lang = communication._dunning_lang()
        (line,) = communication.with_context(lang=lang)._dunning_lines()
        days_late = line["how"].split(":")[0]
        self.assertIn("10", days_late)
        self.assertIn(days_late, body)

    @freeze_time(TODAY + NOON)
    def test_second_run_sends_nothing_new(self):
        partner = self._customer("Cliente Repetido")
        self._invoice(partner, "2025-03-07")
        self.engine._run_for(self.company)
        self.engine._run_for(self.company)
        self.assertEqual(len(self._mails_to(partner)), 1)
        self.assertEqual(
            self.env["dunning.history"].search_count([("partner_id", "=", partner.id)]),
            1,
        )

    @freeze_time(TODAY + NOON)
    def test_catch_up_sends_only_the_latest_due_step(self):
        partner = self._customer("Cliente Atrasado")
        # 28 days late, never reminded: D-5, D0, D+3 are stale, D+10 is due.
        move = self._invoice(partner, "2025-02-10")
        self.engine._run_for(self.company)
        self.assertEqual(self._history(move).step_id, self.step_10)
        with freeze_time("2025-03-11" + NOON):
            self.engine._run_for(self.company)
        self.assertEqual(self._history(move).step_id, self.step_10)

    @freeze_time(TODAY + NOON)
    def test_one_message_per_customer_lists_all_installments(self):
        partner = self._customer("Cliente Varias")
        inv_due = self._invoice(partner, TODAY)
        inv_3 = self._invoice(partner, "2025-03-07")
        self.engine._run_for(self.company)
        mails = self._mails_to(partner)
        self.assertEqual(len(mails), 1)
        self.assertIn(inv_due.name, mails.body_html)
        self.assertIn(inv_3.name, mails.body_html)
        # The most advanced step chooses the template.
        self.assertEqual(
            mails.subject,
            self._rendered(
                self.env.ref("dunning_br.mail_template_collection"),
                self._history(inv_3).communication_id,
            ),
        )

    @freeze_time(TODAY + NOON)
    def test_one_message_per_invoice_when_configured(self):
        self.policy.grouping = "invoice"
        partner = self._customer("Cliente Por Fatura")
        self._invoice(partner, TODAY)
        self._invoice(partner, "2025-03-07")
        self.engine._run_for(self.company)
        self.assertEqual(len(self._mails_to(partner)), 2)

    @freeze_time(TODAY + NOON)
    def test_partial_payment_reminds_the_residual(self):
        partner = self._customer("Cliente Parcial")
        move = self._invoice(partner, "2025-02-28", amount=1000.0)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": 400.0, "payment_date": "2025-03-01"})._create_payments()
        self.engine._run_for(self.company)
        history = self._history(move)
        self.assertAlmostEqual(history.amount_residual, 600.0)
        self.assertAlmostEqual(history.fine_amount, 12.0)

    @freeze_time(TODAY + NOON)
    def test_each_installment_of_a_payment_term_has_its_own_steps(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "3 parcelas",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": pct, "nb_days": d}
                    )
                    for pct, d in ((30.0, 0), (30.0, 10), (40.0, 20))
                ],
            }
        )
        partner = self._customer("Cliente Parcelado")
        # Installments due 18/02, 28/02 and 10/03.
        move = self._invoice(partner, "2025-02-18", amount=1000.0, payment_term=term)
        self.engine._run_for(self.company)
        by_due = {h.date_maturity: h for h in self._history(move)}
        self.assertEqual(by_due[date(2025, 2, 18)].step_id, self.step_10)
        self.assertEqual(by_due[date(2025, 2, 28)].step_id, self.step_10)
        self.assertEqual(by_due[date(2025, 3, 10)].step_id, self.step_due)
        self.assertAlmostEqual(by_due[date(2025, 3, 10)].amount_residual, 400.0)
        self.assertEqual(len(self._mails_to(partner)), 1)

    @freeze_time(TODAY + NOON)
    def test_paid_invoices_and_credit_notes_get_no_reminder(self):
        partner = self._customer("Cliente Pagou")
        move = self._invoice(partner, "2025-03-07")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": "2025-03-08"})._create_payments()
        refund = self.init_invoice(
            "out_refund", partner, "2025-03-07", amounts=[100.0], post=True
        )
        self.engine._run_for(self.company)
        self.assertFalse(self._history(move) | self._history(refund))

    @freeze_time(TODAY + NOON)
    def test_skips_are_recorded_with_their_reason(self):
        no_email = self._customer("Sem Email")
        no_email.email = False
        opted_out = self._customer("Optou Sair", dunning_opt_out_email=True)
        paused = self._customer(
            "Pausado", dunning_pause_until="2025-03-12", dunning_pause_reason="promise"
        )
        excluded_move = self._invoice(self._customer("Fatura Excluida"), "2025-03-07")
        excluded_move.dunning_excluded = True
        small = self._invoice(self._customer("Pequeno"), "2025-03-07", amount=5.0)
        self.step_3.min_amount = 10.0
        moves = {
            "no_email": self._invoice(no_email, "2025-03-07"),
            "opt_out": self._invoice(opted_out, "2025-03-07"),
            "paused": self._invoice(paused, "2025-03-07"),
            "excluded": excluded_move,
            "below_minimum": small,
        }
        self.engine._run_for(self.company)
        for reason, move in moves.items():
            history = self._history(move)
            self.assertEqual(history.state, "skipped", reason)
            self.assertEqual(history.skip_reason, reason)
            self.assertFalse(self._mails_to(move.partner_id), reason)

    def test_pause_ends_by_itself(self):
        partner = self._customer(
            "Promessa", dunning_pause_until="2025-03-12", dunning_pause_reason="promise"
        )
        with freeze_time(TODAY + NOON):
            move = self._invoice(partner, "2025-02-28")
            self.engine._run_for(self.company)
            self.assertEqual(self._history(move).skip_reason, "paused")
        # Thursday 13/03: the pause is over; D+10 was skipped, nothing new is due.
        with freeze_time("2025-03-13" + NOON):
            self.engine._run_for(self.company)
            self.assertFalse(self._mails_to(partner))
        # Monday 31/03: D+30 (the letter) is due and goes out.
        with freeze_time("2025-03-31" + NOON):
            self.engine._run_for(self.company)
        letter = self._history(move).filtered(lambda h: h.step_id == self.step_30)
        self.assertEqual(letter.state, "sent")
        self.assertEqual(letter.communication_id.letter_state, "to_render")

    def test_no_reminder_on_non_business_days(self):
        partner = self._customer("Fim de Semana")
        with freeze_time("2025-03-08" + NOON):  # Saturday
            move = self._invoice(partner, "2025-03-05")
            self.engine._run_for(self.company)
            self.assertFalse(self._history(move))
        with freeze_time("2025-03-04" + NOON):  # Carnaval Tuesday
            self.engine._run_for(self.company)
            self.assertFalse(self._history(move))

    @freeze_time(TODAY + NOON)
    def test_consumer_fine_is_capped_at_two_percent(self):
        self.policy.fine_percent = 10.0
        consumer = self._customer("Maria Consumidora", is_company=False)
        business = self._customer("Empresa Cliente Ltda")
        inv_consumer = self._invoice(consumer, "2025-02-28")
        inv_business = self._invoice(business, "2025-02-28")
        self.engine._run_for(self.company)
        consumer_row = self._history(inv_consumer)
        self.assertEqual(consumer_row.fine_percent_applied, 2.0)
        self.assertTrue(consumer_row.fine_capped)
        self.assertAlmostEqual(consumer_row.fine_amount, 20.0)
        self.assertIn("CDC art. 52", self._mails_to(consumer).body_html)
        business_row = self._history(inv_business)
        self.assertEqual(business_row.fine_percent_applied, 10.0)
        self.assertAlmostEqual(business_row.fine_amount, 100.0)

    @freeze_time(TODAY + NOON)
    def test_crash_mid_run_then_rerun_has_no_duplicate_and_no_miss(self):
        partners = [self._customer(f"Lote {n}") for n in range(4)]
        for partner in partners:
            self._invoice(partner, "2025-03-07")
        original = type(self.engine)._process_rows
        calls = []

        def crash_on_second_batch(engine, rows, company, today):
            calls.append(rows)
            if len(calls) == 2:
                raise KeyboardInterrupt("server killed")
            return original(engine, rows, company, today)

        # Not assertRaises: Odoo's rolls the database back to before the block,
        # while a killed run keeps what its committed batches did.
        killed = False
        with (
            patch.object(dunning_engine, "PARTNERS_PER_BATCH", 1),
            patch.object(type(self.engine), "_process_rows", crash_on_second_batch),
        ):
            try:
                self.engine._run_for(self.company)
            except KeyboardInterrupt:
                killed = True
        self.assertTrue(killed)
        sent = [p for p in partners if self._mails_to(p)]
        self.assertEqual(len(sent), 1)
        self.engine._run_for(self.company)
        for partner in partners:
            self.assertEqual(len(self._mails_to(partner)), 1, partner.name)
            history = self.env["dunning.history"].search(
                [("partner_id", "=", partner.id)]
            )
            self.assertEqual(history.mapped("state"), ["sent"])

    @freeze_time(TODAY + NOON)
    def test_failed_send_is_retried_on_the_next_run(self):
        partner = self._customer("Servidor Fora")
        move = self._invoice(partner, "2025-03-07")
        self.engine._run_for(self.company)
        mail = self._mails_to(partner)
        # What the mail queue does when the SMTP server refuses the message.
        mail._postprocess_sent_message(
            success_pids=[],
            failure_reason="Connection refused",
            failure_type="mail_smtp",
        )
        history = self._history(move)
        self.assertEqual(history.state, "failed")
        self.assertEqual(history.attempt_count, 1)
        with freeze_time("2025-03-11" + NOON):
            self.engine._run_for(self.company)
        self.assertEqual(history.state, "sent")
        self.assertEqual(history.attempt_count, 2)
        self.assertEqual(len(self._mails_to(partner)), 2)

    def test_failed_send_is_not_retried_on_a_non_business_day(self):
        partner = self._customer("Falha Sexta")
        with freeze_time(TODAY + NOON):
            move = self._invoice(partner, "2025-03-07")
            self.engine._run_for(self.company)
        self._mails_to(partner)._postprocess_sent_message(
            success_pids=[],
            failure_reason="Connection refused",
            failure_type="mail_smtp",
        )
        with freeze_time("2025-03-15" + NOON):  # Saturday
            self.engine._run_for(self.company)
        history = self._history(move)
        self.assertEqual(history.state, "failed")
        self.assertEqual(history.attempt_count, 1)
        self.assertEqual(len(self._mails_to(partner)), 1)

    @freeze_time(TODAY + NOON)
    def test_policy_precedence_invoice_over_partner_over_company(self):
        strict = self._create_policy(self.company, name="Rígida", fine_percent=2.0)
        strict.step_ids.filtered(lambda s: s.offset_days == 3).offset_days = 1
        partner = self._customer("Cliente Especial", dunning_policy_id=strict.id)
        other = self._customer("Cliente Normal")
        inv_partner_policy = self._invoice(partner, "2025-03-07")
        inv_invoice_policy = self._invoice(other, "2025-03-07")
        inv_invoice_policy.dunning_policy_id = strict
        inv_company_policy = self._invoice(other, "2025-03-06")
        self.engine._run_for(self.company)
        self.assertEqual(self._history(inv_partner_policy).policy_id, strict)
        self.assertEqual(self._history(inv_invoice_policy).policy_id, strict)
        self.assertEqual(self._history(inv_company_policy).policy_id, self.policy)
        # The screens' Python (account.move._dunning_policy) agrees.
        for move in (inv_partner_policy, inv_invoice_policy, inv_company_policy):
            self.assertEqual(move._dunning_policy(), self._history(move).policy_id)

    @freeze_time(TODAY + NOON)
    def test_multi_company_isolation(self):
        other_company = self.setup_other_company()["company"]
        other_policy = self._create_policy(other_company)
        other_company.dunning_policy_id = other_policy
        self._activate(
            other_company, self._collector(other_company, "outra.cobradora", "Outra")
        )
        partner = self._customer("Cliente Duas Empresas")
        mine = self._invoice(partner, "2025-03-07")
        theirs = self._invoice(partner, "2025-03-07", company=other_company)
        self.engine._run_for(self.company)
        self.assertTrue(self._history(mine))
        self.assertFalse(self._history(theirs))
        self.engine._run_for(other_company)
        theirs_history = (
            self.env["dunning.history"].sudo().search([("move_id", "=", theirs.id)])
        )
        self.assertEqual(theirs_history.policy_id, other_policy)
        collector = new_test_user(
            self.env,
            login="cobradora",
            groups="dunning_br.group_dunning_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        visible = (
            self.env["dunning.history"]
            .with_user(collector)
            .search([("partner_id", "=", partner.id)])
        )
        self.assertEqual(visible.move_id, mine)

    def test_access_rights(self):
        collector = new_test_user(
            self.env, login="cobrador", groups="dunning_br.group_dunning_user"
        )
        manager = new_test_user(
            self.env, login="gerente", groups="dunning_br.group_dunning_manager"
        )
        outsider = new_test_user(self.env, login="vendedor", groups="base.group_user")
        self.assertTrue(self.policy.with_user(collector).read(["name"]))
        with self.assertRaises(AccessError):
            self.policy.with_user(collector).write({"fine_percent": 1.0})
        self.policy.with_user(manager).write({"fine_percent": 1.5})
        self.assertEqual(self.policy.fine_percent, 1.5)
        with self.assertRaises(AccessError):
            self.env["dunning.history"].with_user(outsider).search([])
        with self.assertRaises(AccessError):
            self.policy.with_user(outsider).read(["name"])

    def test_rates_are_validated(self):
        with self.assertRaises(ValidationError):
            self.policy.fine_percent = 150.0
        with self.assertRaises(ValidationError):
            self.policy.interest_monthly_percent = -1.0

    @freeze_time(TODAY + NOON)
    def test_preview_wizard_sends_nothing(self):
        partner = self._customer("Cliente Previa")
        move = self._invoice(partner, "2025-03-07")
        collector = new_test_user(
            self.env, login="previa", groups="dunning_br.group_dunning_user"
        )
        wizard = Form(self.env["dunning.run.wizard"].with_user(collector)).save()
        self.assertEqual(wizard.total, 1)
        self.assertEqual(wizard.line_ids.step_id, self.step_3)
        self.assertFalse(self._history(move))
        self.assertFalse(self._mails_to(partner))
        wizard.action_run()
        self.assertEqual(self._history(move).state, "sent")

    def test_cron_is_configured(self):
        cron = self.env.ref("dunning_br.ir_cron_dunning_run")
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_type, "days")
        with freeze_time(TODAY + NOON):
            partner = self._customer("Cliente Cron")
            move = self._invoice(partner, "2025-03-07")
            cron.method_direct_trigger()
        self.assertEqual(self._history(move).state, "sent")
        self.assertEqual(fields.Date.to_string(self._history(move).run_date), TODAY)

    @freeze_time(TODAY + NOON)
    def test_customer_reads_the_reminder_in_portuguese(self):
        self.env["res.lang"]._activate_lang("pt_BR")
        self.env["ir.module.module"]._load_module_terms(["dunning_br"], ["pt_BR"])
        partner = self._customer("Cliente Brasileiro", lang="pt_BR")
        self._invoice(partner, "2025-02-28", amount=1000.0)
        self.engine._run_for(self.company)
        mail = self._mails_to(partner)
        self.assertIn("aviso formal de parcelas em atraso", mail.subject)
        self.assertIn("As parcelas abaixo estão vencidas", mail.body_html)
        self.assertIn("10 dias de atraso: multa de 2%", mail.body_html)
        self.assertIn("Total atualizado", mail.body_html)
