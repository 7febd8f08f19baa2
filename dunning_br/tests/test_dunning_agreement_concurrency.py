# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two runs of the agreements' scheduled action at the same time, on two
real database connections (see test_dunning_concurrency for why the data is
committed)."""

import threading
import uuid
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged


@tagged("post_install", "-at_install")
class TestDunningAgreementConcurrentChecks(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["res.company"].create(
                {"name": f"Acordos Concorrentes {uuid.uuid4().hex[:8]}"}
            )
            env = env(context={"allowed_company_ids": company.ids})
            env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
            Account = env["account.account"]
            accounts = Account.create(
                [
                    {"name": name, "code": code, "account_type": kind}
                    for name, code, kind in (
                        ("Multas e juros de acordos", "399301", "income_other"),
                        ("Multas e juros dispensados", "399302", "expense"),
                        ("Descontos de acordos", "399303", "expense"),
                    )
                ]
            )
            policy = env["dunning.policy"].create(
                {
                    "name": "Régua de acordos concorrentes",
                    "company_id": company.id,
                    "fine_percent": 2.0,
                    "interest_monthly_percent": 1.0,
                    "agreement_max_installments": 12,
                    "agreement_max_interest_waiver": 100.0,
                    "agreement_breach_days": 10,
                    "agreement_breach_reinstate": True,
                }
            )
            company.write(
                {
                    "dunning_policy_id": policy.id,
                    "dunning_agreement_journal_id": env["account.journal"]
                    .search(
                        [("company_id", "=", company.id), ("type", "=", "general")],
                        limit=1,
                    )
                    .id,
                    "dunning_agreement_income_account_id": accounts[0].id,
                    "dunning_agreement_waiver_account_id": accounts[1].id,
                    "dunning_agreement_discount_account_id": accounts[2].id,
                }
            )
            today = fields.Date.context_today(env["res.partner"])
            agreements = env["dunning.agreement"]
            for n in range(4):
                partner = env["res.partner"].create(
                    {"name": f"Cliente em Acordo {n}", "is_company": True}
                )
                invoice = env["account.move"].create(
                    {
                        "move_type": "out_invoice",
                        "company_id": company.id,
                        "partner_id": partner.id,
                        "invoice_date": today - timedelta(days=40),
                        "invoice_date_due": today - timedelta(days=40),
                        "invoice_line_ids": [
                            Command.create(
                                {"name": "Serviço", "price_unit": 900.0, "tax_ids": []}
                            )
                        ],
                    }
                )
                invoice.action_post()
                wizard = (
                    env["dunning.negotiation.wizard"]
                    .with_context(
                        active_model="res.partner",
                        active_id=partner.id,
                        active_ids=partner.ids,
                    )
                    .create(
                        {
                            "move_line_ids": [
                                Command.set(
                                    invoice.line_ids.filtered(
                                        lambda aml: aml.display_type == "payment_term"
                                    ).ids
                                )
                            ],
                            "interest_waiver_percent": 50.0,
                            "installment_count": 2,
                            "first_due": today + timedelta(days=5),
                        }
                    )
                )
                agreement = agreements.browse(
                    wizard.action_create_agreement()["res_id"]
                )
                agreement.action_propose()
                agreement._accept("phone", partner.name)
                agreement.action_activate()
                agreements |= agreement
            cls.company_id = company.id
            cls.agreement_ids = agreements.ids
            # Every installment unpaid long past the breach days.
            cls.day = today + timedelta(days=90)

    @classmethod
    def tearDownClass(cls):
        # The data was committed: leave no active agreement to later runs.
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["dunning.agreement"].browse(cls.agreement_ids).filtered(
                lambda ag: ag.state == "active"
            ).write({"state": "cancelled"})
        super().tearDownClass()

    def _run_in_thread(self, barrier, errors):
        try:
            with self.registry.cursor() as cr:
                cr.transaction = api.Transaction(self.registry)
                env = api.Environment(cr, SUPERUSER_ID, {})
                company = env["res.company"].browse(self.company_id)
                agreements = env["dunning.agreement"].with_company(company)
                barrier.wait(timeout=30)
                agreements._dunning_check_company(company, self.day, None, 1)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    def test_two_checks_at_once_break_each_agreement_once(self):
        barrier = threading.Barrier(2)
        errors = []
        threads = [
            threading.Thread(
                target=self._run_in_thread, args=(barrier, errors), daemon=True
            )
            for _n in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse([t for t in threads if t.is_alive()], "a check hung")
        self.assertEqual(errors, [])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            agreements = env["dunning.agreement"].browse(self.agreement_ids)
            self.assertEqual(set(agreements.mapped("state")), {"broken"})
            moves = env["account.move"].search(
                [("id", "in", agreements.reinstatement_move_id.ids)]
            )
            self.assertEqual(len(moves), 4)
            journal = agreements.company_id.dunning_agreement_journal_id
            self.assertEqual(
                env["account.move"].search_count(
                    [("journal_id", "=", journal.id), ("ref", "!=", False)]
                ),
                8,  # one activation and one reinstatement entry each
            )
            for agreement in agreements:
                self.assertEqual(len(agreement.activity_ids), 1)
