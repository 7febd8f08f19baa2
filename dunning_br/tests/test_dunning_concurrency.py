# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two runs at the same time, on two real database connections.

TransactionCase keeps every test in one uncommitted transaction, which no
second connection can see; this test commits its data through real cursors
instead and runs the engine in two threads, each with its own connection.
"""

import threading
import uuid
from datetime import date, timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged

from ..models import dunning_engine

DAY = date(2025, 3, 10)  # a Monday, business day


@tagged("post_install", "-at_install")
class TestDunningConcurrentRuns(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # Committed data: a unique name lets the test run again on the
            # same database.
            company = env["res.company"].create(
                {"name": f"Concorrência Ltda {uuid.uuid4().hex[:8]}"}
            )
            env = env(context={"allowed_company_ids": company.ids})
            env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
            template = env.ref("dunning_br.mail_template_collection")
            policy = env["dunning.policy"].create(
                {
                    "name": "Régua concorrente",
                    "company_id": company.id,
                    "fine_percent": 2.0,
                    "interest_monthly_percent": 1.0,
                    "step_ids": [
                        Command.create(
                            {
                                "name": "D+3",
                                "offset_days": 3,
                                "tone": "collection",
                                "mail_template_id": template.id,
                            }
                        )
                    ],
                }
            )
            company.dunning_policy_id = policy
            collector = env["res.users"].create(
                {
                    "name": "Cobradora Concorrente",
                    "login": f"cobradora.{company.id}",
                    "email": "cobradora@example.com",
                    "phone": "+55 11 3333-4444",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                }
            )
            company.write(
                {
                    "dunning_active": True,
                    "dunning_go_live_date": DAY,
                    "dunning_collector_id": collector.id,
                }
            )
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"Cliente Concorrente {n}",
                        "email": f"concorrente{n}@example.com",
                        "is_company": True,
                    }
                    for n in range(8)
                ]
            )
            for partner in partners:
                for _installment in range(2):
                    move = env["account.move"].create(
                        {
                            "move_type": "out_invoice",
                            "company_id": company.id,
                            "partner_id": partner.id,
                            "invoice_date": DAY - timedelta(days=3),
                            "invoice_date_due": DAY - timedelta(days=3),
                            "invoice_line_ids": [
                                Command.create(
                                    {
                                        "name": "Serviço",
                                        "price_unit": 100.0,
                                        "tax_ids": [],
                                    }
                                )
                            ],
                        }
                    )
                    move.action_post()
            cls.company_id = company.id
            cls.partner_ids = partners.ids

    @classmethod
    def tearDownClass(cls):
        # The data was committed: archive the company so that no later run of
        # the scheduled action in this database works on it.
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env["res.company"].browse(cls.company_id)
            company.dunning_policy_id.active = False
            company.dunning_active = False
        super().tearDownClass()

    def _run_in_thread(self, barrier, errors):
        try:
            with self.registry.cursor() as cr:
                # The test runner holds the registry lock while tests run: give
                # the cursor its registry instead of looking it up by name.
                cr.transaction = api.Transaction(self.registry)
                env = api.Environment(cr, SUPERUSER_ID, {})
                company = env["res.company"].browse(self.company_id)
                engine = env["dunning.engine"].with_company(company)
                barrier.wait(timeout=30)
                partner_ids = engine._select_due(company, DAY)
                engine._commit()  # as the scheduled action does
                engine._process_pending(company, DAY, None, partner_ids)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    def test_two_runs_at_once_send_each_reminder_once(self):
        barrier = threading.Barrier(2)
        errors = []
        with patch.object(dunning_engine, "PARTNERS_PER_BATCH", 1):
            threads = [
                threading.Thread(
                    target=self._run_in_thread, args=(barrier, errors), daemon=True
                )
                for _n in range(2)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        self.assertFalse([t for t in threads if t.is_alive()], "a run hung")
        self.assertEqual(errors, [])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            history = env["dunning.history"].search(
                [("company_id", "=", self.company_id)]
            )
            self.assertEqual(len(history), 16)  # 8 customers x 2 installments
            self.assertEqual(set(history.mapped("state")), {"sent"})
            for partner_id in self.partner_ids:
                messages = env["dunning.communication"].search(
                    [("partner_id", "=", partner_id)]
                )
                self.assertEqual(len(messages), 1)
                self.assertEqual(len(messages.history_ids), 2)
                mails = env["mail.mail"].search(
                    [
                        ("model", "=", "dunning.communication"),
                        ("res_id", "=", messages.id),
                    ]
                )
                self.assertEqual(len(mails), 1)
