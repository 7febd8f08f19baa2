# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import json
import random
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
from cobranca.charges import compute_late_charges
from freezegun import freeze_time

from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged

from .report_common import ReportCommon

TODAY = "2026-03-16"


@tagged("post_install", "-at_install")
class TestReportAging(ReportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.aurora = cls._customer("Aurora Comércio")
        cls.maria = cls._customer("Maria Consumidora", is_company=False)
        cls.aging = cls.env["dunning.report.aging"]

    def _row(self, move, day=TODAY):
        return self._report("dunning.report.aging", day).search(
            [("move_id", "=", move.id)]
        )

    @freeze_time(TODAY)
    def test_hand_computed(self):
        """R$ 1.000,00 due on Friday 13 February, seen on Monday 16 March: 31
        days late, fine 2% = 20,00, interest 1% a month pro rata = 10,33."""
        move = self._invoice_on(self.aurora, "2026-02-01", "2026-02-13", 1000.0)
        row = self._row(move)
        self.assertEqual(row.report_date, date(2026, 3, 16))
        self.assertEqual(row.days_overdue, 31)
        self.assertEqual(row.aging_bucket, "3_60")
        self.assertEqual(row.amount_residual, 1000.0)
        self.assertEqual(row.fine_amount, 20.0)
        self.assertEqual(row.interest_amount, 10.33)
        self.assertEqual(row.amount_updated, 1030.33)
        self.assertEqual(row.customer_type, "pj")
        self.assertEqual(row.policy_id, self.policy)
        # A partial payment and a credit note leave 500,00 open.
        self._pay_on(move, 400.0, "2026-03-01")
        self._credit_note_on(move, 100.0, "2026-03-02")
        row = self._row(move)
        self.assertEqual(row.amount_residual, 500.0)
        self.assertEqual(row.fine_amount, 10.0)
        self.assertEqual(row.interest_amount, 5.17)  # 500 × 1% × 31 / 30
        self.assertEqual(row.amount_updated, 515.17)
        # Fully paid: out of the aging.
        self._pay_on(move, 500.0, "2026-03-10")
        self.assertFalse(self._row(move))

    @freeze_time(TODAY)
    def test_collector_is_who_follows_up(self):
        """The pivot opens by collector: the customer's own, else the
        company's (who gets the activities of the régua)."""
        ana = self._collector(self.company, "ana.cobradora", "Ana Cobradora")
        own = self._customer("Com Cobradora", dunning_collector_id=ana.id)
        mine = self._invoice_on(own, "2026-02-01", "2026-02-13", 100.0)
        other = self._invoice_on(self.aurora, "2026-02-01", "2026-02-13", 200.0)
        self.assertEqual(self._row(mine).collector_id, ana)
        self.assertEqual(self._row(other).collector_id, self.collector)
        self.assertEqual(
            self.company._dunning_follow_up_user_for(self.aurora),
            self._row(other).collector_id,
        )

    @freeze_time(TODAY)
    def test_buckets_and_consumer_cap(self):
        """Bucket limits, not due, a consumer's fine capped at 2% of a 10%
        policy, a due date on Carnaval extended to Ash Wednesday."""
        strict = self._create_policy(
            self.company,
            name="Multa 10%",
            fine_percent=10.0,
            interest_monthly_percent=3.0,
        )
        cases = {
            "2026-03-20": ("0_not_due", 0),
            "2026-03-16": ("0_not_due", 0),
            "2026-03-01": ("1_15", 15),
            "2026-02-28": ("2_30", 16),
            "2026-01-15": ("3_60", 60),
            "2026-01-14": ("4_90", 61),
            "2025-09-17": ("5_180", 180),
            "2025-09-16": ("6_over", 181),
        }
        moves = {
            due: self._invoice_on(
                self.maria, "2025-09-01", due, 300.0, dunning_policy_id=strict.id
            )
            for due in cases
        }
        for due, (bucket, days) in cases.items():
            row = self._row(moves[due])
            self.assertEqual((row.aging_bucket, row.days_overdue), (bucket, days), due)
            self.assertEqual(row.customer_type, "pf")
            self.assertEqual(row.fine_amount, 6.0 if days else 0.0, due)  # 2% cap
        # Grouped by bucket, the pivot's figures are the rows' sums.
        groups = self._report("dunning.report.aging", TODAY).read_group(
            [("partner_id", "=", self.maria.id)],
            ["amount_residual:sum", "amount_updated:sum"],
            ["aging_bucket"],
        )
        by_bucket = {g["aging_bucket"]: g for g in groups}
        self.assertEqual(by_bucket["0_not_due"]["amount_updated"], 600.0)
        self.assertEqual(by_bucket["0_not_due"]["aging_bucket_count"], 2)
        # Carnaval 2026: Monday 16 and Tuesday 17 February; due on Saturday 14,
        # on time up to Wednesday 18; late on Thursday 19 by 5 days.
        carnaval = self._invoice_on(self.aurora, "2026-01-10", "2026-02-14", 1000.0)
        self.assertEqual(self._row(carnaval, "2026-02-18").fine_amount, 0.0)
        late = self._row(carnaval, "2026-02-19")
        self.assertEqual((late.days_late, late.fine_amount), (5, 20.0))
        self.assertEqual(late.interest_amount, 1.67)

    def test_same_as_cobranca_charges(self):
        """The SQL figures equal ``cobranca.charges.compute_late_charges`` (the
        régua's one rule) over many seeded installments, customers, policies
        and days, around holidays and week-ends."""
        rng = random.Random(13)
        policies = [self.policy] + [
            self._create_policy(
                self.company,
                name=f"Régua {i}",
                fine_percent=float(rng.choice(["0", "1.5", "2", "5", "10", "2.25"])),
                interest_monthly_percent=float(
                    rng.choice(["0", "0.3333", "1", "1.99", "3.5", "9.9999"])
                ),
            )
            for i in range(5)
        ]
        customers = [
            self.aurora,
            self.maria,
            self._customer("João CPF", is_company=False, vat="529.982.247-25"),
            self._customer("Loja CNPJ", is_company=False, vat="11.222.333/0001-81"),
        ]
        moves = self.env["account.move"]
        for _i in range(60):
            due = date(2025, 12, 1) + timedelta(days=rng.randrange(0, 130))
            moves |= self._invoice_on(
                rng.choice(customers),
                "2025-11-20",
                due,
                float(Decimal(rng.randrange(1, 500000)) / 100),
                dunning_policy_id=rng.choice(policies).id,
            )
        for move in moves[:15]:
            self._pay_on(move, round(move.amount_total / 3, 2), "2025-11-25")
        engine = self.env["dunning.engine"]
        calendar = engine._calendar(self.company)
        checked = 0
        for day in (
            "2026-02-14",
            "2026-02-18",
            "2026-02-19",
            "2026-03-16",
            "2026-04-06",
        ):
            rows = self._report("dunning.report.aging", day).search(
                [("move_id", "in", moves.ids)]
            )
            self.assertEqual(len(rows), 60)
            for row in rows:
                line = row.move_line_id
                charges = compute_late_charges(
                    Decimal(str(line.amount_residual)).quantize(Decimal("0.01")),
                    line.date_maturity,
                    date.fromisoformat(day),
                    line.move_id._dunning_policy()._late_charge_policy(),
                    consumer=line.move_id.commercial_partner_id._dunning_is_consumer(),
                    calendar=calendar,
                )
                self.assertEqual(
                    (
                        Decimal(str(row.fine_amount)),
                        Decimal(str(row.interest_amount)),
                        Decimal(str(row.amount_updated)),
                        row.days_late,
                    ),
                    (charges.fine, charges.interest, charges.total, charges.days_late),
                    f"{line.date_maturity} on {day}: {charges.explanation}",
                )
                checked += 1
        self.assertEqual(checked, 300)

    @freeze_time(TODAY)
    def test_companies_currencies(self):
        """A user sees the aging of their companies only (record rule); an
        installment in another currency is left out, as the régua leaves it
        out."""
        other = self.setup_other_company(name="Filial Sul")["company"]
        other.dunning_policy_id = self._create_policy(other)
        mine = self._invoice_on(self.aurora, "2026-02-01", "2026-02-13", 1000.0)
        theirs = self._invoice_on(
            self.aurora, "2026-02-01", "2026-02-13", 700.0, company=other
        )
        usd = self.setup_other_currency("EUR")
        foreign = self._invoice_on(
            self.aurora, "2026-02-01", "2026-02-13", 900.0, currency=usd
        )
        user = new_test_user(
            self.env,
            login="rel.cobranca",
            groups="base.group_user,base.group_allow_export,dunning_br.group_dunning_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        moves = mine | theirs | foreign
        report = self._report("dunning.report.aging", TODAY, user=user)
        self.assertEqual(report.search([("move_id", "in", moves.ids)]).move_id, mine)
        both = self._report("dunning.report.aging", TODAY).with_context(
            allowed_company_ids=[self.company.id, other.id]
        )
        self.assertEqual(
            both.search([("move_id", "in", moves.ids)]).move_id, mine | theirs
        )


@tagged("post_install", "-at_install")
class TestReportExport(ReportCommon, HttpCase):
    @freeze_time(TODAY + " 12:00:00")  # the company's today: São Paulo's
    def test_xlsx_export(self):
        """The aging exports to XLSX through the web client's own export
        (``/web/export/xlsx``), with the updated amount."""
        aurora = self._customer("Aurora Comércio")
        move = self._invoice_on(aurora, "2026-02-01", "2026-02-13", 1000.0)
        user = new_test_user(
            self.env,
            login="rel.export",
            groups="base.group_user,base.group_allow_export,"
            "dunning_br.group_dunning_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.env.flush_all()
        self.authenticate("rel.export", "rel.export")
        Aging = self.env["dunning.report.aging"]
        names = ["partner_id", "aging_bucket", "amount_residual", "amount_updated"]
        response = self.url_open(
            "/web/export/xlsx",
            data={
                "data": json.dumps(
                    {
                        "model": "dunning.report.aging",
                        "fields": [
                            {
                                "name": name,
                                "label": Aging._fields[name].string,
                                "type": Aging._fields[name].type,
                            }
                            for name in names
                        ],
                        "domain": [["move_id", "=", move.id]],
                        "groupby": [],
                        "ids": False,
                        "import_compat": False,
                    }
                ),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        # The bucket in the exporting user's language ("31 a 60 dias" in
        # pt_BR).
        user_env = Aging.with_context(lang=user.lang).env
        bucket = dict(Aging._fields["aging_bucket"]._description_selection(user_env))
        self.assertEqual(
            [[cell.value for cell in row] for row in sheet.iter_rows()],
            [
                ["Customer", "Aging", "Open Amount", "Updated Amount"],
                ["Aurora Comércio", bucket["3_60"], 1000, 1030.33],
            ],
        )


@tagged("post_install", "-at_install")
class TestReportViews(ReportCommon):
    def test_menus_and_views(self):
        """Every report opens (its views, first list page and pivot) from
        Collection → Reports; managers land on the dashboard, graph first."""
        self._invoice_on(self._customer("Aurora"), "2026-02-01", "2026-02-13", 10.0)
        dashboard = self.env.ref("dunning_br.action_dunning_report_dashboard")
        self.assertEqual(dashboard.view_mode, "graph,pivot,list")
        self.assertEqual(
            self.env.ref("dunning_br.menu_dunning_report_dashboard").groups_id,
            self.env.ref("dunning_br.group_dunning_manager"),
        )
        menus = self.env.ref("dunning_br.menu_dunning_report").child_id
        self.assertEqual(len(menus), 5)
        for menu in menus:
            action = menu.action
            Report = self.env[action.res_model].with_context(
                dunning_report_date="2026-03-16"
            )
            views = Report.get_views(
                [(False, mode) for mode in action.view_mode.split(",")]
                + [(action.search_view_id.id, "search")]
            )
            self.assertEqual(
                set(views["views"]), {"pivot", "graph", "list", "search"}, action.name
            )
            fields_list = Report.fields_get(attributes=["aggregator", "type"])
            measures = [
                name
                for name, field in fields_list.items()
                if field["type"] in ("integer", "float", "monetary")
                and field.get("aggregator")
                and name != "id"
            ]
            Report.web_search_read([], {"display_name": {}}, limit=80)
            Report.read_group([], measures, [], lazy=False)
        aging = self._report("dunning.report.aging", "2026-03-16")
        self.assertTrue(aging.search_count([]))
