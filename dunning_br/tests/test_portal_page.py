# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL, format_date

from .portal_common import PortalCommon


@tagged("post_install", "-at_install")
class TestPortalPage(PortalCommon):
    """What "Minhas pendências" shows and what the customer can do there."""

    def test_installments_amounts_by_the_reminders_rule(self):
        items = self.customer_a._dunning_portal_installments()
        self.assertEqual(
            [item["id"] for item in items], [self.line_a_late.id, self.line_a_soon.id]
        )
        late, soon = items
        charges = self.engine._late_charges(self.line_a_late, self.policy, self.today)
        self.assertEqual(late["status"], "overdue")
        self.assertEqual(late["days"], 12)
        self.assertAlmostEqual(late["fine"], float(charges.fine))
        self.assertAlmostEqual(late["interest"], float(charges.interest))
        self.assertAlmostEqual(late["total"], float(charges.total))
        self.assertGreater(late["total"], 1000.0)
        self.assertEqual((soon["status"], soon["days"]), ("upcoming", 5))
        self.assertEqual(soon["total"], 300.0)
        self.assertFalse(soon["fine"] or soon["interest"])

    def test_page_totals_sort_and_filter(self):
        self._as(self.user_a)
        items = self.customer_a._dunning_portal_installments()
        page = self._page()
        self.assertEqual(page.status_code, 200)
        self.assertIn('class="fs-5 o_dunning_total_count">2<', page.text)
        self.assertEqual(len(items), 2)
        self.assertIn("o_dunning_grand_total", page.text)
        self.assertEqual(
            self._shown_lines(self._page("?filterby=upcoming")), {self.line_a_soon.id}
        )
        newest = self._page("?sortby=date_desc").text
        self.assertLess(
            newest.index(f'data-line-id="{self.line_a_soon.id}"'),
            newest.index(f'data-line-id="{self.line_a_late.id}"'),
        )
        oldest = self._page("?sortby=date").text
        self.assertLess(
            oldest.index(f'data-line-id="{self.line_a_late.id}"'),
            oldest.index(f'data-line-id="{self.line_a_soon.id}"'),
        )

    def test_paid_installment_leaves_the_page(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.move_a_soon.ids
        ).create({})._create_payments()
        self._as(self.user_a)
        self.assertEqual(self._shown_lines(self._page()), {self.line_a_late.id})
        status = self.url_open(
            f"/my/pendencias/status?line_ids={self.line_a_soon.id},{self.line_a_late.id}"
        )
        self.assertEqual(status.json(), {"paid": [self.line_a_soon.id]})

    def test_home_counter(self):
        self._as(self.user_a)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["dunning_pendencias_count"]}
        )
        self.assertEqual(counters["dunning_pendencias_count"], 2)
        self.assertIn("/my/pendencias", self.url_open("/my/home").text)

    def test_messages_received(self):
        self.env["dunning.engine"]._run_for(self.company, self.run_day)
        communications = self.env["dunning.communication"].search(
            [("partner_id", "=", self.customer_a.id)]
        )
        self.assertTrue(communications)
        messages = self.customer_a._dunning_portal_messages()
        self.assertEqual(len(messages), len(communications))
        self.assertEqual(
            set(messages[0]), {"date", "channel", "kind", "total", "currency"}
        )
        self._as(self.user_a)
        self.assertIn("o_dunning_message", self._page().text)

    def test_reminder_links_to_the_page_with_a_token(self):
        self.env["dunning.engine"]._run_for(self.company, self.run_day)
        communication = self.env["dunning.communication"].search(
            [("partner_id", "=", self.customer_a.id)], limit=1
        )
        body = communication.mail_message_id.body
        self.assertIn("/my/pendencias?token=", body)
        self.assertNotIn("/my/invoices/", body)
        token = body.split("/my/pendencias?token=")[1].split('"')[0]
        self._as(None)
        page = self._page("?token=" + token)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(
            self._shown_lines(page), {self.line_a_late.id, self.line_a_soon.id}
        )


@tagged("post_install", "-at_install")
class TestPortalPromise(PortalCommon):
    """Promises to pay: within the policy's limits, they pause the régua."""

    def test_promise_limits_built_by_hand_are_refused_with_the_rule(self):
        self._as(self.user_a)
        too_far = self.today + timedelta(days=self.policy.promise_max_days + 1)
        response = self._post(
            "/promise", line_id=self.line_a_late.id, date=str(too_far)
        )
        self.assertEqual(response.status_code, 303)
        page = self._page()
        self.assertIn("o_dunning_notice", page.text)
        self.assertIn(str(self.policy.promise_max_days), page.text)
        self.assertFalse(self.env["dunning.promise"].search([]))
        with self.assertRaisesRegex(UserError, "10"):
            self.env["dunning.promise"]._dunning_promise(self.line_a_late, too_far)
        with self.assertRaises(UserError):
            self.env["dunning.promise"]._dunning_promise(self.line_a_late, self.today)

    def test_double_submit_makes_one_promise(self):
        self._as(self.user_a)
        date = str(self.today + timedelta(days=4))
        for _attempt in range(2):
            self._post("/promise", line_id=self.line_a_late.id, date=date)
        promises = self.env["dunning.promise"].search(
            [("move_line_id", "=", self.line_a_late.id)]
        )
        self.assertEqual(len(promises), 1)
        # Another date after that: the policy allows one promise.
        self._post(
            "/promise",
            line_id=self.line_a_late.id,
            date=str(self.today + timedelta(days=6)),
        )
        self.assertEqual(
            self.env["dunning.promise"].search_count(
                [("move_line_id", "=", self.line_a_late.id)]
            ),
            1,
        )
        self.assertIn("o_dunning_promised", self._page().text)

    def test_policy_limits_are_manager_only(self):
        user = self.collector
        user.groups_id |= self.env.ref("dunning_br.group_dunning_user")
        with self.assertRaises(Exception):  # noqa: B017 - AccessError
            self.policy.with_user(user).promise_max_days = 30

    def test_promise_pauses_the_regua_and_a_broken_one_resumes_it(self):
        due = self.line_a_soon.date_maturity
        calendar = self.engine._calendar(self.company)
        day = due
        while not calendar.is_business_day(day):
            day += timedelta(days=1)
        before = self.move_a_soon.message_ids
        promise = self.env["dunning.promise"]._dunning_promise(
            self.line_a_soon, self.today + timedelta(days=9)
        )
        self.assertEqual(len(self.move_a_soon.message_ids - before), 1)

        def due_lines(today):
            query = self.engine._due_pairs_query(
                self.company, today, self._select_line()
            )
            if query is None:
                return set()
            self.env.cr.execute(query)
            return {line for (line,) in self.env.cr.fetchall()}

        with freeze_time(day):
            lines = due_lines(day)
            self.assertIn(self.line_a_late.id, lines)
            self.assertNotIn(self.line_a_soon.id, lines)
        after = promise.date + timedelta(days=1)
        while not calendar.is_business_day(after):
            after += timedelta(days=1)
        before = self.move_a_soon.message_ids
        with freeze_time(after):
            self.engine._run_for(self.company, after)
            self.assertEqual(promise.state, "broken")
            self.assertTrue(
                self.env["dunning.history"].search(
                    [("move_line_id", "=", self.line_a_soon.id)]
                )
            )
        texts = self.engine._in_company_lang(self.company).env
        promised = format_date(texts, promise.date)
        notes = (self.move_a_soon.message_ids - before).mapped("body")
        self.assertEqual(len([note for note in notes if promised in note]), 1)

    @staticmethod
    def _select_line():
        return SQL("aml.id")
