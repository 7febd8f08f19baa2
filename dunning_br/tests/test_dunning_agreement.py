# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Installment agreements: the wizard "Negociar dívida", the rules, the
life of an agreement and its journal entries, the termo de acordo."""

from datetime import date
from decimal import Decimal

from cobranca.agreements import build_schedule
from cobranca.words import amount_in_words
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import DunningCommon

TODAY = date(2026, 3, 16)  # a Monday


@tagged("post_install", "-at_install")
class TestDunningAgreement(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write(
            {
                "agreement_max_installments": 6,
                "agreement_min_installment": 50.0,
                "agreement_max_fine_waiver": 0.0,
                "agreement_max_interest_waiver": 50.0,
                "agreement_cash_discount": 10.0,
                "agreement_min_down_payment": 10.0,
                "agreement_interest_monthly": 0.0,
                "agreement_first_due_days": 30,
                "agreement_max_broken": 1,
            }
        )
        account = cls.env["account.account"]
        cls.income_account = account.create(
            {
                "name": "Multas e juros recebidos",
                "code": "AGRINC",
                "account_type": "income",
            }
        )
        cls.waiver_account = account.create(
            {
                "name": "Multas e juros dispensados",
                "code": "AGRWVR",
                "account_type": "expense",
            }
        )
        cls.discount_account = account.create(
            {
                "name": "Descontos concedidos",
                "code": "AGRDSC",
                "account_type": "expense",
            }
        )
        cls.company.write(
            {
                "vat": "11.222.333/0001-81",
                "city": "Campinas",
                "dunning_agreement_journal_id": cls.company_data[
                    "default_journal_misc"
                ].id,
                "dunning_agreement_income_account_id": cls.income_account.id,
                "dunning_agreement_waiver_account_id": cls.waiver_account.id,
                "dunning_agreement_discount_account_id": cls.discount_account.id,
            }
        )
        groups = "base.group_user,dunning_br.group_dunning_user"
        cls.user_collector = new_test_user(
            cls.env,
            login="agr.collector",
            name="Cobrador de acordos",
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="agr.manager",
            name="Gerente de cobrança",
            groups="base.group_user,dunning_br.group_dunning_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.customer = cls._customer(
            "Maria Devedora", is_company=False, vat="529.982.247-25"
        )
        cls.inv1 = cls._invoice(cls.customer, "2026-01-15", 1000.0)
        cls.inv2 = cls._invoice(cls.customer, "2026-02-10", 500.0)
        cls.inv3 = cls._invoice(cls.customer, "2026-04-10", 300.0)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _installment(self, invoice):
        return invoice.line_ids.filtered(lambda aml: aml.display_type == "payment_term")

    def _wizard(self, user=None, context=None, **values):
        context = context or {
            "active_model": "res.partner",
            "active_id": self.customer.id,
            "active_ids": self.customer.ids,
        }
        return (
            self.env["dunning.negotiation.wizard"]
            .with_user(user or self.user_collector)
            .with_context(**context)
            .create(values)
        )

    def _agreement(self, user=None, **values):
        """The issue's agreement: the two overdue invoices, 50% of the
        interest waived, a down payment of 20% and five installments."""
        wizard = self._wizard(user, interest_waiver_percent=50.0, installment_count=5)
        wizard.down_payment = round(wizard.negotiated_amount * 0.2, 2)
        wizard.write(values)
        action = wizard.action_create_agreement()
        return self.env["dunning.agreement"].browse(action["res_id"])

    def _make_active(self, agreement, user=None):
        agreement = agreement.with_user(user or self.user_collector)
        agreement.action_propose()
        accept = (
            self.env["dunning.agreement.accept.wizard"]
            .with_user(user or self.user_collector)
            .with_context(**agreement.action_accept()["context"])
            .create({"channel": "phone", "note": "Confirmou por telefone"})
        )
        accept.action_confirm()
        agreement.action_activate()
        return agreement

    # ------------------------------------------------------------------
    # The wizard
    # ------------------------------------------------------------------
    @freeze_time(TODAY)
    def test_wizard_debt_as_the_reminders_show_it(self):
        wizard = self._wizard()
        originals = self._installment(self.inv1) + self._installment(self.inv2)
        self.assertEqual(wizard.move_line_ids, originals, "only overdue installments")
        engine = self.env["dunning.engine"]
        charges = [engine._late_charges(aml, self.policy, TODAY) for aml in originals]
        self.assertEqual(
            Decimal(str(wizard.fine_amount)).quantize(Decimal("0.01")),
            sum(c.fine for c in charges),
        )
        self.assertEqual(
            Decimal(str(wizard.interest_amount)).quantize(Decimal("0.01")),
            sum(c.interest for c in charges),
        )
        self.assertAlmostEqual(wizard.principal_amount, 1500.0)
        self.assertFalse(wizard.error)
        wizard.include_not_due = True
        self.assertIn(self._installment(self.inv3), wizard.move_line_ids)

        agreement = self._agreement()
        for line in agreement.line_ids:
            expected = engine._late_charges(line.move_line_id, self.policy, TODAY)
            self.assertAlmostEqual(line.amount_residual, float(expected.principal))
            self.assertAlmostEqual(line.fine_amount, float(expected.fine))
            self.assertAlmostEqual(line.interest_amount, float(expected.interest))
            self.assertEqual(line.days_late, expected.days_late)

    @freeze_time(TODAY)
    def test_wizard_form(self):
        """The wizard as the collector sees it: figures and schedule update
        with the terms, the violated rules are listed."""
        wizard_form = Form(
            self.env["dunning.negotiation.wizard"]
            .with_user(self.user_collector)
            .with_context(
                active_model="res.partner",
                active_id=self.customer.id,
                active_ids=self.customer.ids,
            )
        )
        self.assertAlmostEqual(wizard_form.principal_amount, 1500.0)
        self.assertEqual(wizard_form.first_due, date(2026, 4, 15))
        wizard_form.installment_count = 3
        wizard_form.down_payment = 300.0
        self.assertFalse(wizard_form.error)
        self.assertFalse(wizard_form.rule_violations)
        self.assertAlmostEqual(
            wizard_form.total_amount, wizard_form.debt_amount, places=2
        )
        wizard_form.installment_count = 9
        self.assertTrue(wizard_form.rule_violations)
        wizard_form.installment_count = 0
        self.assertTrue(wizard_form.error)
        self.assertAlmostEqual(
            wizard_form.principal_amount, 1500.0, msg="the debt is still shown"
        )

    @freeze_time(TODAY)
    def test_wizard_from_invoices_and_history(self):
        wizard = self._wizard(
            context={
                "active_model": "account.move",
                "active_ids": (self.inv1 + self.inv3).ids,
            }
        )
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertEqual(
            wizard.move_line_ids,
            self._installment(self.inv1) + self._installment(self.inv3),
        )
        self.assertTrue(wizard.include_not_due)
        history = (
            self.env["dunning.history"]
            .sudo()
            .create(
                [
                    {
                        "company_id": self.company.id,
                        "policy_id": self.policy.id,
                        "step_id": self.step_30.id,
                        "move_line_id": self._installment(invoice).id,
                        "move_id": invoice.id,
                        "partner_id": self.customer.id,
                        "run_date": TODAY,
                        "state": "sent",
                        "channel": "letter",
                    }
                    for invoice in self.inv1 + self.inv2
                ]
            )
        )
        wizard = self._wizard(
            context={"active_model": "dunning.history", "active_ids": history.ids}
        )
        self.assertEqual(wizard.partner_id, self.customer)
        self.assertEqual(wizard.move_line_ids, history.move_line_id)

    @freeze_time(TODAY)
    def test_schedule_adds_up_and_first_due_business_day(self):
        # 2026-04-11 is a Saturday: the first installment is due on Monday.
        agreement = self._agreement(first_due=date(2026, 4, 11), installment_count=3)
        self.assertEqual(agreement.state, "draft")
        self.assertTrue(agreement.name.startswith("ACORDO/2026/"))
        self.assertFalse(agreement.move_id, "nothing is posted before activation")
        news = agreement.installment_ids.filtered("number")
        self.assertEqual(news[0].date_due, date(2026, 4, 13))
        self.assertEqual(len(news), 3)
        down = agreement.installment_ids.filtered(lambda i: i.number == 0)
        self.assertEqual(down.date_due, TODAY)
        total = sum(Decimal(str(i.amount)) for i in agreement.installment_ids)
        self.assertEqual(
            total.quantize(Decimal("0.01")),
            Decimal(str(agreement.total_amount)).quantize(Decimal("0.01")),
        )
        self.assertEqual(
            Decimal(str(agreement.negotiated_amount)).quantize(Decimal("0.01")),
            total.quantize(Decimal("0.01")),
        )
        self.assertGreaterEqual(news[-1].amount, news[0].amount)
        self.assertAlmostEqual(
            agreement.saved_amount, round(agreement.interest_amount * 0.5, 2)
        )

    @freeze_time(TODAY)
    def test_draft_terms_recomputed(self):
        agreement = self._agreement()
        agreement.with_user(self.user_collector).installment_count = 4
        self.assertEqual(len(agreement.installment_ids.filtered("number")), 4)
        total = sum(agreement.installment_ids.mapped("amount"))
        self.assertAlmostEqual(total, agreement.total_amount)

    # ------------------------------------------------------------------
    # Rules and approval
    # ------------------------------------------------------------------
    @freeze_time(TODAY)
    def test_collector_blocked_manager_approves(self):
        wizard = self._wizard(interest_waiver_percent=80.0, installment_count=8)
        wizard.down_payment = round(wizard.negotiated_amount * 0.2, 2)
        self.assertEqual(len(wizard.rule_violations.splitlines()), 2)
        with self.assertRaises(ValidationError) as caught:
            wizard.action_create_agreement()
        message = str(caught.exception)
        self.assertIn("80", message)
        self.assertIn("8", message)
        self.assertFalse(self.env["dunning.agreement"].search([]))

        agreement = self._agreement(
            user=self.user_manager, interest_waiver_percent=80.0, installment_count=8
        )
        self.assertEqual(agreement.approved_by_id, self.user_manager)
        self.assertTrue(agreement.approved_date)
        self.assertEqual(len(agreement.rule_violations.splitlines()), 2)
        # A collector cannot re-price it beyond the rules either.
        with self.assertRaises(ValidationError):
            agreement.with_user(self.user_collector).installment_count = 7

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    @freeze_time(TODAY)
    def test_bad_installments(self):
        other = self._customer("Outro Cliente")
        other_inv = self._invoice(other, "2026-01-20", 100.0)
        wizard = self._wizard()
        wizard.move_line_ids = self._installment(self.inv1) + self._installment(
            other_inv
        )
        self.assertTrue(wizard.error)
        with self.assertRaisesRegex(UserError, "Outro Cliente"):
            wizard.action_create_agreement()

        # Not posted.
        draft = self._invoice(self.customer, "2026-01-20", 100.0)
        draft.button_draft()
        wizard.move_line_ids = self._installment(draft)
        with self.assertRaisesRegex(UserError, draft.name or "/"):
            wizard.action_create_agreement()

        # Already paid.
        paid = self._invoice(self.customer, "2026-01-25", 100.0)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({})._create_payments()
        wizard.move_line_ids = self._installment(paid)
        with self.assertRaisesRegex(UserError, paid.name):
            wizard.action_create_agreement()

        # Another currency.
        currency = self.setup_other_currency("EUR")
        foreign = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date="2026-01-10",
            amounts=[100.0],
            currency=currency,
            post=True,
        )
        wizard.move_line_ids = self._installment(foreign)
        with self.assertRaisesRegex(UserError, "EUR"):
            wizard.action_create_agreement()

        # Already in an agreement (proposed).
        agreement = self._agreement()
        agreement.with_user(self.user_collector).action_propose()
        wizard = self._wizard()
        self.assertNotIn(self._installment(self.inv1), wizard.move_line_ids)
        wizard.move_line_ids = self._installment(self.inv1)
        with self.assertRaisesRegex(UserError, agreement.name):
            wizard.action_create_agreement()

    @freeze_time(TODAY)
    def test_other_company_installment(self):
        company_2 = self.setup_other_company()["company"]
        invoice = self._invoice(self.customer, "2026-01-10", 100.0, company=company_2)
        wizard = self._wizard(user=self.env.user)
        wizard.move_line_ids = self._installment(invoice)
        with self.assertRaisesRegex(UserError, company_2.name):
            wizard.action_create_agreement()

    @freeze_time(TODAY)
    def test_bad_terms(self):
        wizard = self._wizard(installment_count=0)
        self.assertTrue(wizard.error)
        with self.assertRaises(UserError):
            wizard.action_create_agreement()
        wizard.installment_count = 2
        wizard.first_due = date(2026, 3, 1)
        with self.assertRaises(UserError):
            wizard.action_create_agreement()
        wizard.first_due = date(2026, 4, 15)
        wizard.down_payment = wizard.debt_amount + 1
        with self.assertRaises(UserError):
            wizard.action_create_agreement()
        self.assertFalse(self.env["dunning.agreement"].search([]))

    # ------------------------------------------------------------------
    # Activation and cancellation
    # ------------------------------------------------------------------
    @freeze_time(TODAY)
    def test_activation_entry_and_cancel(self):
        originals = self._installment(self.inv1) + self._installment(self.inv2)
        agreement = self._make_active(self._agreement())
        self.assertEqual(agreement.state, "active")
        self.assertEqual(agreement.acceptance_channel, "phone")
        self.assertEqual(agreement.accepted_uid, self.user_collector)
        self.assertEqual(agreement.accepted_by_name, self.customer.name)
        move = agreement.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.company_data["default_journal_misc"])
        self.assertEqual(move.partner_id, self.customer)
        self.assertEqual(move.sudo().dunning_policy_id, self.policy)
        debit = sum(move.line_ids.mapped("debit"))
        credit = sum(move.line_ids.mapped("credit"))
        self.assertAlmostEqual(debit, credit)
        self.assertTrue(all(move.line_ids.mapped("name")), "each line explained")
        income = move.line_ids.filtered(
            lambda aml: aml.account_id == self.income_account
        )
        self.assertAlmostEqual(
            sum(income.mapped("credit")),
            agreement.fine_amount + agreement.interest_amount,
        )
        self.assertEqual(len(income), 2, "fine and interest on separate lines")
        waived = move.line_ids.filtered(
            lambda aml: aml.account_id == self.waiver_account
        )
        self.assertAlmostEqual(sum(waived.mapped("debit")), agreement.interest_waived)
        # Originals reconciled: the invoices are paid by the agreement.
        self.assertTrue(all(originals.mapped("reconciled")))
        for invoice in self.inv1 + self.inv2:
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
            self.assertEqual(invoice.dunning_paid_agreement_id, agreement)
        self.assertFalse(self.inv3.dunning_paid_agreement_id)
        # New receivable items, one per installment.
        items = agreement.installment_ids.move_line_id
        self.assertEqual(len(items), 6)
        for installment in agreement.installment_ids:
            item = installment.move_line_id
            self.assertEqual(item.date_maturity, installment.date_due)
            self.assertAlmostEqual(item.debit, installment.amount)
            self.assertEqual(item.dunning_agreement_id, agreement)
        # Open items of the customer: the new installments (and the invoice
        # not negotiated), none of the originals.
        open_items = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertEqual(open_items, items + self._installment(self.inv3))
        collected = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.customer.id),
                *self.env["account.move.line"]._dunning_installment_domain(),
            ]
        )
        self.assertEqual(collected, items + self._installment(self.inv3))

        # Cancel before any payment: back exactly.
        agreement.with_user(self.user_collector).action_cancel()
        self.assertEqual(agreement.state, "cancelled")
        self.assertTrue(agreement.reversal_move_id)
        self.assertEqual(agreement.reversal_move_id.state, "posted")
        self.assertAlmostEqual(self.inv1.amount_residual, 1000.0)
        self.assertAlmostEqual(self.inv2.amount_residual, 500.0)
        self.assertEqual(self.inv1.payment_state, "not_paid")
        self.assertEqual(self.inv2.payment_state, "not_paid")
        self.assertFalse(self.inv1.dunning_paid_agreement_id)
        self.assertTrue(all(items.mapped("reconciled")))
        collected = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.customer.id),
                *self.env["account.move.line"]._dunning_installment_domain(),
            ]
        )
        self.assertEqual(collected, originals + self._installment(self.inv3))
        # The installments may be negotiated again.
        self.assertEqual(self._wizard().move_line_ids, originals)

    @freeze_time(TODAY)
    def test_cancel_after_payment_refused(self):
        agreement = self._make_active(self._agreement())
        down = agreement.installment_ids.filtered(lambda i: i.number == 0).move_line_id
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": down.debit,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        (payment.move_id.line_ids + down).filtered(
            lambda aml: aml.account_id == down.account_id
        ).reconcile()
        self.assertTrue(down.reconciled)
        with self.assertRaises(UserError):
            agreement.action_cancel()
        self.assertEqual(agreement.state, "active")

    @freeze_time(TODAY)
    def test_missing_settings_named(self):
        agreement = self._agreement()
        self.company.dunning_agreement_waiver_account_id = False
        agreement = agreement.with_user(self.user_collector)
        agreement.action_propose()
        agreement._accept("email", "Maria")
        with self.assertRaises(UserError) as caught:
            agreement.action_activate()
        label = self.company._fields[
            "dunning_agreement_waiver_account_id"
        ].get_description(agreement.env)["string"]
        self.assertIn(label, str(caught.exception))
        self.assertEqual(agreement.state, "accepted")

    @freeze_time(TODAY)
    def test_transitions_logged_and_access(self):
        agreement = self._agreement()
        count = len(agreement.message_ids)
        agreement.with_user(self.user_collector).action_propose()
        self.assertEqual(agreement.state, "proposed")
        self.assertGreater(len(agreement.message_ids), count)
        self.assertTrue(
            self.env["ir.attachment"].search(
                [("res_model", "=", "dunning.agreement"), ("res_id", "=", agreement.id)]
            )
        )
        with self.assertRaises(UserError):
            agreement.action_activate()  # not accepted yet
        agreement.with_user(self.user_collector).action_cancel()
        self.assertEqual(agreement.state, "cancelled")
        draft = self._agreement()
        with self.assertRaises(AccessError):
            draft.with_user(self.user_collector).unlink()
        draft.with_user(self.user_manager).unlink()
        self.assertFalse(draft.exists())
        active = self._make_active(self._agreement())
        with self.assertRaises(UserError):
            active.with_user(self.user_manager).unlink()
        customer = self.customer.with_user(self.user_collector)
        self.assertEqual(customer.dunning_agreement_count, 2)
        action = customer.action_view_dunning_agreements()
        self.assertEqual(
            self.env["dunning.agreement"].search(action["domain"]), agreement + active
        )
        # Another company's users do not see them.
        company_2 = self.setup_other_company()["company"]
        outsider = new_test_user(
            self.env,
            login="agr.outsider",
            groups="base.group_user,dunning_br.group_dunning_manager",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        self.assertFalse(self.env["dunning.agreement"].with_user(outsider).search([]))

    @freeze_time(TODAY)
    def test_portal_acceptance_method(self):
        agreement = self._agreement()
        agreement.action_propose()
        agreement._accept("portal", "Maria Devedora", ip="203.0.113.7", note="Portal")
        self.assertEqual(agreement.state, "accepted")
        self.assertEqual(agreement.accepted_ip, "203.0.113.7")
        self.assertEqual(
            agreement.accepted_date, fields.Datetime.to_datetime("2026-03-16 00:00:00")
        )

    @freeze_time(TODAY)
    def test_price_table_interest_booked(self):
        """Agreement interest (Price table): the installments of the library,
        the interest credited to the income account on its own line."""
        self.policy.agreement_interest_monthly = 1.0
        agreement = self._agreement(monthly_interest_percent=1.0)
        financed = Decimal(str(agreement.financed_amount)).quantize(Decimal("0.01"))
        expected = build_schedule(
            financed,
            5,
            agreement.first_due,
            monthly_interest_pct=Decimal(1),
            calendar=self.engine._calendar(self.company),
        )
        news = agreement.installment_ids.filtered("number")
        self.assertEqual(
            [Decimal(str(i.amount)).quantize(Decimal("0.01")) for i in news],
            [line.amount for line in expected],
        )
        self.assertEqual([i.date_due for i in news], [line.due for line in expected])
        self.assertGreater(agreement.agreement_interest_amount, 0)
        self._make_active(agreement)
        move = agreement.move_id
        self.assertAlmostEqual(
            sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))
        )
        income = move.line_ids.filtered(
            lambda aml: aml.account_id == self.income_account
        )
        self.assertEqual(len(income), 3, "fine, interest and agreement interest")
        self.assertIn(
            agreement.agreement_interest_amount,
            [round(c, 2) for c in income.mapped("credit")],
        )

    @freeze_time(TODAY)
    def test_cash_payment_with_discount(self):
        """Payment in one go with the cash discount: one installment, the
        discount debited to the discount account."""
        agreement = self._agreement(
            down_payment=0.0,
            installment_count=1,
            discount_percent=10.0,
            interest_waiver_percent=50.0,
        )
        self.assertFalse(agreement.rule_violations)
        self.assertAlmostEqual(agreement.discount_amount, 150.0)
        self.assertEqual(len(agreement.installment_ids), 1)
        self._make_active(agreement)
        discount = agreement.move_id.line_ids.filtered(
            lambda aml: aml.account_id == self.discount_account
        )
        self.assertAlmostEqual(discount.debit, 150.0)
        self.assertAlmostEqual(
            agreement.installment_ids.move_line_id.debit,
            agreement.debt_amount - agreement.saved_amount,
        )

    # ------------------------------------------------------------------
    # Termo de acordo
    # ------------------------------------------------------------------
    @freeze_time(TODAY)
    def test_termo_de_acordo(self):
        agreement = self._make_active(self._agreement())
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "dunning_br.report_dunning_agreement", agreement.ids
        )
        html = html.decode()
        words = amount_in_words(
            Decimal(str(agreement.negotiated_amount)).quantize(Decimal("0.01"))
        )
        self.assertIn(words, html)
        self.assertIn("529.982.247-25", html)
        self.assertIn("11.222.333/0001-81", html)
        self.assertIn(agreement.name, html)
        self.assertIn("Campinas", html)
        self.assertIn(self.customer.name, html)
