# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers of the tests of the customer portal "Minhas pendências"."""

import html
import re
from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user
from odoo.tools.misc import hash_sign

from odoo.addons.dunning_br.models.res_partner import PORTAL_TOKEN_SCOPE

from .common import DunningCommon

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class PortalCommon(DunningCommon, HttpCase):
    """Two customers (companies) with a portal user each, an internal user
    without collection rights, and helpers to browse their pages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = cls.engine._today(cls.company)
        # The régua runs on business days only: tests that run it do so on
        # the first business day from today (the same day on weekdays).
        calendar = cls.engine._calendar(cls.company)
        cls.run_day = cls.today
        while not calendar.is_business_day(cls.run_day):
            cls.run_day += timedelta(days=1)
        cls.customer_a = cls._customer("Mercado Alfa")
        cls.customer_b = cls._customer("Oficina Beta")
        cls.user_a = cls._portal_user("alfa.portal", cls.customer_a)
        cls.user_b = cls._portal_user("beta.portal", cls.customer_b)
        cls.internal = new_test_user(
            cls.env,
            login="interno.sem.cobranca",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.move_a_late = cls._invoice(
            cls.customer_a, cls.today - timedelta(days=12), 1000.0
        )
        cls.move_a_soon = cls._invoice(
            cls.customer_a, cls.today + timedelta(days=5), 300.0
        )
        cls.move_b = cls._invoice(cls.customer_b, cls.today - timedelta(days=3), 777.0)
        cls.line_a_late = cls._line(cls.move_a_late)
        cls.line_a_soon = cls._line(cls.move_a_soon)
        cls.line_b = cls._line(cls.move_b)

    @classmethod
    def _portal_user(cls, login, company_partner):
        user = new_test_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        user.partner_id.parent_id = company_partner
        return user

    @staticmethod
    def _line(move):
        return move.line_ids.filtered(lambda line: line.display_type == "payment_term")

    def _token(self, partner, days=None):
        """A link token for ``partner``; ``days`` < 0 gives an expired one."""
        if days is None:
            return partner._dunning_portal_token(self.company)
        return hash_sign(
            self.env(su=True),
            PORTAL_TOKEN_SCOPE,
            {"partner_id": partner.id},
            expiration=datetime.now() + timedelta(days=days),
        )

    def _as(self, who):
        """Open a session as ``who``: a user, or None for a visitor."""
        if who is None:
            self.authenticate(None, None)
        else:
            self.authenticate(who.login, who.login)

    def _page(self, query=""):
        return self.url_open("/my/pendencias" + query, allow_redirects=False)

    def _csrf(self):
        page = self.url_open("/my/pendencias")
        match = CSRF_RE.search(page.text)
        self.assertTrue(match, "the page has no form")
        return html.unescape(match.group(1))

    def _post(self, route, **data):
        data.setdefault("csrf_token", self._csrf())
        return self.url_open("/my/pendencias" + route, data=data, allow_redirects=False)

    def _shown_lines(self, response):
        return {
            int(i) for i in re.findall(r'data-line-id="(\d+)"', response.text or "")
        }

    def assertLogin(self, response):
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
