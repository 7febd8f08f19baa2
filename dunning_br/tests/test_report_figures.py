# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .report_common import ReportCommon

TODAY = "2026-03-16"
NOON = " 12:00:00"


@tagged("post_install", "-at_install")
class TestReportFigures(ReportCommon):
    """Delinquency by month, DSO, days late and the payer score, recovery per
    step and agreements, each against a hand computation on seeded data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_agreements()
        cls.aurora = cls._customer("Aurora Comércio")
        cls.bruno = cls._customer("Bruno Atrasado", is_company=False)
        # A: 1.000,00 due 20 Jan, 400,00 paid 10 Feb, the rest 5 Mar (late).
        # B: 500,00 due 28 Feb, a credit note of it all on 20 Feb (on time).
        # C: 800,00 due 31 Mar, open.
        cls.inv_a = cls._invoice_on(cls.aurora, "2026-01-05", "2026-01-20", 1000.0)
        cls.inv_b = cls._invoice_on(cls.aurora, "2026-01-10", "2026-02-28", 500.0)
        cls.inv_c = cls._invoice_on(cls.aurora, "2026-02-05", "2026-03-31", 800.0)

    def _seed_payments(self):
        self._pay_on(self.inv_a, 400.0, "2026-02-10")
        self._credit_note_on(self.inv_b, 500.0, "2026-02-20")
        self._pay_on(self.inv_a, 600.0, "2026-03-05")

    @freeze_time(TODAY)
    def test_delinquency_by_month(self):
        self._seed_payments()
        report = self._report("dunning.report.delinquency", TODAY)
        self.assertEqual(report._dunning_refresh(), date(2026, 3, 16))
        groups = report.read_group(
            [("partner_id", "=", self.aurora.id)],
            [
                "receivable_amount:sum",
                "receivable_count:sum",
                "overdue_amount:sum",
                "overdue_count:sum",
                "paid_count:sum",
                "paid_amount:sum",
                "paid_late_count:sum",
                "paid_late_amount:sum",
                "sales_amount:sum",
                "delinquency_rate",
                "paid_late_rate",
                "dso",
            ],
            ["month_end:day"],
            orderby="month_end",
        )
        figures = [
            (
                # the month end itself, not its label (in the user's language)
                g["__range"]["month_end:day"]["from"],
                g["receivable_count"],
                g["receivable_amount"],
                g["overdue_count"],
                g["overdue_amount"],
                round(g["delinquency_rate"], 2),
                g["paid_count"],
                g["paid_amount"],
                g["paid_late_count"],
                g["paid_late_amount"],
                round(g["paid_late_rate"], 2),
                g["sales_amount"],
                round(g["dso"], 2),
            )
            for g in groups
        ]
        self.assertEqual(
            figures,
            [
                # 31 Jan: A (1.000, overdue: the 400 of 10 Feb come later) + B.
                ("2026-01-31", 2, 1500.0, 1, 1000.0, 66.67, 0, 0, 0, 0, 0.0,
                 1500.0, 90.0),
                # 28 Feb: A 600 overdue, B credited on 20 Feb (paid on time), C.
                ("2026-02-28", 2, 1400.0, 1, 600.0, 42.86, 1, 500.0, 0, 0, 0.0,
                 2300.0, round(1400 * 90 / 2300, 2)),
                # 16 Mar (today): A paid late on 5 Mar; C open, not due.
                ("2026-03-16", 1, 800.0, 0, 0.0, 0.0, 1, 1000.0, 1, 1000.0, 100.0,
                 2300.0, round(800 * 90 / 2300, 2)),
            ],
        )  # fmt: skip
        # The list (one row per customer and month end) says the same.
        rows = report.search([("partner_id", "=", self.aurora.id)])
        self.assertEqual(
            sorted((r.month_end, r.receivable_amount, r.overdue_amount) for r in rows),
            [
                (date(2026, 1, 31), 1500.0, 1000.0),
                (date(2026, 2, 28), 1400.0, 600.0),
                (date(2026, 3, 16), 800.0, 0.0),
            ],
        )

    @freeze_time(TODAY + NOON)  # the company's today: São Paulo's
    def test_delinquency_snapshot(self):
        """The delinquency figures are those of the last update: a payment
        shows after the daily scheduled action or "Update Now", which any
        collection user may press; the rows stay per company."""
        self._pay_on(self.inv_a, 400.0, "2026-02-10")
        user = new_test_user(
            self.env,
            login="rel.inadimplencia",
            groups="base.group_user,dunning_br.group_dunning_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        other = self.setup_other_company(name="Filial Norte")["company"]
        other.dunning_policy_id = self._create_policy(other)
        self._invoice_on(self.aurora, "2026-01-05", "2026-01-20", 700.0, company=other)
        self.env.ref(
            "dunning_br.ir_cron_dunning_report_delinquency"
        ).method_direct_trigger()
        report = self._report("dunning.report.delinquency", TODAY, user=user)
        domain = [("partner_id", "=", self.aurora.id), ("month_end", "=", TODAY)]

        def march():
            report.invalidate_model()
            return [(r.snapshot_date, r.company_id, r.receivable_amount,
                     r.overdue_count, r.overdue_amount, r.paid_count)
                    for r in report.search(domain)]  # fmt: skip

        today = date(2026, 3, 16)
        # A (600,00 left) and B, open and overdue.
        self.assertEqual(march(), [(today, self.company, 1900.0, 2, 1100.0, 0)])
        self._pay_on(self.inv_a, 600.0, "2026-03-05")
        self.env.flush_all()
        # Not in the figures before the next update.
        self.assertEqual(march(), [(today, self.company, 1900.0, 2, 1100.0, 0)])
        action = report.action_dunning_refresh()
        self.assertEqual(action["tag"], "reload")
        self.assertEqual(march(), [(today, self.company, 1300.0, 1, 500.0, 1)])
        # The other company's figures are there, for its users only.
        both = self._report("dunning.report.delinquency", TODAY).with_context(
            allowed_company_ids=[self.company.id, other.id]
        )
        self.assertEqual(
            both.search(domain).mapped("receivable_amount"), [1300.0, 700.0]
        )
        # Read-only for everyone else.
        outsider = new_test_user(self.env, login="rel.fora", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["dunning.report.delinquency"].with_user(
                outsider
            ).action_dunning_refresh()

    @freeze_time(TODAY)
    def test_days_late_score_and_dso(self):
        self._seed_payments()
        # A paid 44 days after its due date, B on time (0): 22 days on average.
        self.env.flush_all()
        self.aurora.invalidate_recordset()
        self.assertEqual(self.aurora.dunning_avg_days_late, 22.0)
        self.assertEqual(self.aurora.dunning_payer_score, "regular")
        late = self._invoice_on(self.bruno, "2026-01-01", "2026-01-10", 100.0)
        self.assertEqual(self.bruno.dunning_payer_score, "unknown")
        self._pay_on(late, 100.0, "2026-02-15")
        self.env.flush_all()
        self.bruno.invalidate_recordset()
        self.assertEqual(self.bruno.dunning_avg_days_late, 36.0)
        self.assertEqual(self.bruno.dunning_payer_score, "bad")
        (group,) = self._report("dunning.report.customer", TODAY).read_group(
            [("partner_id", "=", self.aurora.id)],
            ["avg_days_late", "dso", "open_amount:sum", "sales_amount:sum"],
            ["partner_id"],
        )
        self.assertEqual(group["avg_days_late"], 22.0)
        self.assertEqual((group["open_amount"], group["sales_amount"]), (800.0, 2300.0))
        self.assertAlmostEqual(group["dso"], 800 * 90 / 2300)

    @freeze_time(TODAY)
    def test_recovery_per_step(self):
        History = self.env["dunning.history"].sudo()
        d = self._invoice_on(self.bruno, "2026-02-01", "2026-02-10", 300.0)
        e = self._invoice_on(self.bruno, "2026-02-01", "2026-02-10", 200.0)
        f = self._invoice_on(self.bruno, "2026-01-01", "2026-01-20", 1000.0)
        for move, step, run_date in (
            (f, self.step_3, "2026-01-23"),  # paid 41 days later
            (d, self.step_3, "2026-02-13"),  # paid 5 days later
            (e, self.step_due, "2026-02-10"),  # paid 2 days later
        ):
            History.create(
                {
                    "company_id": self.company.id,
                    "policy_id": self.policy.id,
                    "step_id": step.id,
                    "channel": step.channel,
                    "move_line_id": self._installment(move).id,
                    "move_id": move.id,
                    "partner_id": self.bruno.id,
                    "run_date": run_date,
                    "state": "sent",
                    "amount_residual": move.amount_total,
                }
            )
        self._pay_on(f, 1000.0, "2026-03-05")
        self._pay_on(d, 300.0, "2026-02-18")
        self._pay_on(e, 200.0, "2026-02-12")
        groups = self._report("dunning.report.recovery", TODAY).read_group(
            [("partner_id", "=", self.bruno.id)],
            [
                "reached_count:sum",
                "amount_residual:sum",
                "paid_3_count:sum",
                "paid_7_count:sum",
                "paid_30_count:sum",
                "paid_7_amount:sum",
                "paid_3_rate",
                "paid_7_rate",
                "paid_30_rate",
                "paid_7_amount_rate",
            ],
            ["step_id"],
        )
        by_step = {g["step_id"][0]: g for g in groups}
        three = by_step[self.step_3.id]
        self.assertEqual(
            (three["reached_count"], three["amount_residual"], three["paid_3_count"],
             three["paid_7_count"], three["paid_30_count"], three["paid_7_amount"]),
            (2, 1300.0, 0, 1, 1, 300.0),
        )  # fmt: skip
        self.assertEqual((three["paid_3_rate"], three["paid_7_rate"]), (0.0, 50.0))
        self.assertAlmostEqual(three["paid_7_amount_rate"], 100 * 300 / 1300)
        due = by_step[self.step_due.id]
        self.assertEqual((due["reached_count"], due["paid_3_rate"]), (1, 100.0))

    def test_agreements(self):
        with freeze_time("2026-03-10" + NOON):
            agreement = self._active_agreement(
                self.aurora,
                self._receivable(self.inv_a),
                fine_waiver_percent=50.0,
                interest_waiver_percent=50.0,
                down_payment=300.0,
                down_payment_due=date(2026, 3, 12),
                installment_count=2,
                first_due=date(2026, 4, 10),
            )
        down = agreement.installment_ids.sorted("number")[:1].move_line_id
        self._pay(down, date(2026, 3, 12))
        (group,) = self._report("dunning.report.agreement", TODAY).read_group(
            [("partner_id", "=", self.aurora.id)],
            [
                "made_count:sum",
                "fulfilled_count:sum",
                "broken_count:sum",
                "negotiated_amount:sum",
                "total_amount:sum",
                "recovered_amount:sum",
                "waived_amount:sum",
                "recovery_rate",
            ],
            ["partner_id"],
        )
        self.assertEqual(
            (group["made_count"], group["fulfilled_count"], group["broken_count"]),
            (1, 0, 0),
        )
        self.assertEqual(group["negotiated_amount"], agreement.negotiated_amount)
        self.assertEqual(group["total_amount"], agreement.total_amount)
        self.assertEqual(group["recovered_amount"], 300.0)
        self.assertTrue(agreement.fine_waived and agreement.interest_waived)
        self.assertAlmostEqual(
            group["waived_amount"],
            agreement.fine_waived
            + agreement.interest_waived
            + agreement.discount_amount,
        )
        self.assertAlmostEqual(
            group["recovery_rate"], 100 * 300 / agreement.total_amount
        )
