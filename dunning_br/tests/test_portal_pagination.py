# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import timedelta
from decimal import Decimal

from odoo import Command
from odoo.tests import tagged

from odoo.addons.dunning_br.controllers.portal import PAGE_SIZE

from .portal_common import PortalCommon

GRAND_TOTAL_RE = re.compile(r'o_dunning_grand_total"[^>]*>(.*?)</div>', re.DOTALL)


@tagged("post_install", "-at_install")
class TestPortalPagination(PortalCommon):
    """Hundreds of installments: the cards come one page at a time, the
    totals cover all of them, and a page costs the same queries whatever the
    number of installments."""

    @classmethod
    def _term(cls, count):
        return cls.env["account.payment.term"].create(
            {
                "name": f"{count} installments",
                "line_ids": [
                    Command.create(
                        {
                            "value": "percent",
                            "value_amount": 100 / count,
                            "delay_type": "days_after",
                            "nb_days": 10 * index,
                        }
                    )
                    for index in range(count)
                ],
            }
        )

    @classmethod
    def _many(cls, name, invoices, per_invoice):
        """A customer with a portal user and ``invoices`` invoices of
        ``per_invoice`` installments each, half of them overdue."""
        customer = cls._customer(name)
        user = cls._portal_user(name.lower().replace(" ", "."), customer)
        term = cls._term(per_invoice)
        for index in range(invoices):
            cls._invoice(
                customer,
                cls.today - timedelta(days=5 * per_invoice + index),
                1000.0 * per_invoice,
                payment_term=term,
            )
        return customer, user

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_10, cls.user_10 = cls._many("Poucas Parcelas", 1, 10)
        cls.customer_60, cls.user_60 = cls._many("Muitas Parcelas", 3, 20)
        cls.customer_30, cls.user_30 = cls._many("Parcelas Medias", 3, 10)

    def _grand_total(self, response):
        return GRAND_TOTAL_RE.search(response.text).group(1).strip()

    def test_summary_matches_the_installments_one_by_one(self):
        summary = self.customer_60._dunning_portal_summary()
        detailed = self.customer_60._dunning_portal_installments()
        self.assertEqual(len(summary), 60)
        self.assertEqual([i["id"] for i in summary], [i["id"] for i in detailed])
        for plain, item in zip(summary, detailed, strict=True):
            self.assertEqual(
                (plain["status"], plain["days"]), (item["status"], item["days"])
            )
            for key in ("residual", "fine", "interest", "total"):
                self.assertEqual(plain[key], Decimal(str(item[key])), key)
        self.assertTrue(any(item["fine"] for item in summary))
        self.assertTrue(any(item["status"] == "upcoming" for item in summary))

    def test_page_two_shows_the_next_installments_with_the_same_totals(self):
        self._as(self.user_60)
        ids = [item["id"] for item in self.customer_60._dunning_portal_summary()]
        first = self._page()
        second = self._page("/page/2")
        third = self._page("/page/3")
        self.assertEqual(self._shown_lines(first), set(ids[:PAGE_SIZE]))
        self.assertEqual(self._shown_lines(second), set(ids[PAGE_SIZE : 2 * PAGE_SIZE]))
        self.assertEqual(self._shown_lines(third), set(ids[2 * PAGE_SIZE :]))
        self.assertIn('class="fs-5 o_dunning_total_count">60<', second.text)
        self.assertEqual(self._grand_total(first), self._grand_total(second))
        self.assertEqual(self._grand_total(first), self._grand_total(third))
        self.assertIn("o_dunning_pager", first.text)

    def test_pager_keeps_filter_and_sort(self):
        self._as(self.user_60)
        summary = self.customer_60._dunning_portal_summary()
        newest = [item["id"] for item in reversed(summary)]
        first = self._page("?sortby=date_desc&filterby=all")
        self.assertIn("/my/pendencias/page/2?", first.text)
        links = re.findall(r'href="(/my/pendencias/page/2\?[^"]+)"', first.text)
        self.assertTrue(links)
        self.assertIn("sortby=date_desc", links[0])
        self.assertIn("filterby=all", links[0])
        second = self.url_open(links[0].replace("&amp;", "&"))
        self.assertEqual(
            self._shown_lines(second), set(newest[PAGE_SIZE : 2 * PAGE_SIZE])
        )
        overdue = [i["id"] for i in summary if i["status"] == "overdue"]
        page = self._page("?filterby=overdue")
        self.assertEqual(self._shown_lines(page), set(overdue[:PAGE_SIZE]))
        self.assertIn('class="fs-5 o_dunning_total_count">60<', page.text)

    def test_few_installments_no_pager(self):
        self._as(self.user_10)
        page = self._page()
        self.assertEqual(len(self._shown_lines(page)), 10)
        self.assertNotIn("o_dunning_pager", page.text)

    def _queries(self, user):
        self._as(user)
        self._page()  # warm-up: templates, caches, session
        before = self.cr.sql_log_count
        response = self._page()
        self.assertEqual(response.status_code, 200)
        return self.cr.sql_log_count - before

    def test_queries_do_not_grow_with_the_installments(self):
        # Beyond one page (the negotiation offers read every overdue
        # installment once: one more query than a customer whose
        # installments all fit on the page), the cost no longer depends on
        # how many there are.
        few = self._queries(self.user_30)
        many = self._queries(self.user_60)
        self.assertEqual(few, many)
        self.assertLessEqual(self._queries(self.user_10), many)
