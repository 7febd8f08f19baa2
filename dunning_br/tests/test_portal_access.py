# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import html
import re
from datetime import datetime, timedelta

from odoo.tests import tagged

from .portal_common import PortalCommon


@tagged("post_install", "-at_install")
class TestPortalAccess(PortalCommon):
    """Who sees what on "Minhas pendências", route by route."""

    def _promise_date(self):
        return str(self.today + timedelta(days=3))

    def test_customer_a_sees_and_acts_on_own_installments_only(self):
        self._as(self.user_a)
        page = self._page()
        self.assertEqual(page.status_code, 200)
        self.assertEqual(
            self._shown_lines(page), {self.line_a_late.id, self.line_a_soon.id}
        )
        self.assertNotIn(self.move_b.name, page.text)
        # Another customer's installment: the same 404 as a missing one.
        other = self._post(
            "/promise", line_id=self.line_b.id, date=self._promise_date()
        )
        missing = self._post("/promise", line_id=999999999, date=self._promise_date())
        self.assertEqual(other.status_code, 404)
        self.assertEqual(missing.status_code, 404)
        self.assertFalse(
            self.env["dunning.promise"].search([("move_line_id", "=", self.line_b.id)])
        )
        status = self.url_open(
            f"/my/pendencias/status?line_ids={self.line_b.id},{self.line_a_late.id}"
        )
        self.assertEqual(status.json(), {"paid": []})
        ok = self._post(
            "/promise", line_id=self.line_a_late.id, date=self._promise_date()
        )
        self.assertEqual(ok.status_code, 303)
        self.assertTrue(
            self.env["dunning.promise"].search(
                [("move_line_id", "=", self.line_a_late.id)]
            )
        )

    def test_customer_b_sees_own_installment_only(self):
        self._as(self.user_b)
        page = self._page()
        self.assertEqual(self._shown_lines(page), {self.line_b.id})
        self.assertNotIn(self.move_a_late.name, page.text)
        response = self._post(
            "/promise", line_id=self.line_a_late.id, date=self._promise_date()
        )
        self.assertEqual(response.status_code, 404)

    def test_visitor_with_token_sees_the_customer_without_signing_in(self):
        self._as(None)
        page = self._page("?token=" + self._token(self.customer_a))
        self.assertEqual(page.status_code, 200)
        self.assertEqual(
            self._shown_lines(page), {self.line_a_late.id, self.line_a_soon.id}
        )
        # The next pages of the visit keep the access (the session has it).
        self.assertEqual(
            self._shown_lines(self._page("?filterby=overdue")), {self.line_a_late.id}
        )
        response = self._post(
            "/preferences", opt_out_email="on", email="", mobile="+55 11 99999-0000"
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(self.customer_a.dunning_opt_out_email)
        self.assertEqual(self.customer_a.mobile, "+55 11 99999-0000")
        other = self._post(
            "/promise", line_id=self.line_b.id, date=self._promise_date()
        )
        self.assertEqual(other.status_code, 404)

    def test_visitor_without_token_signs_in(self):
        self._as(None)
        self.assertLogin(self._page())
        self.assertLogin(self._page("?token=forged"))
        self.assertLogin(self._page("?token=" + "A" * 80))
        # Writing routes too (the CSRF token of a visitor's session is valid).
        self.url_open("/web/login")
        response = self.url_open(
            "/my/pendencias/promise",
            data={
                "csrf_token": self._csrf_of("/web/login"),
                "line_id": self.line_a_late.id,
                "date": self._promise_date(),
            },
            allow_redirects=False,
        )
        self.assertLogin(response)
        status = self.url_open(f"/my/pendencias/status?line_ids={self.line_a_late.id}")
        self.assertEqual(status.status_code, 403)
        self.assertFalse(self.env["dunning.promise"].search([]))

    def _csrf_of(self, url):
        page = self.url_open(url)
        return html.unescape(re.search(r'csrf_token: "([^"]+)"', page.text).group(1))

    def test_expired_token_signs_in(self):
        self._as(None)
        self.assertLogin(self._page("?token=" + self._token(self.customer_a, days=-1)))
        # A valid token for a while, expired afterwards: the session forgets it.
        self.assertEqual(
            self._page("?token=" + self._token(self.customer_a, days=1)).status_code,
            200,
        )
        self.assertLogin(self._page("?token=" + self._token(self.customer_a, days=-1)))
        self.assertLogin(self._page())

    def test_token_lasts_the_company_days(self):
        self.company.dunning_portal_token_days = 7
        token = self.customer_a._dunning_portal_token(self.company)
        raw = base64.urlsafe_b64decode(token.encode() + b"===")
        expires = int.from_bytes(raw[1:9], "little")
        days = (datetime.fromtimestamp(expires) - datetime.now()).days
        self.assertIn(days, (6, 7))

    def test_internal_user_without_collection_rights_sees_nothing_of_customers(self):
        self._as(self.internal)
        page = self._page()
        self.assertEqual(page.status_code, 200)
        self.assertEqual(self._shown_lines(page), set())
        response = self._post(
            "/promise", line_id=self.line_a_late.id, date=self._promise_date()
        )
        self.assertEqual(response.status_code, 404)

    def test_no_internal_field_on_the_page(self):
        self.customer_a.sudo().write(
            {
                "dunning_pause_note": "NOTA INTERNA secreta",
                "dunning_exclusion_reason": "MOTIVO INTERNO",
                "dunning_collector_id": self.collector.id,
                "dunning_negativation_flag": True,
            }
        )
        self._as(self.user_a)
        text = self._page().text
        for secret in ("NOTA INTERNA", "MOTIVO INTERNO", self.collector.name):
            self.assertNotIn(secret, text)
