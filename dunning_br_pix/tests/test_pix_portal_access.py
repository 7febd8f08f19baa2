# Copyright 2026 dunning_br developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import html
import json
import re
from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.misc import hash_sign

from odoo.addons.dunning_br.models.res_partner import PORTAL_TOKEN_SCOPE

from .common import PixSandboxCommon

MISSING = 999999999
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestPixPortalAccess(PixSandboxCommon, HttpCase):
    """The access matrix of the payment routes of "Minhas pendências"
    (/my/pendencias/pay, /transaction/…, /pix/simulate): customer A, customer
    B, a visitor with a token, without one, with an expired one, and an
    internal user without collection rights. Another customer's installment
    gets the same answer as a missing one; the simulated Pix exists only in
    test mode with the local sandbox."""

    def setUp(self):
        super().setUp()
        self.other = self._customer("Outra Cliente", vat="11444777000161")
        self.user_a = self._portal_user("padaria.portal", self.customer)
        self.user_b = self._portal_user("outra.portal", self.other)
        self.internal = new_test_user(
            self.env,
            login="interno.sem.cobranca",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        _move, self.mine = self._installment(days=5, amount=400.0)
        self.charge = self._charge(self.mine)
        other_move = self._invoice(self.other, self.today + timedelta(days=5))
        self.theirs = other_move.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )

    def _portal_user(self, login, partner):
        user = new_test_user(
            self.env,
            login=login,
            groups="base.group_portal",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        user.partner_id.parent_id = partner
        return user

    def _who(self, who):
        """A session as ``who``: a user, ``"token"`` (customer A's link),
        ``"expired"`` or None (a visitor without a token)."""
        if who in (None, "token", "expired"):
            self.authenticate(None, None)
            if who:
                days = 1 if who == "token" else -1
                token = hash_sign(
                    self.env(su=True),
                    PORTAL_TOKEN_SCOPE,
                    {"partner_id": self.customer.id},
                    expiration=datetime.now() + timedelta(days=days),
                )
                self.url_open("/my/pendencias?token=" + token)
        else:
            self.authenticate(who.login, who.login)

    def _pay(self, line_id):
        return self.url_open(
            f"/my/pendencias/pay?line_ids={line_id}", allow_redirects=False
        )

    def _transaction(self, line_id):
        response = self.url_open(
            f"/my/pendencias/transaction/{line_id}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 0,
                    "params": {
                        "provider_id": self.provider.id,
                        "payment_method_id": self.pix_method.id,
                        "token_id": None,
                        "amount": 1.0,
                        "flow": "redirect",
                        "tokenization_requested": False,
                        "landing_route": "/my/pendencias",
                        "is_validation": False,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        return body.get("result") or body["error"]["data"]["message"]

    def _csrf(self):
        for url in ("/my/pendencias", "/web/login"):
            page = self.url_open(url)
            match = CSRF_RE.search(page.text) or re.search(
                r'csrf_token: "([^"]+)"', page.text
            )
            if match:
                return html.unescape(match.group(1))
        self.fail("no CSRF token")

    def _simulate(self, line_id):
        return self.url_open(
            "/my/pendencias/pix/simulate",
            data={"line_id": line_id, "csrf_token": self._csrf()},
            allow_redirects=False,
        )

    def _transactions(self):
        return self.env["payment.transaction"].search_count([])

    def test_not_yours_is_answered_as_missing(self):
        before = self._transactions()
        for who in (self.user_b, self.internal):
            self._who(who)
            self.assertEqual(self._pay(self.mine.id).status_code, 404, who)
            self.assertEqual(self._pay(MISSING).status_code, 404, who)
            other = self._transaction(self.mine.id)
            self.assertIsInstance(other, str, who)
            self.assertEqual(self._transaction(MISSING), other, who)
            self.assertEqual(self._simulate(self.mine.id).status_code, 404, who)
            self.assertEqual(self._simulate(MISSING).status_code, 404, who)
        for who in (self.user_a, "token"):
            self._who(who)
            self.assertEqual(self._pay(self.mine.id).status_code, 200, who)
            self.assertEqual(self._pay(self.theirs.id).status_code, 404, who)
            self.assertEqual(self._pay(MISSING).status_code, 404, who)
            other = self._transaction(self.theirs.id)
            self.assertIsInstance(other, str, who)
            self.assertEqual(self._transaction(MISSING), other, who)
            self.assertEqual(self._simulate(self.theirs.id).status_code, 404, who)
            self.assertEqual(self._simulate(MISSING).status_code, 404, who)
        self.assertEqual(self._transactions(), before)
        self.env.invalidate_all()
        self.assertEqual(self.charge.state, "active")
        # The customer's own installment: a transaction for its updated total.
        result = self._transaction(self.mine.id)
        self.assertIsInstance(result, dict)
        self.assertEqual(self._transactions(), before + 1)

    def test_without_access_signs_in_or_is_refused(self):
        before = self._transactions()
        for who in (None, "expired"):
            self._who(who)
            answers = set()
            for line_id in (self.mine.id, self.theirs.id, MISSING):
                self.assertIn(
                    "/web/login", self._pay(line_id).headers.get("Location", "")
                )
                answer = self._transaction(line_id)
                self.assertIsInstance(answer, str)
                answers.add(answer)
                self.assertEqual(self._simulate(line_id).status_code, 404)
            # "Your access to this page expired: sign in again.", the same
            # whoever's the installment.
            self.assertEqual(len(answers), 1, answers)
        self.assertEqual(self._transactions(), before)

    def test_simulate_is_refused_outside_test_mode(self):
        self.provider.state = "enabled"
        self.env.flush_all()
        for who in (self.user_a, "token"):
            self._who(who)
            self.assertEqual(self._simulate(self.mine.id).status_code, 404, who)
        self.env.invalidate_all()
        self.assertEqual(self.charge.state, "active")
