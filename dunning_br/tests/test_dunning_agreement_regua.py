# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What happens around an active installment agreement: the régua collects
its installments (not the originals) with the agreement's policy and names
them by agreement, an agreement paid in full is fulfilled, one unpaid past
the breach days is broken by the scheduled action."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .agreement_common import AgreementCommon
from .common import DunningCommon

# Monday 10 March 2025, the first business day after Carnaval (3-4 March).
TODAY = "2025-03-10"
NOON = " 12:00:00"  # the run's "today" is in the company's time zone


@tagged("post_install", "-at_install")
class TestDunningAgreementRegua(AgreementCommon, DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_agreements()
        cls.customer = cls._customer("Mercearia Boa Vista")
        cls.inv_old = cls._invoice(cls.customer, date(2025, 1, 31), 1000.0)
        cls.inv_late = cls._invoice(cls.customer, date(2025, 2, 20), 1000.0)
        cls.inv_future = cls._invoice(cls.customer, date(2025, 3, 31), 1000.0)
        cls.originals = cls._receivable(cls.inv_old) + cls._receivable(cls.inv_late)
        # 1 + 5× with half the fine and half the interest waived.
        with freeze_time(TODAY + NOON):
            cls.agreement = cls._active_agreement(
                cls.customer,
                cls.originals,
                fine_waiver_percent=50.0,
                interest_waiver_percent=50.0,
                down_payment=300.0,
                down_payment_due=date(2025, 3, 12),
                installment_count=5,
                first_due=date(2025, 4, 10),
            )
        cls.items = cls.agreement.installment_ids.sorted("number").move_line_id

    def _item(self, number):
        return self.agreement.installment_ids.filtered(
            lambda inst: inst.number == number
        ).move_line_id

    def _history_of(self, items):
        return self.env["dunning.history"].search([("move_line_id", "in", items.ids)])

    def _notes(self, record):
        return record.message_ids.filtered(
            lambda m: m.message_type == "notification" or m.subtype_id.internal
        )

    # ------------------------------------------------------------------
    # The régua
    # ------------------------------------------------------------------
    def test_originals_leave_the_regua_and_installments_follow_its_policy(self):
        self.assertTrue(all(self.originals.mapped("reconciled")))
        with freeze_time(TODAY + NOON):
            self.engine._run_for(self.company)
        self.assertFalse(self._history_of(self.originals))
        # The down payment (due in 2 days) got the D-5 step of the agreement
        # policy; the invoice not in the agreement keeps the customer's.
        (row,) = self._history_of(self.items)
        self.assertEqual(row.move_line_id, self._item(0))
        self.assertEqual(row.policy_id, self.agreement_policy)
        self.assertEqual(row.step_id.offset_days, -5)
        self.assertFalse(self._history_of(self._receivable(self.inv_future)))

    def test_reminder_names_the_agreement_and_the_installment(self):
        self._pay(self._item(0), date(2025, 3, 12))
        with freeze_time("2025-04-10" + NOON):
            self.engine._run_for(self.company)
        row = self._history_of(self._item(1))
        self.assertEqual(row.step_id.offset_days, 0)
        self.assertEqual(row.state, "sent")
        communication = row.communication_id
        lang = communication._dunning_lang()
        label = self.agreement.with_context(lang=lang)._dunning_item_label(
            self._item(1)
        )
        self.assertIn(self.agreement.name, label)
        self.assertIn("1/5", label)
        table = communication.with_context(lang=lang)._dunning_table_html()
        self.assertIn(label, str(table))
        self.assertNotIn(self.agreement.move_id.name, str(table))
        (line,) = communication.with_context(lang=lang)._dunning_lines()
        self.assertEqual(line["agreement"], self.agreement)
        # Like every installment, it links to the customer's page of
        # pending payments (no page of the agreement's journal entry).
        self.assertIn("/my/pendencias?token=", line["portal_url"])
        # The sent e-mail shows it too.
        self.assertIn(label, communication.mail_message_id.body)
        # The note of the reminder goes to the agreement and the customer,
        # not to the agreement's journal entry.
        link = f"dunning.communication/{communication.id}"
        link = f'data-oe-id="{communication.id}"'
        for record in (self.agreement, self.customer):
            self.assertTrue(
                any(
                    link in str(message.body)
                    for message in record.message_ids
                    if message.model == record._name
                ),
                record,
            )
        self.assertFalse(
            any(link in str(m.body) for m in self.agreement.move_id.message_ids)
        )

    # ------------------------------------------------------------------
    # Fulfilled
    # ------------------------------------------------------------------
    def test_paid_in_full_is_fulfilled(self):
        self._pay(self.items - self._item(5), date(2025, 7, 10))
        self.assertEqual(self.agreement.state, "active")
        self._pay(self._item(5), date(2025, 8, 11))
        self.assertEqual(self.agreement.state, "fulfilled")
        self.assertEqual(self.customer.dunning_broken_agreement_count, 0)
        with freeze_time("2025-09-01" + NOON):
            self.assertEqual(
                self.env["dunning.agreement"]._cron_check_agreements(), (0, 0)
            )
        self.assertEqual(self.agreement.state, "fulfilled")

    def test_cron_fulfils_what_the_payment_did_not(self):
        # Paid while not active (the hook only fulfils active agreements):
        # the scheduled action is the safety net.
        self.agreement.state = "accepted"
        self._pay(self.items, date(2025, 4, 1))
        self.agreement.state = "active"
        with freeze_time("2025-04-02" + NOON):
            self.env["dunning.agreement"]._cron_check_agreements()
        self.assertEqual(self.agreement.state, "fulfilled")

    def test_cancelled_is_not_fulfilled(self):
        # Cancelling reconciles every item with the reversal: not a payment.
        fulfilled = self.agreement._dunning_texts()._(
            "Every installment of the agreement is paid: the agreement is fulfilled."
        )
        with freeze_time(TODAY + NOON):
            self.agreement.action_cancel()
        self.assertEqual(self.agreement.state, "cancelled")
        self.assertFalse(
            any(fulfilled in str(m.body) for m in self.agreement.message_ids)
        )
        self.assertFalse(any(self.originals.mapped("reconciled")))

    # ------------------------------------------------------------------
    # Breach
    # ------------------------------------------------------------------
    def test_unpaid_past_the_breach_days_breaks_the_agreement(self):
        self._pay(self._item(0), date(2025, 3, 12))
        self._pay(self._item(1), date(2025, 4, 10))
        item2 = self._item(2)
        cron = self.env["dunning.agreement"]._cron_check_agreements
        # Installment 2, due Monday 12 May, may still be paid on the last day
        # of the 10 days of grace, 22 May; it breaks the agreement on 23 May.
        with freeze_time("2025-05-22" + NOON):
            cron()
        self.assertEqual(self.agreement.state, "active")
        messages = len(self.agreement.message_ids)
        with freeze_time("2025-05-23" + NOON):
            self.assertEqual(cron(), (1, 0))
        agreement = self.agreement
        self.assertEqual(agreement.state, "broken")
        self.assertEqual(agreement.broken_date, date(2025, 5, 23))
        self.assertTrue(agreement.breach_reason)
        self.assertEqual(self.customer.dunning_broken_agreement_count, 1)
        # The installments not yet due fall due at the breach date; the
        # agreed dates stay on the installments; the late one keeps its own.
        for number in (3, 4, 5):
            self.assertEqual(self._item(number).date_maturity, date(2025, 5, 23))
        self.assertEqual(
            agreement.installment_ids.filtered(lambda i: i.number == 5).date_due,
            date(2025, 8, 11),
        )
        self.assertEqual(item2.date_maturity, date(2025, 5, 12))
        # The waived fine and interest are charged again, line by line.
        entry = agreement.reinstatement_move_id
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.journal_id, self.company.dunning_agreement_journal_id)
        self.assertEqual(entry.dunning_policy_id, self.agreement_policy)
        self.assertEqual(entry.partner_id, self.customer)
        debit = entry.line_ids.filtered(lambda aml: aml.balance > 0)
        self.assertEqual(len(debit), 1)
        self.assertEqual(debit.account_id, item2.account_id)
        self.assertEqual(debit.dunning_agreement_id, agreement)
        self.assertEqual(debit.date_maturity, date(2025, 5, 23))
        waived = agreement.fine_waived + agreement.interest_waived
        self.assertGreater(agreement.fine_waived, 0)
        self.assertGreater(agreement.interest_waived, 0)
        self.assertAlmostEqual(debit.balance, waived)
        credits = entry.line_ids.filtered(lambda aml: aml.balance < 0)
        self.assertEqual(len(credits), 2)
        self.assertEqual(credits.mapped("account_id"), self.agreement_income)
        self.assertEqual(
            sorted(credits.mapped("balance")),
            sorted([-agreement.fine_waived, -agreement.interest_waived]),
        )
        self.assertTrue(all(credits.mapped("name")))
        self.assertNotEqual(credits[0].name, credits[1].name)
        # The collector is asked to follow it up; the chatter tells it all.
        activity = agreement.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertGreater(len(agreement.message_ids), messages)
        self.assertIn(agreement.name, str(self.customer.message_ids[:1].body))
        # Running it again changes nothing.
        moves = self.env["account.move"].search_count([])
        with freeze_time("2025-05-23" + NOON):
            self.assertEqual(cron(), (0, 0))
        with freeze_time("2025-05-26" + NOON):
            self.assertEqual(cron(), (0, 0))
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual(len(agreement.activity_ids), 1)
        # The régua resumes: a reminder goes out on the next run for the
        # balance that fell due and the charges reinstated.
        with freeze_time("2025-05-23" + NOON):
            self.engine._run_for(self.company)
        rows = self._history_of(self._item(3) + self._item(4) + self._item(5) + debit)
        self.assertEqual(len(rows), 4)
        self.assertEqual(set(rows.mapped("state")), {"sent"})
        self.assertEqual(set(rows.mapped("step_id.offset_days")), {0})
        self.assertEqual(rows.policy_id, self.agreement_policy)
        # A customer who broke as many agreements as the policy allows is
        # offered no other one.
        with freeze_time("2025-05-23" + NOON):
            wizard = self.env["dunning.negotiation.wizard"].create(
                {
                    "partner_id": self.customer.id,
                    "move_line_ids": self._receivable(self.inv_future).ids,
                    "first_due": date(2025, 6, 23),
                }
            )
            self.assertTrue(wizard.rule_violations)
        # Paying everything now leaves the agreement broken.
        self._pay(self._item(2) + self._item(3) + self._item(4) + self._item(5) + debit)
        self.assertEqual(agreement.state, "broken")

    def test_breach_without_reinstatement(self):
        self.policy.agreement_breach_reinstate = False
        with freeze_time("2025-03-24" + NOON):  # the down payment 12 days late
            self.env["dunning.agreement"]._cron_check_agreements()
        self.assertEqual(self.agreement.state, "broken")
        self.assertFalse(self.agreement.reinstatement_move_id)
        self.assertEqual(self._item(1).date_maturity, self.agreement.broken_date)
