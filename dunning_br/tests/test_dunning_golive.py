# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Switching the régua on: nothing is sent before a collection manager
activates it; the first run's catch-up is limited; the collector is the
contact of every message."""

from datetime import date, timedelta

from cobranca.schedule import UNLIMITED, CatchUp, latest_due_step
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from .common import DunningCommon

TODAY = "2025-03-10"  # a Monday, business day
NOON = " 12:00:00"


@tagged("post_install", "-at_install")
class TestDunningGoLive(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="gerente.cobranca",
            groups="dunning_br.group_dunning_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.user = new_test_user(
            cls.env,
            login="usuario.cobranca",
            groups="dunning_br.group_dunning_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _deactivate(self):
        self.company.write({"dunning_active": False, "dunning_go_live_date": False})

    def _sent(self):
        return self.env["dunning.history"].search(
            [("company_id", "=", self.company.id)]
        )

    def _messages(self):
        return self.env["dunning.communication"].search(
            [("company_id", "=", self.company.id)]
        )

    def _wizard(self, user=None, **values):
        form = Form(
            self.env["dunning.activation.wizard"].with_user(user or self.manager)
        )
        form.collector_id = self.collector
        for name, value in values.items():
            setattr(form, name, value)
        return form.save()

    @freeze_time(TODAY + NOON)
    def test_nothing_is_sent_until_the_collection_is_activated(self):
        self.assertFalse(
            self.env["res.company"].create({"name": "Nova"}).dunning_active
        )
        self._deactivate()
        partner = self._customer("Cliente Antigo")
        move = self._invoice(partner, "2025-01-09")  # 60 days overdue
        self._invoice(self._customer("Cliente Novo"), "2025-03-07")
        self.env.ref("dunning_br.ir_cron_dunning_run").method_direct_trigger()
        self.engine._run_for(self.company)
        self.assertFalse(self._sent())
        self.assertFalse(self._messages())
        self.assertFalse(move.message_ids.filtered(lambda m: "Collection" in m.body))
        # Activated from tomorrow: still nothing today.
        self._activate(self.company, self.collector, go_live=date(2025, 3, 11))
        self.engine._run_for(self.company)
        self.assertFalse(self._sent())
        with freeze_time("2025-03-11" + NOON):
            self.engine._run_for(self.company)
        self.assertTrue(self._sent())

    def test_only_a_collection_manager_activates(self):
        self._deactivate()
        with self.assertRaises(AccessError):
            self.env["dunning.activation.wizard"].with_user(self.user).create(
                {"company_id": self.company.id}
            )
        wizard = self._wizard()
        with self.assertRaises(AccessError):
            wizard.with_user(self.user).action_activate()
        self.assertFalse(self.company.dunning_active)

    @freeze_time(TODAY + NOON)
    def test_activation_preview_counts_what_catch_up_leaves_out(self):
        self._deactivate()
        on_time = self._invoice(self._customer("No Dia"), "2025-03-07")  # D+3 today
        caught_up = self._invoice(self._customer("Recuperado"), "2025-02-10")
        # D+30 fell due on Thursday 2 January, 67 days ago.
        too_old = self._invoice(self._customer("Antigo"), "2024-12-02")
        # D+30 (extrajudicial letter) fell due on Ash Wednesday, 5 days ago,
        # and the customer never got a reminder.
        legal = self._invoice(self._customer("Sem Aviso"), "2025-01-31")
        wizard = self._wizard()
        self.assertEqual(wizard.first_run_date, date(2025, 3, 10))
        self.assertEqual(
            {(line.step_id, line.count) for line in wizard.line_ids},
            {(self.step_3, 1), (self.step_10, 1)},
        )
        self.assertEqual(wizard.total, 2)
        self.assertEqual(wizard.total_left_out, 2)
        left_out = {line.reason: line for line in wizard.left_out_ids}
        self.assertEqual(left_out["beyond_catch_up"].step_id, self.step_30)
        self.assertIn(
            "Step fell due 67 days ago, beyond the 30-day catch-up",
            left_out["beyond_catch_up"].explanation,
        )
        self.assertEqual(left_out["legal_without_earlier"].step_id, self.step_30)
        self.assertEqual(left_out["legal_without_earlier"].count, 1)
        # A longer catch-up takes the old one in (still a legal step).
        wizard.max_catch_up_days = 90
        self.assertEqual(
            {line.reason: line.count for line in wizard.left_out_ids},
            {"legal_without_earlier": 2},
        )
        wizard.max_catch_up_days = 30
        self.assertFalse(self._sent())

        wizard.action_activate()
        self.assertTrue(self.company.dunning_active)
        self.assertEqual(self.company.dunning_activated_uid, self.manager)
        self.assertEqual(self.company.dunning_collector_id, self.collector)
        self.assertFalse(self.company.dunning_catch_up_legal)
        note = self.company.partner_id.message_ids[0]
        self.assertIn("Collection activated by", note.body)
        self.assertIn(self.manager.name, note.body)
        self.assertIn("2 reminders, 2 left out by catch-up", note.body)
        self.engine._run_for(self.company)
        self.assertEqual(self._history(on_time).step_id, self.step_3)
        self.assertEqual(self._history(caught_up).step_id, self.step_10)
        self.assertFalse(self._history(too_old))
        self.assertFalse(self._history(legal))

    @freeze_time(TODAY + NOON)
    def test_legal_step_caught_up_only_when_ticked(self):
        self._deactivate()
        legal = self._invoice(self._customer("Sem Aviso"), "2025-01-31")
        wizard = self._wizard(catch_up_legal=True)
        self.assertEqual(
            {(line.step_id, line.count) for line in wizard.line_ids},
            {(self.step_30, 1)},
        )
        self.assertFalse(wizard.left_out_ids)
        wizard.action_activate()
        self.assertTrue(self.company.dunning_catch_up_legal)
        self.assertIn(
            "without an earlier reminder: yes",
            self.company.partner_id.message_ids[0].body,
        )
        self.engine._run_for(self.company)
        self.assertEqual(self._history(legal).step_id, self.step_30)
        self.assertEqual(self._history(legal).state, "sent")

    def test_legal_step_caught_up_after_an_earlier_reminder(self):
        """Without the box, a legal step is still caught up (a missed run)
        for an installment that received an earlier reminder."""
        reminded = self._customer("Lembrado")
        never = self._customer("Nunca Lembrado")
        with freeze_time("2025-02-10" + NOON):  # D+10 of an invoice due 31/01
            move = self._invoice(reminded, "2025-01-31")
            self.engine._run_for(self.company)
        self.assertEqual(self._history(move).state, "sent")
        with freeze_time(TODAY + NOON):
            other = self._invoice(never, "2025-01-31")
            self.engine._run_for(self.company)
        letter = self._history(move).filtered(lambda h: h.step_id == self.step_30)
        self.assertEqual(letter.state, "sent")
        self.assertFalse(self._history(other))

    @freeze_time(TODAY + NOON)
    def test_cron_message_names_the_company_collector(self):
        partner = self._customer("Cliente Contato")
        move = self._invoice(partner, "2025-03-07")
        own = self._collector(self.company, "davi.cobrador", "Davi Cobrador")
        other = self._customer("Cliente Com Cobrador", dunning_collector_id=own.id)
        self._invoice(other, "2025-03-07")
        self.env.ref("dunning_br.ir_cron_dunning_run").method_direct_trigger()
        odoobot = self.env.ref("base.partner_root")
        for customer, collector in ((partner, self.collector), (other, own)):
            message = self._messages().filtered(lambda m, c=customer: m.partner_id == c)
            mail = self.env["mail.mail"].search(
                [("mail_message_id", "=", message.mail_message_id.id)]
            )
            self.assertIn(collector.name, mail.body_html)
            self.assertIn(collector.email, mail.body_html)
            self.assertIn(collector.phone, mail.body_html)
            self.assertNotIn(odoobot.name, mail.body_html)
            self.assertEqual(message.mail_message_id.author_id, collector.partner_id)
            self.assertIn(collector.email, mail.email_from)
            self.assertIn(collector.email, mail.reply_to)
        # The note in the invoice's chatter is the company's collector's too.
        (note,) = move.message_ids.filtered(
            lambda m: "dunning.communication" in (m.body or "")
        )
        self.assertEqual(note.author_id, self.collector.partner_id)

    def test_collector_must_be_a_reachable_person(self):
        no_phone = self._collector(self.company, "sem.telefone", "Sem Telefone")
        no_phone.phone = False
        with self.assertRaises(ValidationError):
            self.company.dunning_collector_id = no_phone
        no_email = self._collector(self.company, "sem.email", "Sem Email")
        no_email.email = False
        with self.assertRaises(ValidationError):
            self.company.dunning_collector_id = no_email
        with self.assertRaises(ValidationError):
            self.company.dunning_collector_id = self.env.ref("base.user_root")
        with self.assertRaises(ValidationError):
            self.company.dunning_collector_id = False  # active: needs one
        self._deactivate()
        wizard = self._wizard()
        wizard.collector_id = no_phone
        self.assertIn("needs a phone number", wizard.collector_problems)
        with self.assertRaises(UserError):
            wizard.action_activate()
        self.assertFalse(self.company.dunning_active)

    @freeze_time(TODAY + NOON)
    def test_go_live_date_cannot_be_in_the_past(self):
        self._deactivate()
        wizard = self._wizard(go_live_date=date(2025, 3, 7))
        with self.assertRaises(UserError):
            wizard.action_activate()

    @freeze_time(TODAY + NOON)
    def test_deactivation_stops_the_run(self):
        partner = self._customer("Cliente Pausa Geral")
        move = self._invoice(partner, "2025-03-07")
        self._wizard().action_deactivate()
        self.assertFalse(self.company.dunning_active)
        self.assertIn(
            "Collection deactivated", self.company.partner_id.message_ids[0].body
        )
        self.engine._run_for(self.company)
        self.assertFalse(self._history(move))

    @freeze_time(TODAY + NOON)
    def test_selection_matches_the_schedule_oracle(self):
        """The set-based selection (due pairs, and pairs left out with their
        reason) is exactly ``cobranca.schedule.latest_due_step`` applied to
        each installment, for several catch-up settings and days."""
        partner = self._customer("Cliente Oraculo")
        moves = [
            self._invoice(partner, date(2024, 12, 1) + timedelta(days=3 * n))
            for n in range(36)
        ]
        lines = self.env["account.move.line"].concat(
            *(
                move.line_ids.filtered(lambda ml: ml.display_type == "payment_term")
                for move in moves
            )
        )
        rows = []
        for n, line in enumerate(lines):
            for step, state, wanted in (
                (self.step_3, "sent", n % 3 == 0),
                (self.step_before, "skipped", n % 4 == 1),
            ):
                if wanted:
                    rows.append(
                        {
                            "company_id": self.company.id,
                            "policy_id": self.policy.id,
                            "step_id": step.id,
                            "move_line_id": line.id,
                            "move_id": line.move_id.id,
                            "partner_id": partner.id,
                            "channel": step.channel,
                            "state": state,
                            "skip_reason": "paused" if state == "skipped" else False,
                            "run_date": line.date_maturity,
                        }
                    )
        history = self.env["dunning.history"].sudo().create(rows)  # the run writes it
        steps = [step._schedule_step() for step in self.policy.step_ids]
        calendar = self.engine._calendar(self.company)
        reasons = set()
        for today in (date(2025, 3, 10), date(2025, 3, 5), date(2025, 2, 17)):
            for catch_up in (
                CatchUp(),
                CatchUp(max_days=10),
                CatchUp(max_days=60, legal_without_earlier=True),
                UNLIMITED,
            ):
                found = {}
                for left_out in (False, True):
                    query = self.engine._due_pairs_query(
                        self.company,
                        today,
                        SQL("aml.id, w.step_id, v.reason"),
                        catch_up=catch_up,
                        left_out=left_out,
                    )
                    self.env.cr.execute(query)
                    found.update(
                        ((line, step), reason)
                        for line, step, reason in self.env.cr.fetchall()
                    )
                expected = {}
                for line in lines:
                    done = history.filtered(lambda h, ml=line: h.move_line_id == ml)
                    step, reason = latest_due_step(
                        line.date_maturity,
                        steps,
                        today,
                        calendar,
                        already_done=set(done.step_id.ids),
                        catch_up=catch_up,
                        received=set(
                            done.filtered(lambda h: h.state == "sent").step_id.ids
                        ),
                    )
                    if step:
                        expected[line.id, step.key] = reason
                self.assertEqual(found, expected, (today, catch_up))
                reasons.update(expected.values())
        # The data exercises both limits, and pairs sent.
        self.assertEqual(reasons, {None, "beyond_catch_up", "legal_without_earlier"})
